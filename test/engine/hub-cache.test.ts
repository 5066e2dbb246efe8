import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCachedModel, hubCacheDir, hubEnvironment } from '../../src/engine/hub-cache';
import { KNOWN_MODELS, knownModel, sourceForId } from '../../src/engine/known-models';
import { Gpt2Model } from '../../src/engine/model';
import { resolveModelRef } from '../../src/engine/model-ref';
import { DownloadError } from '../../src/engine/model-store';
import { writeCachedRepo } from './hub-repo';
import { TINY, testModel } from './models';

const COMMIT = 'ab'.repeat(20);

describe('Hugging Face cache: where it is', () => {
  it('follows HF_HUB_CACHE, HF_HOME, XDG_CACHE_HOME, then the home folder, in that order', () => {
    assert.equal(hubCacheDir({ HF_HUB_CACHE: 'a', HF_HOME: 'b', XDG_CACHE_HOME: 'c' }, 'h'), 'a');
    assert.equal(hubCacheDir({ HF_HOME: 'b', XDG_CACHE_HOME: 'c' }, 'h'), join('b', 'hub'));
    assert.equal(hubCacheDir({ XDG_CACHE_HOME: 'c' }, 'h'), join('c', 'huggingface', 'hub'));
    assert.equal(hubCacheDir({}, 'h'), join('h', '.cache', 'huggingface', 'hub'));
  });

  it('reads HF_HUB_OFFLINE as huggingface_hub does, and HF_ENDPOINT', () => {
    for (const value of ['1', 'true', 'YES', 'on']) assert.equal(hubEnvironment({ HF_HUB_OFFLINE: value }, 'h').offline, true, value);
    for (const value of [undefined, '', '0', 'false']) assert.equal(hubEnvironment({ HF_HUB_OFFLINE: value }, 'h').offline, false, value);
    assert.equal(hubEnvironment({}, 'h').endpoint, 'https://huggingface.co');
    assert.equal(hubEnvironment({ HF_ENDPOINT: 'https://hf-mirror.com' }, 'h').endpoint, 'https://hf-mirror.com');
  });

  it('knows the family at the pinned revisions, by id and by legacy id', () => {
    assert.deepEqual(KNOWN_MODELS.map((m) => [m.legacyId, m.source.revision.slice(0, 7), m.source.config.n_layer]), [
      ['gpt2', '607a30d', 12], ['distilgpt2', '2290a62', 6], ['gpt2-medium', '6dcaa7a', 24], ['gpt2-large', '32b71b1', 36], ['gpt2-xl', '15ea56d', 48],
    ]);
    assert.equal(knownModel('distilgpt2'), knownModel('distilbert/distilgpt2'));
    assert.equal(sourceForId('someone/some-gpt2').revision, 'main');
    for (const bad of ['a/b/c', '../x', 'models--gpt2', 'a b', '']) assert.throws(() => sourceForId(bad), /not a Hugging Face repository id/, bad);
  });
});

