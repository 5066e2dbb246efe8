import assert from 'node:assert/strict';
import { mkdtemp, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { truncateSync } from 'node:fs';
import { GPT2_SMALL } from '../../../src/engine/gpt2-source';
import { writeCachedRepo } from '../../engine/hub-repo';
import { testModel, TINY } from '../../engine/models';
import { downloadLabel, downloadSize } from '../../../src/extension/model/choices';
import { describeMissing, FINGERPRINT_FIELDS, fingerprint, fingerprintChange, locateModel } from '../../../src/extension/model/location';

describe('model location', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpt2-location-'));
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('uses the setting when it is set, else the storage folder, and names what is missing', async () => {
    const storage = join(dir, 'storage');
    const env = { HF_HUB_CACHE: join(dir, 'hub') };
    const fromStorage = await locateModel('', storage, '', env);
    assert.deepEqual(fromStorage, { kind: 'missing', dir: storage, fromSetting: false, missing: [storage] });
    // The size is the one the Download button beside the message shows (it said ≈550 MB beside "Download (≈548 MB)").
    const size = downloadSize({ modelPath: '', model: '' });
    assert.equal(downloadLabel({ modelPath: '', model: '' }), `Download (≈${size})`);
    assert.equal(describeMissing(fromStorage, size), `The model folder ${storage} does not exist. Import a folder with config.json and model.safetensors, or download the model (≈548 MB).`);

    await writeFile(join(dir, 'config.json'), '{}');
    const fromSetting = await locateModel(dir, storage, '', env);
    assert.deepEqual(fromSetting, { kind: 'missing', dir, fromSetting: true, missing: ['model.safetensors'] });
    assert.match(describeMissing(fromSetting as Extract<typeof fromSetting, { kind: 'missing' }>, null), /has no model\.safetensors \(setting gpt2Explorer\.modelPath\)\. .*or change the setting\.$/);

    await writeFile(join(dir, 'model.safetensors'), 'weights');
    assert.deepEqual(await locateModel(dir, storage, '', env), { kind: 'found', dir, fromSetting: true });
  });

  it("takes GPT-2 small from the Hugging Face cache when the extension's storage has none", async () => {
    const storage = join(dir, 'storage');
    const env = { HF_HUB_CACHE: join(dir, 'hub') };
    const snapshot = writeCachedRepo(env.HF_HUB_CACHE, 'models--gpt2', GPT2_SMALL.revision, await testModel(TINY), { ref: false });
    truncateSync(join(env.HF_HUB_CACHE, 'models--gpt2', 'blobs', 'model.safetensors-blob'), GPT2_SMALL.files[1].size!); // sparse: the pinned size
    assert.deepEqual(await locateModel('', storage, '', env), { kind: 'found', dir: snapshot, fromSetting: false });
    await writeFile(join(dir, 'config.json'), '{}');
    assert.equal((await locateModel(dir, storage, '', env)).kind, 'missing', 'a folder in the setting is not replaced by the cache');
  });

  it('notices a weights file that was replaced or deleted after loading', async () => {
    const weights = join(dir, 'model.safetensors');
    await writeFile(weights, 'weights');
    const loaded = await fingerprint(dir);
    assert.equal(await fingerprintChange(loaded), undefined);
    await writeFile(weights, 'other weights');
    assert.match((await fingerprintChange(loaded))!, /was replaced or changed after it was loaded/);
    await writeFile(weights, 'weights');
    await utimes(weights, new Date(), new Date(loaded.mtimeMs + 5000));
    assert.match((await fingerprintChange(loaded))!, /was replaced or changed/, 'same size, newer file');
    const time = 1_700_000_000; // whole seconds, so setting it back gives exactly the same mtime
    await utimes(weights, time, time);
    const again = await fingerprint(dir);
    await writeFile(weights, 'WEIGHTS'); // same size, then the old times copied back (as cp -p does)
    await utimes(weights, time, time);
    assert.equal((await stat(weights)).mtimeMs, again.mtimeMs);
    assert.match((await fingerprintChange(again))!, /was replaced or changed/, 'same size, same mtime, other bytes');
    const copy = join(dir, 'copy.safetensors');
    await writeFile(copy, 'WEIGHTS');
    await utimes(copy, time, time);
    const beforeRename = await fingerprint(dir);
    await rename(copy, weights); // renamed over it: another file with the same size and mtime
    assert.match((await fingerprintChange(beforeRename))!, /was replaced or changed/, 'renamed over, same size and mtime');
    await rm(weights);
    assert.match((await fingerprintChange(loaded))!, /was deleted after it was loaded/);
  });

  it('tells the file by its device and inode too, comparing every field of the fingerprint', async () => {
    await writeFile(join(dir, 'model.safetensors'), 'weights');
    const loaded = await fingerprint(dir);
    assert.deepEqual(Object.keys(loaded).sort(), ['path', ...FINGERPRINT_FIELDS].sort(), 'the fingerprint holds exactly the compared fields');
    const info = await stat(loaded.path);
    assert.deepEqual([loaded.dev, loaded.ino], [info.dev, info.ino]);
    for (const field of FINGERPRINT_FIELDS) {
      // The same file seen as if one field differed: a file on another disk with the same inode number, size and times is another file.
      assert.match((await fingerprintChange({ ...loaded, [field]: loaded[field] + 1 }))!, /was replaced or changed/, field);
    }
    assert.equal(await fingerprintChange(loaded), undefined);
  });
});
