// Getting GPT-2's weights onto the disk: download the pinned files from Hugging Face (resumable,
// verified, atomic), import a folder the user already has, and find which folder holds a usable model.
// Plain Node (no `vscode`): the extension wraps these in progress and cancel UI, the CLI calls them too.
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { downloadFile, type FileDownload } from './download';
import { lockFile } from './download-lock';
import { HUGGING_FACE, loopbackPolicy, policyForBase } from './download-policy';
import { DownloadError, sha256File, type DownloadProgress } from './download-progress';
import { configProblem, fileUrl, GPT2_SMALL, type ModelSource } from './gpt2-source';
import { scrubError, type HubAuth, type HubToken } from './hub-token';

export { DownloadError, formatBytes, type DownloadErrorCode, type DownloadProgress } from './download-progress';
export { fileUrl, GPT2_SMALL, type ModelSource, type SourceFile } from './gpt2-source';
export { readHubToken, tokenProblem, type HubToken } from './hub-token';
export { findCachedModel, hubCacheDir, hubEnvironment, repoFolder, type CacheLookup, type HubEnvironment } from './hub-cache';
export { downloadToCache } from './hub-download';
export { KNOWN_MODELS, knownModel, sourceForId, type KnownModel } from './known-models';
export { availableMemory, estimateMemory, memoryShortfall, type MemoryEstimate } from './memory';
export { resolveModelRef, type ResolvedModel } from './model-ref';
export { findModel, importModelFolder, ModelFolderError, type FoundModel, type ImportedModel, type ImportOptions } from './model-folder';

export interface DownloadOptions {
  targetDir: string; // created if missing; receives config.json and model.safetensors
  baseUrl?: string; // default https://huggingface.co; tests pass a loopback server
  source?: ModelSource; // default GPT2_SMALL; any other source only from a loopback server
  token?: HubToken; // sent only to baseUrl's origin (hub-token.ts), never to a host it redirects to
  signal?: AbortSignal; // cancels; the partial file is kept for the next call to resume
  onProgress?: (progress: DownloadProgress) => void;
  retryWith?: string; // named in messages ("run … again to resume"); default "GPT-2: Download Model"
  stallMs?: number; // a connection silent for this long counts as dropped; default 30 s
}

/**
 * Downloads the model into targetDir and resolves when every file is there and verified. Files
 * already present and intact are not fetched again. Rejects with a DownloadError whose message says
 * what to do; `code` tells a cancel ('cancelled') from a failure. No message holds the token.
 */
export async function downloadModel(options: DownloadOptions): Promise<void> {
  await downloadFiles(options).catch((error: unknown) => {
    throw scrubError(error, options.token); // a server may echo the token back in an answer we quote
  });
}

async function downloadFiles(options: DownloadOptions): Promise<void> {
  const source = options.source ?? GPT2_SMALL;
  const baseUrl = options.baseUrl ?? HUGGING_FACE;
  const policy = checkedPolicy(baseUrl, source);
  const auth: HubAuth | undefined = options.token && { token: options.token, origin: new URL(baseUrl).origin };
  const retryWith = options.retryWith ?? 'GPT-2: Download Model';
  await mkdir(options.targetDir, { recursive: true });
  const unlock = await lockFile(join(options.targetDir, '.download.lock'), options.targetDir, retryWith);
  try {
    for (const file of source.files) {
      const dest = join(options.targetDir, file.name);
      const job: FileDownload & { dest: string } = {
        url: fileUrl(baseUrl, source, file.name),
        dest,
        policy,
        auth,
        size: file.size,
        sha256: file.sha256,
        maxBytes: file.maxBytes,
        signal: options.signal,
        onProgress: options.onProgress,
        stallMs: options.stallMs,
        retryWith,
      };
      if (!(await intact(job))) await downloadFile(job);
      // config.json comes first in the source: a wrong one stops us before 550 MB of weights.
      if (file.name === 'config.json') await checkConfig(dest, source);
    }
  } finally {
    await unlock();
  }
}

function checkedPolicy(baseUrl: string, source: ModelSource) {
  let policy;
  try {
    policy = policyForBase(baseUrl);
  } catch (error) {
    throw new DownloadError('invalid', (error as Error).message);
  }
  if (source !== GPT2_SMALL && policy !== loopbackPolicy) {
    throw new DownloadError('invalid', `only ${GPT2_SMALL.repo} at revision ${GPT2_SMALL.revision} may be downloaded from ${baseUrl}`);
  }
  return policy;
}

/** True when the file is already in place: pinned files must match their sha256 (else they are deleted). */
async function intact(job: FileDownload & { dest: string }): Promise<boolean> {
  const present = await stat(job.dest).then((s) => s.isFile() && (job.size === undefined || s.size === job.size), () => false);
  if (!present) return false;
  if (job.sha256 === undefined) return true;
  const digest = await sha256File(job.dest, basename(job.dest), job).catch((error) => {
    throw job.signal?.aborted ? new DownloadError('cancelled', `check of ${basename(job.dest)} cancelled`) : error;
  });
  if (digest === job.sha256) return true;
  await rm(job.dest, { force: true });
  return false;
}

/** config.json must be JSON with the source's hyper-parameters; a wrong one is deleted. */
async function checkConfig(path: string, source: ModelSource): Promise<void> {
  const problem = configProblem(await readFile(path, 'utf8'), source);
  if (!problem) return;
  await rm(path, { force: true });
  throw new DownloadError('invalid', `config.json from ${source.repo} ${problem}; it was deleted. Run the download again, or import a folder with GPT-2's files`);
}
