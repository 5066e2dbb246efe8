// Downloads one file over HTTP(S), resumably and safely: bytes go to `dest.part`, which is kept when
// the transfer is interrupted or cancelled so the next call continues with a Range request; the
// finished file is checked (size, sha256) and only then renamed to `dest`, so `dest` is always whole.
// Uses node:http(s) rather than fetch because VS Code's proxy support patches these modules.
// Redirects are followed here, one fresh request per hop, so a Hugging Face token (hub-token.ts) goes
// only with the requests to the Hub's own origin, never to the host a redirect leads to.
import { open, rename, rm, stat } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import { basename, dirname } from 'node:path';
import type { HostPolicy } from './download-policy';
import { formatBytes, DownloadError, progressMeter, sha256File, type DownloadProgress } from './download-progress';
import { sendsTokenTo, type HubAuth } from './hub-token';

export interface FileDownload {
  url: URL;
  dest: string | ((sha256: string) => string); // the finished file, or where it goes once its sha256 is known
  part?: string; // where the bytes go meanwhile; default `${dest}.part`
  file?: string; // named in messages; default the dest's name
  accept?: (part: string) => Promise<void>; // a last check of the whole, verified file before it is moved into place
  policy: HostPolicy; // checked for the URL and every redirect
  auth?: HubAuth; // a token for the Hub: sent only to its origin
  size?: number; // pinned size in bytes
  sha256?: string; // pinned lower-case hex digest
  maxBytes?: number; // refuse longer bodies (for files without a pinned size)
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  stallMs?: number; // give up when no byte arrives for this long; default 30 s
  retryWith: string; // what the user runs again, e.g. "GPT-2: Download Model"
}

const MAX_REDIRECTS = 5;

/** Resolves with the file's sha256 once it is whole, verified and in place. */
export async function downloadFile(job: FileDownload): Promise<string> {
  const part = job.part ?? `${job.dest}.part`;
  const kept = await keptBytes(part, job.size);
  if (job.size === undefined || kept < job.size) await transfer(part, kept, job);
  const digest = await verify(part, job);
  await job.accept?.(part);
  await rename(part, typeof job.dest === 'string' ? job.dest : job.dest(digest));
  return digest;
}

/** Bytes of an earlier attempt worth resuming from; a part longer than the pinned size is dropped. */
async function keptBytes(part: string, size: number | undefined): Promise<number> {
  const kept = await stat(part).then((s) => s.size, () => 0);
  if (size !== undefined && kept > size) {
    await rm(part, { force: true });
    return 0;
  }
  return kept;
}

/** Requests the file (from `kept` on) and appends the body to `part`. */
async function transfer(part: string, kept: number, job: FileDownload): Promise<void> {
  throwIfCancelled(job, kept);
  const exchange = await follow(job.url, kept, job);
  const { response, request } = exchange;
  if (response.statusCode === 416 && kept > 0) {
    response.resume(); // the server will not resume this part: start over
    await rm(part, { force: true });
    return transfer(part, 0, job);
  }
  const body = await startOf(exchange, kept, part, job).catch((error) => {
    request.destroy(); // nothing more to read from this answer
    throw error;
  });
  await writeBody(response, request, part, body, job);
}

interface Exchange {
  request: http.ClientRequest;
  response: http.IncomingMessage;
  withToken: boolean; // the request carried the Hub token
}

/** GET `url` (with a Range header when resuming), following redirects the policy allows. */
async function follow(url: URL, kept: number, job: FileDownload, hops = 0): Promise<Exchange> {
  if (!job.policy.allows(url)) {
    throw new DownloadError('redirect', `refusing to download ${name(job)} from ${url.origin}: only ${job.policy.description} may be used`);
  }
  const exchange = await get(url, kept, job);
  const { statusCode = 0, headers } = exchange.response;
  if (statusCode < 300 || statusCode >= 400 || statusCode === 304) return exchange;
  exchange.response.resume();
  if (!headers.location) throw new DownloadError('http', `${url.host} answered ${statusCode} without a Location for ${name(job)}`);
  if (hops >= MAX_REDIRECTS) throw new DownloadError('redirect', `too many redirects (${MAX_REDIRECTS}) while downloading ${name(job)}`);
  return follow(new URL(headers.location, url), kept, job, hops + 1);
}

