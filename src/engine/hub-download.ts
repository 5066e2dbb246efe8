// Downloads a model into the Hugging Face cache in the Hub's own layout (hub-cache.ts), so Python
// transformers finds it afterwards and no second copy is made: each file goes to blobs/<its sha256>
// (resumable, size- and sha256-checked by download.ts, moved into place only when whole), then the
// snapshot link snapshots/<commit>/<file> → ../../blobs/<sha256>, then refs/main for a `main` download. A
// download at a commit writes no refs, as huggingface_hub's own (it names only branches and tags there).
// A file that is already there and whole is not fetched again; a broken or half-written one is replaced.
import { access, constants, copyFile, mkdir, readFile, rename, rm, rmdir, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { downloadFile } from './download';
import { lockFile } from './download-lock';
import { policyForEndpoint, type HostPolicy } from './download-policy';
import { DownloadError, sha256File, type DownloadProgress } from './download-progress';
import { configProblem, fileUrl, type ModelSource, type SourceFile } from './gpt2-source';
import { cachedFileProblem, repoFolder, type HubEnvironment } from './hub-cache';
import { probeFile } from './hub-probe';
import { scrubError, type HubAuth, type HubToken } from './hub-token';

export interface CacheDownloadOptions {
  source: ModelSource;
  hub: HubEnvironment;
  token?: HubToken; // sent only to the endpoint's origin
  signal?: AbortSignal; // cancels; partial blobs are kept for the next call to resume
  onProgress?: (progress: DownloadProgress) => void;
  stallMs?: number;
  retryWith?: string; // named in messages, e.g. "the command"
}

interface Job {
  source: ModelSource;
  revision: string; // the commit once known (files are fetched at it, so they all match)
  repoDir: string;
  policy: HostPolicy;
  auth?: HubAuth;
  options: CacheDownloadOptions;
  retryWith: string;
}

/** Resolves with the snapshot folder and its commit once every file of the source is in the cache, whole. */
export async function downloadToCache(options: CacheDownloadOptions): Promise<{ dir: string; commit: string }> {
  return fill(options).catch((error: unknown) => {
    throw scrubError(error, options.token);
  });
}

async function fill(options: CacheDownloadOptions): Promise<{ dir: string; commit: string }> {
  const { source, hub } = options;
  if (hub.offline) throw new DownloadError('offline', `HF_HUB_OFFLINE is set, so ${source.repo} is not downloaded; unset it to download the model, or use a model folder`);
  let policy: HostPolicy;
  try {
    policy = policyForEndpoint(hub.endpoint);
  } catch (error) {
    throw new DownloadError('invalid', (error as Error).message);
  }
  const repoDir = join(hub.cacheDir, repoFolder(source.repo));
  const retryWith = options.retryWith ?? 'the download';
  await writable(hub.cacheDir, () => mkdir(join(repoDir, 'blobs'), { recursive: true }).then(() => access(join(repoDir, 'blobs'), constants.W_OK)));
  const lock = join(hub.cacheDir, '.locks', repoFolder(source.repo), 'gpt2-explorer.lock');
  const unlock = await writable(hub.cacheDir, () => mkdir(dirname(lock), { recursive: true }).then(() => lockFile(lock, repoDir, retryWith)));
  const auth = options.token && { token: options.token, origin: new URL(hub.endpoint).origin };
  const job: Job = { source, revision: source.revision, repoDir, policy, auth, options, retryWith };
  try {
    for (const file of source.files) await fetchFile(job, file);
    if (job.revision !== source.revision) await writable(hub.cacheDir, () => writeAtomically(join(repoDir, 'refs', source.revision), job.revision));
  } catch (error) {
    await unlock();
    await removeIfEmpty([join(repoDir, 'blobs'), repoDir, dirname(lock)]); // a typo or a non-GPT-2 id leaves no folders behind
    throw error;
  }
  await unlock();
  return { dir: join(repoDir, 'snapshots', job.revision), commit: job.revision };
}

/** Removes each folder that is empty, in order (a partial blob, kept for resuming, keeps its folders). */
async function removeIfEmpty(dirs: string[]): Promise<void> {
  for (const dir of dirs) await rmdir(dir).catch(() => undefined);
}

const isCommit = (revision: string) => /^[0-9a-f]{40}$/.test(revision);

/** One file: asks the Hub what it should be (when something is not pinned), then links, reuses or downloads it. */
async function fetchFile(job: Job, file: SourceFile): Promise<void> {
  const { options } = job;
  const url = fileUrl(options.hub.endpoint, { ...job.source, revision: job.revision }, file.name);
  const needFacts = !isCommit(job.revision) || (file.linked === true && (file.sha256 === undefined || file.size === undefined));
  const facts = needFacts ? await probeFile({ url, repo: job.source.repo, file: file.name, revision: job.revision, policy: job.policy, auth: job.auth, signal: options.signal, stallMs: options.stallMs }) : {};
  if (!isCommit(job.revision)) {
    if (!facts.commit) throw new DownloadError('http', `${options.hub.endpoint} did not say which commit ${job.source.repo}'s ${job.revision} is at (no X-Repo-Commit header); try again later`);
    job.revision = facts.commit;
  }
  const pinned: SourceFile = { ...file, size: file.size ?? facts.size, sha256: file.sha256 ?? facts.sha256 };
  if (file.linked && !pinned.sha256) {
    throw new DownloadError('checksum', `${options.hub.endpoint} did not send the sha256 of ${file.name} (no X-Linked-Etag header), so the file could not be checked; nothing was downloaded`);
  }
  const link = join(job.repoDir, 'snapshots', job.revision, file.name);
  if (!(await cachedFileProblem(link, pinned))) return checkConfig(job, file, link);
  const blob = (await reusableBlob(job, pinned)) ?? (await download(job, pinned, url));
  await writable(options.hub.cacheDir, () => linkSnapshot(link, blob));
}

/** A blob already in the cache with the pinned sha256 (another snapshot, or a Python download): checked, then shared. */
async function reusableBlob(job: Job, file: SourceFile): Promise<string | undefined> {
  if (!file.sha256) return undefined;
  const blob = join(job.repoDir, 'blobs', file.sha256);
  const size = await stat(blob).then((s) => s.size, () => -1);
  if (size < 0) return undefined;
  if ((file.size === undefined || size === file.size) && (await sha256File(blob, file.name, job.options)) === file.sha256) return blob;
  await writable(job.options.hub.cacheDir, () => rm(blob, { force: true })); // damaged: its name says what it should hold
  return undefined;
}

async function download(job: Job, file: SourceFile, url: URL): Promise<string> {
  const blobs = join(job.repoDir, 'blobs');
  const { options } = job;
  const digest = await downloadFile({
    url,
    dest: (sha256) => join(blobs, sha256),
    part: join(blobs, `${file.sha256 ?? `${job.revision}.${file.name}`}.gpt2-explorer.part`),
    file: file.name,
    ...checks(file),
    ...pick(job, 'policy', 'auth', 'retryWith'),
    ...pick(options, 'signal', 'onProgress', 'stallMs'),
    // config.json comes first: a repository that is not this GPT-2 stops here, before the weights, and leaves nothing behind.
    accept: file.name === 'config.json' ? (part) => checkConfig(job, file, part) : undefined,
  });
  return join(blobs, digest);
}

/** What download.ts checks a file by. */
const checks = ({ size, sha256, maxBytes }: SourceFile) => ({ size, sha256, maxBytes });

function pick<T, K extends keyof T>(from: T, ...keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, from[key]])) as Pick<T, K>;
}

