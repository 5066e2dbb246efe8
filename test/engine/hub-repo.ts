// A model folder served the way the Hub serves a repository, on a loopback FileServer: the
// `resolve` URL of an LFS file answers with a redirect carrying X-Linked-Etag / X-Linked-Size /
// X-Repo-Commit (as huggingface.co does), config.json answers itself with X-Repo-Commit.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileServer, Serve } from './file-server';

export interface HubRepo {
  repo: string;
  commit: string;
  files: Record<string, { body: Buffer; sha256: string; path: string }>; // path: the resolve URL's path at the commit
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Serves dir's config.json and model.safetensors as `repo`, both at `main` and at `commit`. */
export function serveRepo(server: FileServer, repo: string, commit: string, dir: string, weights: Partial<Serve> & { linked?: Record<string, string> } = {}): HubRepo {
  const files: HubRepo['files'] = {};
  for (const name of ['config.json', 'model.safetensors']) {
    const body = readFileSync(join(dir, name));
    files[name] = { body, sha256: sha256(body), path: `/${repo}/resolve/${commit}/${name}` };
    const headers = { 'x-repo-commit': commit };
    for (const revision of ['main', commit]) {
      const path = `/${repo}/resolve/${revision}/${name}`;
      if (name === 'config.json') server.route(path, { body, headers });
      else server.route(path, { redirect: `/cdn/${commit}/${name}`, headers: { ...headers, 'x-linked-etag': `"${sha256(body)}"`, 'x-linked-size': String(body.length), ...weights.linked } });
    }
    if (name === 'model.safetensors') server.route(`/cdn/${commit}/${name}`, { body, ...weights });
  }
  return { repo, commit, files };
}

/** A cache laid out as huggingface_hub writes it: blobs by sha256, snapshot symlinks (or copies), refs/main. */
export function writeCachedRepo(cache: string, folder: string, commit: string, modelDir: string, options: { copies?: boolean; ref?: boolean } = {}): string {
  const repoDir = join(cache, folder);
  const snapshot = join(repoDir, 'snapshots', commit);
  mkdirSync(join(repoDir, 'blobs'), { recursive: true });
  mkdirSync(snapshot, { recursive: true });
  for (const name of ['config.json', 'model.safetensors']) {
    const blob = join(repoDir, 'blobs', `${name}-blob`);
    copyFileSync(join(modelDir, name), blob);
    if (options.copies) copyFileSync(blob, join(snapshot, name));
    else symlinkSync(join('..', '..', 'blobs', `${name}-blob`), join(snapshot, name));
  }
  if (options.ref !== false) {
    mkdirSync(join(repoDir, 'refs'), { recursive: true });
    writeFileSync(join(repoDir, 'refs', 'main'), commit);
  }
  return snapshot;
}