function get(url: URL, kept: number, job: FileDownload): Promise<Exchange> {
  const client = url.protocol === 'https:' ? https : http;
  const headers: http.OutgoingHttpHeaders = { 'user-agent': 'gpt2-explorer', 'accept-encoding': 'identity' };
  if (kept > 0) headers.range = `bytes=${kept}-`;
  const { auth } = job;
  const withToken = sendsTokenTo(url, auth);
  if (withToken) headers.authorization = `Bearer ${auth.token.value}`;
  const stallMs = job.stallMs ?? 30_000;
  return new Promise((resolve, reject) => {
    let response: http.IncomingMessage | undefined;
    const request = client.get(url, { headers, signal: job.signal }, (answer) => {
      response = answer;
      resolve({ request, response: answer, withToken });
    });
    request.setTimeout(stallMs, () => {
      const stalled = new Error(`no data for ${stallMs / 1000} s`);
      request.destroy(stalled);
      response?.destroy(stalled); // so the body iterator fails with this cause, not a bare "aborted"
    });
    request.on('error', (error) => reject(networkError(error, kept, job)));
  });
}

/** Where in the file the body starts, and the file's total size (0 if unknown); rejects what does not fit the pin. */
async function startOf({ response, withToken }: Exchange, kept: number, part: string, job: FileDownload): Promise<{ start: number; total: number }> {
  const status = response.statusCode ?? 0;
  if (status !== 200 && status !== 206) throw httpError(status, response.statusMessage ?? '', job, withToken);
  const start = status === 206 ? rangeStart(response.headers['content-range'], kept, job) : 0; // 200: Range ignored
  const length = Number(response.headers['content-length'] ?? NaN);
  const total = Number.isFinite(length) ? start + length : undefined;
  if (job.size !== undefined && total !== undefined && total !== job.size) {
    await rm(part, { force: true });
    throw new DownloadError('size', `the server offers ${name(job)} with ${total.toLocaleString('en')} bytes, but the pinned file has ${job.size.toLocaleString('en')}; nothing was kept. Check your network (a proxy may be rewriting files) and run ${job.retryWith} again`);
  }
  return { start, total: job.size ?? total ?? 0 };
}

/** Content-Range "bytes 1000-4999/5000" must start where our part ends. */
function rangeStart(contentRange: string | undefined, kept: number, job: FileDownload): number {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(contentRange ?? '');
  if (!match || Number(match[1]) !== kept) {
    throw new DownloadError('http', `the server resumed ${name(job)} at the wrong place (Content-Range "${contentRange}", expected byte ${kept}); run ${job.retryWith} again`);
  }
  return kept;
}

async function writeBody(
  response: http.IncomingMessage,
  request: http.ClientRequest,
  part: string,
  { start, total }: { start: number; total: number },
  job: FileDownload,
): Promise<void> {
  const file = await open(part, start === 0 ? 'w' : 'a');
  const meter = progressMeter(job.onProgress, { file: name(job), phase: 'download', total, startBytes: start });
  let bytes = start;
  try {
    // A stalled or dropped connection destroys the request; the body iterator then throws.
    for await (const chunk of response as AsyncIterable<Buffer>) {
      await file.write(chunk);
      bytes += chunk.length;
      if (job.maxBytes !== undefined && bytes > job.maxBytes) throw new DownloadError('size', `${name(job)} is larger than ${formatBytes(job.maxBytes)}; refusing it`);
      meter.report(bytes);
    }
  } catch (error) {
    throw error instanceof DownloadError ? error : networkError(error, bytes, job);
  } finally {
    request.destroy();
    await file.close();
  }
  if (job.size !== undefined && bytes < job.size) throw interrupted(bytes, job, 'the server closed the connection early');
  meter.done(bytes);
}

