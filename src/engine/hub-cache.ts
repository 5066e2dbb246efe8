// The Hugging Face cache, where the Hub's own tools keep models, read the way they write it:
//   <cache>/models--{org}--{name}/blobs/<hash>
//   <cache>/models--{org}--{name}/snapshots/<commit>/<file>  → ../../blobs/<hash> (a copy on Windows)
//   <cache>/models--{org}--{name}/refs/main                   (the commit `main` was at)
// Legacy ids such as `gpt2` live in models--gpt2. Plain Node, no network: hub-download.ts writes it.
import { lstat, readFile, readlink, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { knownModel } from './known-models';
import type { ModelSource } from './gpt2-source';

/** Where the Hub's tools keep things, from the same variables they read. */
export interface HubEnvironment {
  cacheDir: string; // $HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub
  endpoint: string; // $HF_ENDPOINT (a mirror), else https://huggingface.co
  offline: boolean; // $HF_HUB_OFFLINE: never touch the network
}

export function hubEnvironment(env: NodeJS.ProcessEnv = process.env, home = homedir()): HubEnvironment {
  return { cacheDir: hubCacheDir(env, home), endpoint: env.HF_ENDPOINT?.trim() || 'https://huggingface.co', offline: isTrue(env.HF_HUB_OFFLINE) };
}

export function hubCacheDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  if (env.HF_HOME) return join(env.HF_HOME, 'hub');
  return join(userCacheDir(env, home), 'huggingface', 'hub');
}

/** The user's cache folder as Hugging Face's tools take it on every system: $XDG_CACHE_HOME, else ~/.cache. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  return env.XDG_CACHE_HOME || join(home, '.cache');
}

/** huggingface_hub's reading of a boolean variable. */
const isTrue = (value: string | undefined) => ['1', 'ON', 'YES', 'TRUE'].includes((value ?? '').trim().toUpperCase());

/** "openai-community/gpt2" → "models--openai-community--gpt2". */
export const repoFolder = (repo: string) => `models--${repo.split('/').join('--')}`;

/** The folders a repository may be cached in: its own, and its legacy id's for a known model. */
export function repoFolders(repo: string): string[] {
  const legacy = knownModel(repo)?.legacyId;
  return legacy && legacy !== repo ? [repoFolder(repo), repoFolder(legacy)] : [repoFolder(repo)];
}

export type CacheLookup =
  | { kind: 'found'; dir: string; commit: string } // dir: the snapshot folder, ready for Gpt2Model.load
  | { kind: 'missing'; problems: string[] }; // why each place was passed over ([] when the repository was never cached)

/** The cached snapshot of `source` (its pinned commit, or refs/main's for a `main` source) with every file whole. */
export async function findCachedModel(source: ModelSource, cacheDir: string): Promise<CacheLookup> {
  const problems: string[] = [];
  for (const folder of repoFolders(source.repo)) {
    const repoDir = join(cacheDir, folder);
    if (!(await exists(repoDir))) continue;
    const commit = source.revision === 'main' ? await readRef(repoDir) : source.revision;
    if (!commit) {
      problems.push(`${repoDir} has no refs/main, so which snapshot is current is not known`);
      continue;
    }
    const dir = join(repoDir, 'snapshots', commit);
    const problem = await snapshotProblem(dir, source);
    if (!problem) return { kind: 'found', dir, commit };
    problems.push(problem);
  }
  return { kind: 'missing', problems };
}

/** The commit refs/main names, when it names one. */
export async function readRef(repoDir: string, ref = 'main'): Promise<string | undefined> {
  const commit = (await readFile(join(repoDir, 'refs', ref), 'utf8').catch(() => '')).trim();
  return /^[0-9a-f]{40}$/.test(commit) ? commit : undefined;
}

/** Why this snapshot cannot be used as it is, or undefined when every file of the source is there and whole. */
async function snapshotProblem(dir: string, source: ModelSource): Promise<string | undefined> {
  if (!(await exists(dir))) return `the cache has ${source.repo} but not at ${source.revision === 'main' ? 'the commit refs/main names' : `revision ${source.revision}`} (${dir} is missing)`;
  for (const file of source.files) {
    const problem = await cachedFileProblem(join(dir, file.name), file);
    if (problem) return problem;
  }
  return undefined;
}

/** A snapshot entry is usable when it leads to a file of the pinned size whose blob name (when a sha256) is the pinned one. */
export async function cachedFileProblem(path: string, file: ModelSource['files'][number]): Promise<string | undefined> {
  const entry = await lstat(path).catch(() => null);
  if (!entry) return `${path} is missing`;
  const target = await stat(path).catch(() => null);
  if (!target) return `${path} is a broken link (to ${await readlink(path).catch(() => '?')}, which is not there); the download repairs it`;
  if (!target.isFile()) return `${path} is not a file`;
  if (file.size !== undefined && target.size !== file.size) {
    return `${path} has ${target.size.toLocaleString('en')} bytes, the pinned file ${file.size.toLocaleString('en')} (a half-written or different file); the download replaces it`;
  }
  const blob = basename(await realpath(path));
  if (file.sha256 && /^[0-9a-f]{64}$/.test(blob) && blob !== file.sha256) return `${path} is blob ${blob}, not the pinned ${file.sha256}`;
  return undefined;
}

const exists = (path: string) => stat(path).then(() => true, () => false);
