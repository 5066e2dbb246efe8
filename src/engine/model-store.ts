// Getting GPT-2's weights onto the disk: download the pinned files from Hugging Face (resumable,
// verified, atomic), import a folder the user already has, and find which folder holds a usable model.
// Plain Node (no `vscode`): the extension wraps these in progress and cancel UI, the CLI calls them too.
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { downloadFile, type FileDownload } from './download';
import { HUGGING_FACE, loopbackPolicy, policyForBase } from './download-policy';
import { DownloadError, sha256File, type DownloadProgress } from './download-progress';

export { DownloadError, type DownloadErrorCode, type DownloadProgress } from './download-progress';

/** One file of a model repository; pinned by size and sha256 when those are known. */
export interface SourceFile {
  name: string;
  size?: number;
  sha256?: string;
  maxBytes?: number; // cap for a file without a pinned size
}

/** A Hugging Face repository at a fixed revision, and the config values its model must have. */
export interface ModelSource {
  repo: string;
  revision: string; // a commit hash, so the files cannot change under us
  files: readonly SourceFile[];
  config: Readonly<Record<string, number | string>>; // keys config.json must have with these values
}

/**
 * GPT-2 small as published by OpenAI on Hugging Face. The weights are pinned by size and sha256
 * (from public code; the network here cannot confirm them). config.json is not pinned by hash: it
 * is checked by content instead (the hyper-parameters below, which the weights would not fit otherwise).
 */
export const GPT2_SMALL: ModelSource = {
  repo: 'openai-community/gpt2',
  revision: '607a30d783dfa663caf39e06633721c8d4cfcd7e',
  files: [
    { name: 'config.json', maxBytes: 64 * 1024 },
    { name: 'model.safetensors', size: 548_105_171, sha256: '248dfc3911869ec493c76e65bf2fcf7f615828b0254c12b473182f0f81d3a707' },
  ],
  config: { model_type: 'gpt2', n_layer: 12, n_head: 12, n_embd: 768, vocab_size: 50257, n_positions: 1024 },
};

export interface DownloadOptions {
  targetDir: string; // created if missing; receives config.json and model.safetensors
  baseUrl?: string; // default https://huggingface.co; tests pass a loopback server
  source?: ModelSource; // default GPT2_SMALL; any other source only from a loopback server
  signal?: AbortSignal; // cancels; the partial file is kept for the next call to resume
  onProgress?: (progress: DownloadProgress) => void;
  retryWith?: string; // named in messages ("run … again to resume"); default "GPT-2: Download Model"
  stallMs?: number; // a connection silent for this long counts as dropped; default 30 s
}

/**
 * Downloads the model into targetDir and resolves when every file is there and verified. Files
 * already present and intact are not fetched again. Rejects with a DownloadError whose message says
 * what to do; `code` tells a cancel ('cancelled') from a failure.
 */
export async function downloadModel(options: DownloadOptions): Promise<void> {
  const source = options.source ?? GPT2_SMALL;
  const baseUrl = options.baseUrl ?? HUGGING_FACE;
  const policy = checkedPolicy(baseUrl, source);
  await mkdir(options.targetDir, { recursive: true });
  const unlock = await lockFolder(options.targetDir, options.retryWith);
  try {
    for (const file of source.files) {
      const job: FileDownload = {
        url: fileUrl(baseUrl, source, file.name),
        dest: join(options.targetDir, file.name),
        policy,
        size: file.size,
        sha256: file.sha256,
        maxBytes: file.maxBytes,
        signal: options.signal,
        onProgress: options.onProgress,
        stallMs: options.stallMs,
        retryWith: options.retryWith ?? 'GPT-2: Download Model',
      };
      if (!(await intact(job))) await downloadFile(job);
    }
    await checkConfig(join(options.targetDir, 'config.json'), source);
  } finally {
    await unlock();
  }
}

/** https://huggingface.co/<repo>/resolve/<revision>/<file> — the only URL shape the store requests. */
export function fileUrl(baseUrl: string, source: ModelSource, file: string): URL {
  return new URL(`${source.repo}/resolve/${source.revision}/${file}`, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
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
async function intact(job: FileDownload): Promise<boolean> {
  const present = await stat(job.dest).then((s) => s.isFile() && (job.size === undefined || s.size === job.size), () => false);
  if (!present) return false;
  if (job.sha256 === undefined || (await sha256File(job.dest, basename(job.dest), job)) === job.sha256) return true;
  await rm(job.dest, { force: true });
  return false;
}

/** config.json must be JSON with the source's hyper-parameters; a wrong one is deleted. */
async function checkConfig(path: string, source: ModelSource): Promise<void> {
  const reject = async (problem: string) => {
    await rm(path, { force: true });
    return new DownloadError('invalid', `config.json from ${source.repo} ${problem}; it was deleted. Run the download again, or import a folder with GPT-2's files`);
  };
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw await reject('is not valid JSON');
  }
  for (const [key, expected] of Object.entries(source.config)) {
    if (config?.[key] !== expected) throw await reject(`has ${key} = ${JSON.stringify(config?.[key])}, expected ${JSON.stringify(expected)}`);
  }
}

/**
 * One download per folder at a time, across processes (two VS Code windows share global storage):
 * a lock file holds the owner's pid; a lock whose process is gone is stale and taken over.
 */
async function lockFolder(dir: string, retryWith = 'the download'): Promise<() => Promise<void>> {
  const path = join(dir, '.download.lock');
  const unlock = () => rm(path, { force: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, String(process.pid), { flag: 'wx' });
      return unlock;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(await readFile(path, 'utf8').catch(() => ''));
      if (isRunning(owner)) {
        throw new DownloadError('busy', `another download into ${dir} is running (process ${owner}); wait for it to finish, or cancel it and run ${retryWith} again`);
      }
      await unlock(); // stale: its process has ended
    }
  }
  throw new DownloadError('busy', `could not lock ${dir} for the download; run ${retryWith} again`);
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