/** Checks the finished part against the pinned size and sha256 (a bad file is deleted); resolves with its sha256, or '' when not needed. */
async function verify(part: string, job: FileDownload): Promise<string> {
  const size = (await stat(part)).size;
  if (job.size !== undefined && size !== job.size) {
    await rm(part, { force: true });
    throw new DownloadError('size', `${name(job)} has ${size.toLocaleString('en')} bytes, expected ${job.size.toLocaleString('en')}; the file was deleted. Run ${job.retryWith} again to start over`);
  }
  if (job.sha256 === undefined && typeof job.dest === 'string') return '';
  const digest = await sha256File(part, name(job), job).catch((error) => {
    throw job.signal?.aborted ? cancelled(size, job) : error;
  });
  if (job.sha256 !== undefined && digest !== job.sha256) {
    await rm(part, { force: true });
    throw new DownloadError('checksum', `checksum mismatch for ${name(job)}: expected ${job.sha256}, got ${digest}; the file was deleted. Run ${job.retryWith} again to start over`);
  }
  return digest;
}

function throwIfCancelled(job: FileDownload, bytes: number): void {
  if (job.signal?.aborted) throw cancelled(bytes, job);
}

function cancelled(bytes: number, job: FileDownload): DownloadError {
  const where = bytes > 0 ? ` at ${formatBytes(bytes)}${ofTotal(job)}; run ${job.retryWith} again to resume` : '';
  return new DownloadError('cancelled', `download of ${name(job)} cancelled${where}`);
}

function interrupted(bytes: number, job: FileDownload, cause: string): DownloadError {
  return new DownloadError('interrupted', `Download of ${name(job)} interrupted at ${formatBytes(bytes)}${ofTotal(job)} (${cause}); run ${job.retryWith} again to resume`);
}

function networkError(error: unknown, bytes: number, job: FileDownload): DownloadError {
  if (job.signal?.aborted) return cancelled(bytes, job);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') {
    const needed = job.size === undefined ? '' : ` (${formatBytes(job.size)} in all)`;
    return new DownloadError('disk', `not enough disk space for ${name(job)} in ${dirname(job.part ?? String(job.dest))}${needed}; free some space and run ${job.retryWith} again to resume`);
  }
  if (code === 'ENOTFOUND' || code === 'ECONNREFUSED' || code === 'EAI_AGAIN') {
    return new DownloadError('interrupted', `could not reach ${job.url.host} (${code}); check your network connection and run ${job.retryWith} again`);
  }
  const cause = (error as Error).message || String(error);
  return interrupted(bytes, job, code ? `${code}: ${cause}` : cause);
}

function httpError(status: number, statusMessage: string, job: FileDownload, withToken: boolean): DownloadError {
  const answer = `the server answered ${status} ${statusMessage} for ${name(job)}`;
  if (status === 404) return new DownloadError('http', `${answer}: the pinned revision may have been removed from Hugging Face; update the extension, or download the files yourself and import the folder`);
  if ((status === 401 || status === 403) && withToken && job.auth) {
    return new DownloadError('http', `${answer}: Hugging Face refused the token from ${job.auth.token.source}; check or replace it, or download the files yourself and import the folder`);
  }
  if (status === 401 || status === 403) return new DownloadError('http', `${answer}: access was refused (a proxy or firewall may block Hugging Face, or the repository needs a Hugging Face token); download the files yourself and import the folder`);
  if (status === 429 || status >= 500) return new DownloadError('http', `${answer}: Hugging Face is busy or down; wait a few minutes and run ${job.retryWith} again`);
  return new DownloadError('http', `${answer}; run ${job.retryWith} again, or download the files yourself and import the folder`);
}

const name = (job: FileDownload) => job.file ?? basename(typeof job.dest === 'string' ? job.dest : job.part ?? '');
const ofTotal = (job: FileDownload) => (job.size === undefined ? '' : ` of ${formatBytes(job.size)}`);
