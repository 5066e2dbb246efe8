// What the Hub says about one file before it is fetched (as huggingface_hub does with a HEAD request):
// the commit the revision is at (X-Repo-Commit) and, for an LFS file, its sha256 and size
// (X-Linked-Etag, X-Linked-Size). Only answers from the Hub's own origin count: relative redirects
// (a legacy id such as `gpt2` is renamed) are followed, a redirect to the CDN ends the probe.
import * as http from 'node:http';
import * as https from 'node:https';
import type { HostPolicy } from './download-policy';
import { DownloadError } from './download-progress';
import { sendsTokenTo, type HubAuth } from './hub-token';

export interface FileFacts {
  commit?: string; // 40 hex digits
  sha256?: string; // of an LFS file
  size?: number;
}

export interface Probe {
  url: URL;
  repo: string;
  file: string;
  revision: string;
  policy: HostPolicy;
  auth?: HubAuth;
  signal?: AbortSignal;
  stallMs?: number;
}

const MAX_RENAMES = 5;

export async function probeFile(probe: Probe, url = probe.url, hops = 0): Promise<FileFacts> {
  if (!probe.policy.allows(url)) throw new DownloadError('redirect', `refusing to ask ${url.origin} about ${probe.file}: only ${probe.policy.description} may be used`);
  const { status, headers } = await head(url, probe);
  const location = typeof headers.location === 'string' ? new URL(headers.location, url) : undefined;
  if (status >= 300 && status < 400 && location?.origin === url.origin && !headers['x-linked-etag'] && hops < MAX_RENAMES) {
    return probeFile(probe, location, hops + 1); // the repository was renamed: ask its new name
  }
  if (status >= 400) throw refusal(status, headers, probe);
  const one = (name: string) => (Array.isArray(headers[name]) ? headers[name][0] : (headers[name] as string | undefined));
  const commit = one('x-repo-commit');
  const sha256 = one('x-linked-etag')?.replace(/^(W\/)?"|"$/g, '');
  const size = Number(one('x-linked-size') ?? NaN);
  return {
    commit: commit && /^[0-9a-f]{40}$/.test(commit) ? commit : undefined,
    sha256: sha256 && /^[0-9a-f]{64}$/.test(sha256) ? sha256 : undefined,
    size: Number.isSafeInteger(size) && size >= 0 ? size : undefined,
  };
}

function head(url: URL, probe: Probe): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  const client = url.protocol === 'https:' ? https : http;
  const headers: http.OutgoingHttpHeaders = { 'user-agent': 'gpt2-explorer', 'accept-encoding': 'identity' };
  if (sendsTokenTo(url, probe.auth)) headers.authorization = `Bearer ${probe.auth.token.value}`;
  return new Promise((resolve, reject) => {
    const request = client.request(url, { method: 'HEAD', headers, signal: probe.signal }, (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, headers: response.headers });
    });
    request.setTimeout(probe.stallMs ?? 30_000, () => request.destroy(new Error('no answer')));
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (probe.signal?.aborted) return reject(new DownloadError('cancelled', `download of ${probe.repo} cancelled`));
      reject(new DownloadError('interrupted', `could not reach ${url.host} (${error.code ?? error.message}); check your network connection, or set HF_HUB_OFFLINE=1 to use only what is cached`));
    });
    request.end();
  });
}

/** The Hub's refusal in words: its X-Error-Code tells a missing repository from a missing file or revision. */
function refusal(status: number, headers: http.IncomingHttpHeaders, probe: Probe): DownloadError {
  const code = String(headers['x-error-code'] ?? '');
  const where = `${probe.repo} at ${probe.revision}`;
  if (code === 'GatedRepo' || status === 403) {
    return new DownloadError('http', `${probe.repo} is gated (${status}): accept its terms on huggingface.co, then give a Hugging Face token (HF_TOKEN, or GPT-2: Set Hugging Face Token)`);
  }
  if (code === 'RepoNotFound' || status === 401) {
    const token = probe.auth ? `the token from ${probe.auth.token.source} may not reach it` : 'if it is private, give a Hugging Face token (HF_TOKEN)';
    return new DownloadError('http', `there is no repository ${probe.repo} on Hugging Face (${status}): check the id (e.g. openai-community/gpt2, distilgpt2); ${token}`);
  }
  if (code === 'RevisionNotFound') return new DownloadError('http', `${probe.repo} has no revision ${probe.revision} (${status}); it may have been removed: update the extension`);
  if (code === 'EntryNotFound' || status === 404) {
    return new DownloadError('http', `${where} has no ${probe.file} (${status}); GPT-2 Explorer needs config.json and model.safetensors (a repository with only PyTorch .bin weights cannot be read)`);
  }
  return new DownloadError('http', `Hugging Face answered ${status} for ${probe.file} of ${where}; wait a few minutes and try again`);
}
