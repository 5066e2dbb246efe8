// Which folder the model comes from and whether it is usable, said in words a user can act on.
// The folder is the gpt2Explorer.modelPath setting, else the snapshot of gpt2Explorer.model in the
// Hugging Face cache, else GPT-2 small's snapshot there (where Download puts it; a Python user may have
// it already), else the extension's global storage (where earlier builds downloaded it). Only the
// files' presence is checked here; the engine checks their content.

import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { findCachedModel, GPT2_SMALL, hubCacheDir, sourceForId } from '../../engine/model-store';

export const MODEL_FILES = ['config.json', 'model.safetensors'] as const;

export type ModelLocation =
  | { kind: 'found'; dir: string; fromSetting: boolean }
  | { kind: 'missing'; dir: string; fromSetting: boolean; missing: string[] } // missing: file names, or the folder itself
  | { kind: 'uncached'; id: string; cacheDir: string; problems: string[] }; // gpt2Explorer.model is not in the Hugging Face cache

export async function locateModel(modelPath: string, storageDir: string, model = '', env = process.env): Promise<ModelLocation> {
  if (modelPath === '' && model !== '') return locateCached(model, env);
  if (modelPath !== '') return locateFolder(modelPath, true);
  // Neither setting names a model: GPT-2 small from the Hugging Face cache (where Download puts it, or a
  // Python user has it), else the copy an older version downloaded into the extension's storage.
  const cached = await findCachedModel(GPT2_SMALL, hubCacheDir(env));
  return cached.kind === 'found' ? { kind: 'found', dir: cached.dir, fromSetting: false } : locateFolder(storageDir, false);
}

/** The model files in `dir` alone (no Hugging Face cache). */
export async function locateFolder(dir: string, fromSetting: boolean): Promise<ModelLocation> {
  if (!(await isDirectory(dir))) return { kind: 'missing', dir, fromSetting, missing: [dir] };
  const missing: string[] = [];
  for (const file of MODEL_FILES) if (!(await isFile(join(dir, file)))) missing.push(file);
  return missing.length === 0 ? { kind: 'found', dir, fromSetting } : { kind: 'missing', dir, fromSetting, missing };
}

/** gpt2Explorer.model's snapshot in the Hugging Face cache. */
async function locateCached(id: string, env: NodeJS.ProcessEnv): Promise<ModelLocation> {
  const cacheDir = hubCacheDir(env);
  let source;
  try {
    source = sourceForId(id);
  } catch (error) {
    return { kind: 'uncached', id, cacheDir, problems: [(error as Error).message] };
  }
  const found = await findCachedModel(source, cacheDir);
  return found.kind === 'found' ? { kind: 'found', dir: found.dir, fromSetting: true } : { kind: 'uncached', id, cacheDir, problems: found.problems };
}

/** Why gpt2Explorer.model cannot be loaded, and what to do about it. */
export function describeUncached(location: Extract<ModelLocation, { kind: 'uncached' }>): string {
  const why = location.problems.length > 0 ? ` (${location.problems.join('; ')})` : '';
  return `${location.id} (setting gpt2Explorer.model) is not in the Hugging Face cache ${location.cacheDir}${why}. Run GPT-2: Choose Model to download it, or choose another model.`;
}

/** What is wrong with a missing model, and what to do about it; `size`: what Download fetches (`downloadSize`), the figure its button shows. */
export function describeMissing(location: Extract<ModelLocation, { kind: 'missing' }>, size: string | null): string {
  const what = location.missing[0] === location.dir
    ? `The model folder ${location.dir} does not exist`
    : `The model folder ${location.dir} has no ${location.missing.join(' and no ')}`;
  const fix = `Import a folder with config.json and model.safetensors, or download the model${size ? ` (≈${size})` : ''}`;
  return location.fromSetting ? `${what} (setting gpt2Explorer.modelPath). ${fix}, or change the setting.` : `${what}. ${fix}.`;
}

/** What the weights file looked like when it was loaded: a different one means it was replaced or deleted. */
export interface FileFingerprint {
  path: string;
  size: number;
  mtimeMs: number;
  dev: number; // with ino, which file it is: a file on another disk may have the same inode number
  ino: number; // a file renamed over it is another inode
  ctimeMs: number; // any write changes it, even one that sets the mtime back (cp -p)
}

/** Every field that tells one file from another; all are compared. */
export const FINGERPRINT_FIELDS = ['size', 'mtimeMs', 'dev', 'ino', 'ctimeMs'] as const;

export async function fingerprint(dir: string): Promise<FileFingerprint> {
  const path = join(dir, 'model.safetensors');
  const info = await stat(path);
  return { path, size: info.size, mtimeMs: info.mtimeMs, dev: info.dev, ino: info.ino, ctimeMs: info.ctimeMs };
}

/** Undefined while the file is the one that was loaded; otherwise what happened to it, for the user. */
export async function fingerprintChange(loaded: FileFingerprint): Promise<string | undefined> {
  const now = await stat(loaded.path).catch(() => null);
  if (!now) return `The model file ${loaded.path} was deleted after it was loaded`;
  const same = FINGERPRINT_FIELDS.every((field) => now[field] === loaded[field]);
  if (!same) return `The model file ${loaded.path} was replaced or changed after it was loaded`;
  return undefined;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isDirectory(), () => false);
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isFile(), () => false);
}
