// Which model a folder holds, for the model line and the exports: the Hub repository and commit when
// the folder is a snapshot of the Hugging Face cache (models--{org}--{name}/snapshots/<commit>), and the
// sha256 of its weights. In the cache that is the blob's own name (the Hub names LFS blobs by their
// sha256, and our download checked it); elsewhere the file is hashed, which takes a while (≈ 0.4 s for
// GPT-2 small), so it is a separate call the worker makes after the model is loaded.
import { realpath } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import { sha256File } from './download-progress';
import { KNOWN_MODELS, knownModel } from './known-models';

export interface Provenance {
  folder: string; // the folder it was loaded from
  repo: string | null; // the Hub repository id, when known
  revision: string | null; // the commit, when known
  checksum: string | null; // sha256 of model.safetensors, when known
}

const SHA256 = /^[0-9a-f]{64}$/;
const COMMIT = /^[0-9a-f]{40}$/;

/** What the folder's path tells, without reading the weights. */
export async function folderProvenance(folder: string): Promise<Provenance> {
  const real = await realpath(folder).catch(() => folder);
  const parts = real.split(sep);
  const [repoDir, snapshots, commit] = parts.slice(-3);
  const cached = repoDir?.startsWith('models--') && snapshots === 'snapshots' && COMMIT.test(commit ?? '');
  if (!cached) return { folder, repo: null, revision: null, checksum: null };
  const id = repoDir.slice('models--'.length).split('--').join('/');
  const blob = basename(await realpath(join(real, 'model.safetensors')).catch(() => ''));
  return { folder, repo: knownModel(id)?.id ?? id, revision: commit, checksum: SHA256.test(blob) ? blob : null };
}

/** The provenance with the weights' sha256 filled in (hashed), and a known model's repository and revision when it is byte for byte that model's pinned file. */
export async function withChecksum(found: Provenance, signal?: AbortSignal): Promise<Provenance> {
  const checksum = found.checksum ?? (await sha256File(join(found.folder, 'model.safetensors'), 'model.safetensors', { signal }));
  const pinned = KNOWN_MODELS.find((model) => model.source.files.some((file) => file.sha256 === checksum));
  if (!pinned || found.repo !== null) return { ...found, checksum };
  return { ...found, checksum, repo: pinned.id, revision: pinned.source.revision };
}