describe('Hugging Face cache: lookup', () => {
  let cache: string;
  let tiny: string;
  const offline = () => ({ env: { HF_HUB_CACHE: cache, HF_HUB_OFFLINE: '1' } });
  const offlineError = async (ref: string) => {
    const error = await resolveModelRef(ref, offline()).then(() => assert.fail('expected a failure'), (e: unknown) => e);
    assert.ok(error instanceof DownloadError && error.code === 'offline', String(error));
    return error.message;
  };

  before(async () => (tiny = await testModel(TINY)));
  beforeEach(() => (cache = mkdtempSync(join(tmpdir(), 'gpt2-hub-'))));
  afterEach(() => rmSync(cache, { recursive: true, force: true }));

  it('finds a snapshot through refs/main, and ORT reads the weights through its links', async () => {
    const snapshot = writeCachedRepo(cache, 'models--someone--tiny-gpt2', COMMIT, tiny);
    const found = await resolveModelRef('someone/tiny-gpt2', offline());
    assert.deepEqual([found.dir, found.commit, found.downloaded, found.config.nLayer], [snapshot, COMMIT, false, 2]);
    const [viaCache, plain] = [await Gpt2Model.load(found.dir), await Gpt2Model.load(tiny)];
    try {
      const ids = [464, 3139, 286];
      assert.deepEqual((await viaCache.forward(ids)).logits, (await plain.forward(ids)).logits);
    } finally {
      await Promise.all([viaCache.dispose(), plain.dispose()]);
    }
  });

  it('takes copies instead of links, and legacy ids in models--<name>', async () => {
    const snapshot = writeCachedRepo(cache, 'models--tiny-gpt2', COMMIT, tiny, { copies: true });
    assert.equal((await resolveModelRef('tiny-gpt2', offline())).dir, snapshot);
  });

  it('finds a known model at its pinned revision, also under its legacy folder, and checks its size and blob name', async () => {
    const source = knownModel('distilgpt2')!.source;
    const weights = source.files[1];
    const snapshot = writeCachedRepo(cache, 'models--distilgpt2', source.revision, tiny, { ref: false });
    truncateSync(join(cache, 'models--distilgpt2', 'blobs', 'model.safetensors-blob'), weights.size!); // sparse: the pinned size, no 350 MB written
    assert.deepEqual(await findCachedModel(source, cache), { kind: 'found', dir: snapshot, commit: source.revision });
    rmSync(join(snapshot, 'model.safetensors'));
    symlinkSync(join('..', '..', 'blobs', 'f'.repeat(64)), join(snapshot, 'model.safetensors'));
    renameSync(join(cache, 'models--distilgpt2', 'blobs', 'model.safetensors-blob'), join(cache, 'models--distilgpt2', 'blobs', 'f'.repeat(64)));
    const other = await findCachedModel(source, cache);
    assert.equal(other.kind, 'missing');
    assert.match(other.kind === 'missing' ? other.problems[0] : '', new RegExp(`is blob f{64}, not the pinned ${weights.sha256}`));
    const gpt2 = await findCachedModel(knownModel('gpt2')!.source, cache);
    assert.deepEqual(gpt2, { kind: 'missing', problems: [] }, 'another model is not taken for it');
  });

  it('says which snapshot link is broken, which file is half-written, and that HF_HUB_OFFLINE kept it from downloading', async () => {
    const snapshot = writeCachedRepo(cache, 'models--someone--tiny-gpt2', COMMIT, tiny);
    rmSync(join(cache, 'models--someone--tiny-gpt2', 'blobs', 'config.json-blob'));
    assert.match(await offlineError('someone/tiny-gpt2'), new RegExp(`${join(snapshot, 'config.json').replace(/[\\.]/g, '\\$&')} is a broken link .*HF_HUB_OFFLINE is set, so nothing is downloaded`));
    writeCachedRepo(cache, 'models--someone--half-gpt2', COMMIT, tiny);
    truncateSync(join(cache, 'models--someone--half-gpt2', 'blobs', 'model.safetensors-blob'), 5000);
    assert.match(await offlineError('someone/half-gpt2'), /model\.safetensors.*(damaged|beyond|end of the file|shorter)/);
  });

  it('says a model that is not there is not downloaded offline, and names the cache', async () => {
    assert.match(await offlineError('gpt2-medium'), new RegExp(`^gpt2-medium is not in the Hugging Face cache ${cache.replace(/[\\.]/g, '\\$&')}, and HF_HUB_OFFLINE is set`));
    writeCachedRepo(cache, 'models--someone--tiny-gpt2', COMMIT, tiny, { ref: false });
    assert.match(await offlineError('someone/tiny-gpt2'), /has no refs\/main/);
  });

  it('takes a folder as a folder, and says when it is not a model', async () => {
    assert.equal((await resolveModelRef(tiny, offline())).dir, tiny);
    await assert.rejects(resolveModelRef(join(cache, 'nowhere'), offline()), /is not a folder that can be read/);
    assert.ok(!existsSync(join(cache, 'nowhere')));
    assert.equal(readdirSync(cache).length, 0, 'a lookup writes nothing');
  });
});
