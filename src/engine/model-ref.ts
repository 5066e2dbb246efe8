// What `--model` (and the extension's model choice) may name: a folder, or a Hugging Face repository
// id, which is looked up in the Hugging Face cache (at its pinned revision for a known model, at
// refs/main otherwise) and downloaded into it when it is not there. Either way the answer is a folder
// whose config.json and model.safetensors check out.
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { DownloadError, type DownloadProgress } from './download-progress';
import { findCachedModel, hubEnvironment, type HubEnvironment } from './hub-cache';
import { downloadToCache } from './hub-download';
import type { HubToken } from './hub-token';
import { sourceForId } from './known-models';
import { findModel, ModelFolderError } from './model-folder';
import type { Gpt2Config } from './types';

export interface ModelRefOptions {
  env?: NodeJS.ProcessEnv; // where the cache, the endpoint and HF_HUB_OFFLINE come from; default process.env
  home?: string;
  token?: () => Promise<HubToken | undefined>; // asked for only when a download starts
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  onDownload?: (repo: string, hub: HubEnvironment, token: HubToken | undefined) => void; // a download is about to start
  stallMs?: number;
  retryWith?: string;
}

export interface ResolvedModel {
  dir: string;
  config: Gpt2Config;
  repo?: string; // for an id: the repository, and the commit its snapshot is at
  commit?: string;
  downloaded: boolean;
}

/** True when `ref` names a folder rather than a repository id: it exists as one, or looks like a path. */
export async function isFolderRef(ref: string): Promise<boolean> {
  if (await stat(ref).then((s) => s.isDirectory(), () => false)) return true;
  return /^[.~/\\]|^[A-Za-z]:|\\/.test(ref) || ref.split('/').length > 2;
}

/** The folder `ref` names, checked; an id is found in the cache or downloaded into it. */
export async function resolveModelRef(ref: string, options: ModelRefOptions = {}): Promise<ResolvedModel> {
  if (await isFolderRef(ref)) return { ...(await checked([ref])), downloaded: false };
  const source = sourceForId(ref);
  const hub = hubEnvironment(options.env ?? process.env, options.home ?? homedir());
  const cached = await findCachedModel(source, hub.cacheDir);
  const problems = cached.kind === 'missing' ? cached.problems : [];
  if (cached.kind === 'found') {
    const found = await findModel([cached.dir]);
    if (found.dir && found.config) return { dir: found.dir, config: found.config, repo: source.repo, commit: cached.commit, downloaded: false };
    problems.push(...found.problems);
  }
  if (hub.offline) {
    const why = problems.length > 0 ? ` (${problems.join('; ')})` : '';
    throw new DownloadError('offline', `${ref} is not in the Hugging Face cache ${hub.cacheDir}${why}, and HF_HUB_OFFLINE is set, so nothing is downloaded; unset HF_HUB_OFFLINE to download it, or give a model folder`);
  }
  const token = await options.token?.();
  options.onDownload?.(source.repo, hub, token);
  const { dir, commit } = await downloadToCache({ ...options, token, source, hub });
  return { ...(await checked([dir])), repo: source.repo, commit, downloaded: true };
}

async function checked(dirs: string[]): Promise<{ dir: string; config: Gpt2Config }> {
  const found = await findModel(dirs);
  if (!found.dir || !found.config) throw new ModelFolderError(found.problems.join('; '));
  return { dir: found.dir, config: found.config };
}
