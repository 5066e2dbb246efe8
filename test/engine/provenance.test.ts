// Which model a folder holds (engine/provenance.ts), and that the real worker's views and the exports carry it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { folderProvenance, withChecksum } from '../../src/engine/provenance';
import { SessionClient } from '../../src/extension/explorer/session-client';
import { DEFAULT_DECODING } from '../../src/protocol/decoding';
import { exportOf } from '../../src/protocol/export-format';
import { LESSON_SENTENCE, tinyModel, workerBundle, WorkerSpawner } from '../extension/worker-harness';

const COMMIT = '6dcaa7a952f72f9298047fd5137cd6e4f05f41da';
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** `model` laid out as huggingface_hub writes it: blobs named by their sha256, relative snapshot links. */
function cacheOf(root: string, folder: string, model: string): string {
  const repoDir = join(root, folder);
  const snapshot = join(repoDir, 'snapshots', COMMIT);
  mkdirSync(join(repoDir, 'blobs'), { recursive: true });
  mkdirSync(snapshot, { recursive: true });
  for (const name of readdirSync(model).filter((file) => statSync(join(model, file)).isFile())) {
    const digest = sha256(join(model, name));
    copyFileSync(join(model, name), join(repoDir, 'blobs', digest));
    symlinkSync(join('..', '..', 'blobs', digest), join(snapshot, name));
  }
  return snapshot;
}

describe('model provenance: repository, revision and checksum', () => {
  let root: string;
  let tiny: string;
  before(async () => (tiny = await tinyModel()));
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'gpt2-provenance-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads a Hugging Face cache snapshot: the repository (a legacy folder by its id now), the commit, the blob sha256', async () => {
    const medium = cacheOf(root, 'models--openai-community--gpt2-medium', tiny);
    assert.deepEqual(await folderProvenance(medium), { folder: medium, repo: 'openai-community/gpt2-medium', revision: COMMIT, checksum: sha256(join(tiny, 'model.safetensors')) });
    const legacy = cacheOf(root, 'models--gpt2', tiny);
    assert.equal((await folderProvenance(legacy)).repo, 'openai-community/gpt2');
    const other = cacheOf(root, 'models--someone--tiny-gpt2', tiny);
    assert.equal((await folderProvenance(other)).repo, 'someone/tiny-gpt2');
  });

  it('hashes the weights of a plain folder, which has no repository or revision', async () => {
    const found = await folderProvenance(tiny);
    assert.deepEqual(found, { folder: tiny, repo: null, revision: null, checksum: null });
    assert.deepEqual(await withChecksum(found), { ...found, checksum: sha256(join(tiny, 'model.safetensors')) });
  });

  describe('through the real worker', () => {
    let client: SessionClient;
    let spawner: WorkerSpawner;
    before(async () => (spawner = new WorkerSpawner(await workerBundle())));
    beforeEach(() => (client = new SessionClient({ spawn: spawner.spawn, onCrash: () => undefined })));
    afterEach(() => client.dispose());
    const analyze = () => client.request({ type: 'analyze', sentence: { id: 'selection', text: LESSON_SENTENCE, source: 'selection' }, settings: DEFAULT_DECODING });

    it('names a cached model by its repository and exports its revision and checksum', async () => {
      const snapshot = cacheOf(root, 'models--someone--tiny-gpt2', tiny);
      const info = await client.request({ type: 'load', modelDir: snapshot, threads: 1, weights: 'float32' });
      assert.deepEqual([info.repo, info.revision, info.folder], ['someone/tiny-gpt2', COMMIT, snapshot]);
      const { session } = await analyze();
      const exported = exportOf(session, { type: 'generation', next: session.next, tally: session.tally }, new Date(0));
      assert.deepEqual([exported.model.revision, exported.model.checksum], [COMMIT, sha256(join(tiny, 'model.safetensors'))]);
      assert.equal(exported.model.info.repo, 'someone/tiny-gpt2');
    });

    it("tells a plain folder's checksum once the worker has hashed it, without holding up the load", async () => {
      const info = await client.request({ type: 'load', modelDir: tiny, threads: 1, weights: 'float32' });
      assert.deepEqual([info.repo, info.revision, info.folder], [null, null, tiny]);
      let { session } = await analyze();
      // The hash runs beside the requests; each answer tells what is known by then. Asked again every 50 ms
      // (a hundred answers in a row can all come before a busy machine has read the file), for 30 s at most.
      for (let tries = 0, deadline = Date.now() + 30_000; session.model.checksum == null && Date.now() < deadline; tries++) {
        await new Promise((wake) => setTimeout(wake, 50));
        ({ session } = await client.request({ type: 'setDecoding', patch: { seed: tries } }));
      }
      assert.equal(session.model.checksum, sha256(join(tiny, 'model.safetensors')));
      assert.equal(exportOf(session, { type: 'generation', next: session.next, tally: session.tally }, new Date(0)).model.checksum, session.model.checksum);
    });
  });
});