async function checkConfig(job: Job, file: SourceFile, path: string): Promise<void> {
  if (file.name !== 'config.json') return;
  const problem = configProblem(await readFile(path, 'utf8'), job.source);
  if (!problem) return;
  if (path.endsWith('.part')) await rm(path, { force: true });
  throw new DownloadError('invalid', `${job.source.repo} is not ${job.source.config.n_layer ? 'the expected' : 'a'} GPT-2: its config.json ${problem}; nothing of it was kept`);
}

/** snapshots/<commit>/<file> → ../../blobs/<sha256>, replacing what was there in one rename; a copy where links are not allowed. */
async function linkSnapshot(link: string, blob: string): Promise<void> {
  await mkdir(dirname(link), { recursive: true });
  const temp = `${link}.${process.pid}.tmp`;
  await rm(temp, { force: true });
  await symlink(relative(dirname(link), blob), temp).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPERM' && error.code !== 'ENOTSUP') throw error; // Windows without developer mode
    await copyFile(blob, temp);
  });
  await rename(temp, link);
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

/** Runs `work`; a cache that cannot be written is said in words, with what to do. */
async function writable<T>(cacheDir: string, work: () => Promise<T>): Promise<T> {
  return work().catch((error: NodeJS.ErrnoException) => {
    if (!['EACCES', 'EROFS', 'EPERM'].includes(error.code ?? '')) throw error;
    throw new DownloadError('readonly', `the Hugging Face cache ${cacheDir} cannot be written (${error.code}); set HF_HUB_CACHE to a folder you can write, or download the files yourself and use the folder`);
  });
}
