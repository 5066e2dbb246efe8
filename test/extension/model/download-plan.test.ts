import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GPT2_SMALL } from '../../../src/engine/gpt2-source';
import { DownloadError } from '../../../src/engine/model-store';
import { downloadPlan, planTarget, runDownloadPlan } from '../../../src/extension/model/download-plan';
import { locateModel } from '../../../src/extension/model/location';
import { FileServer } from '../../engine/file-server';
import { serveRepo, writeCachedRepo, type HubRepo } from '../../engine/hub-repo';
import { testModel, TINY } from '../../engine/models';

const REPO = 'someone/tiny-gpt2';
const COMMIT = 'ab'.repeat(20);
const FOLDER = 'models--someone--tiny-gpt2';

describe('GPT-2: Download Model: where the model goes', () => {
  let root: string;
  let server: FileServer;
  let repo: HubRepo;
  let env: NodeJS.ProcessEnv;
  let tiny: string;
  const storage = () => join(root, 'storage');
  const weightsUrl = `/cdn/${COMMIT}/model.safetensors`;

  before(async () => (tiny = await testModel(TINY)));
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'gpt2-download-plan-'));
    server = await FileServer.start();
    repo = serveRepo(server, REPO, COMMIT, tiny);
    env = { HF_HUB_CACHE: join(root, 'hub'), HF_ENDPOINT: server.origin };
  });
  afterEach(async () => {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('puts GPT-2 small (no setting) or gpt2Explorer.model into the Hugging Face cache; a modelPath folder stays the place', () => {
    const small = downloadPlan({ modelPath: '', model: '' }, env);
    assert.equal(small.kind, 'cache');
    assert.equal(small.source, GPT2_SMALL, 'pinned revision and sha256');
    assert.equal(planTarget(small), `the Hugging Face cache ${join(root, 'hub')}`);
    const named = downloadPlan({ modelPath: '', model: 'distilgpt2' }, env);
    assert.deepEqual([named.kind, named.source.repo, named.source.revision], ['cache', 'distilbert/distilgpt2', '2290a62682d06624634c1f46a6ad5be0f47f38aa']);
    assert.deepEqual(downloadPlan({ modelPath: join(root, 'mine'), model: 'distilgpt2' }, env), { kind: 'folder', source: GPT2_SMALL, dir: join(root, 'mine') });
    assert.throws(() => downloadPlan({ modelPath: '', model: '../etc' }, env), /"\.\.\/etc" is not a Hugging Face repository id/);
  });

  it("downloads into the Hub's layout (blob by sha256, relative snapshot link, refs/main), and the explorer then finds it there", async () => {
    const plan = downloadPlan({ modelPath: '', model: REPO }, env);
    const dir = await runDownloadPlan(plan, { stallMs: 2000 });
    const repoDir = join(root, 'hub', FOLDER);
    assert.equal(dir, join(repoDir, 'snapshots', COMMIT));
    assert.equal(readFileSync(join(repoDir, 'refs', 'main'), 'utf8'), COMMIT);
    for (const name of ['config.json', 'model.safetensors']) {
      const link = join(dir, name);
      assert.ok(lstatSync(link).isSymbolicLink(), `${name} is a link, not a second copy`);
      assert.equal(readlinkSync(link), join('..', '..', 'blobs', repo.files[name].sha256), 'relative, as huggingface_hub writes it');
      assert.ok(readFileSync(realpathSync(link)).equals(repo.files[name].body), `${name} byte for byte`);
    }
    assert.deepEqual(readdirSync(join(repoDir, 'blobs')).sort(), [repo.files['config.json'].sha256, repo.files['model.safetensors'].sha256].sort(), 'no .part left');
    assert.deepEqual(await locateModel('', storage(), REPO, env), { kind: 'found', dir, fromSetting: true });
    assert.ok(!existsSync(storage()), "nothing in the extension's storage");
  });

  it('resumes a dropped download with a Range request, and keeps the partial blob on cancel', async () => {
    const weights = repo.files['model.safetensors'];
    server.route(weightsUrl, { body: weights.body, dropAt: Math.floor(weights.body.length / 2) });
    const plan = downloadPlan({ modelPath: '', model: REPO }, env);
    const dropped = await runDownloadPlan(plan, { stallMs: 2000 }).then(() => undefined, (e: unknown) => e);
    assert.ok(dropped instanceof DownloadError, `a DownloadError: ${dropped}`);
    const blobs = join(root, 'hub', FOLDER, 'blobs');
    const part = readdirSync(blobs).find((name) => name.endsWith('.part'));
    assert.ok(part, `a partial blob is kept: ${readdirSync(blobs)}`);

    const abort = new AbortController();
    abort.abort();
    const cancelled = await runDownloadPlan(plan, { stallMs: 2000, signal: abort.signal }).then(() => undefined, (e: unknown) => e);
    assert.equal((cancelled as DownloadError).code, 'cancelled');
    assert.ok(existsSync(join(blobs, part)), 'cancel keeps it');

    server.route(weightsUrl, { body: weights.body });
    const dir = await runDownloadPlan(plan, { stallMs: 2000 });
    const ranges = server.log.filter((r) => r.path === weightsUrl && r.method === 'GET').map((r) => r.range);
    assert.match(ranges.at(-1) ?? '', /^bytes=[1-9]\d*-$/, 'the last request resumed where the kept bytes end');
    assert.ok(readFileSync(join(dir, 'model.safetensors')).equals(weights.body));
  });

  it("prefers GPT-2 small in the Hugging Face cache over an old copy in the extension's storage", async () => {
    mkdirSync(storage());
    for (const name of ['config.json', 'model.safetensors']) writeFileSync(join(storage(), name), 'old');
    assert.deepEqual(await locateModel('', storage(), '', env), { kind: 'found', dir: storage(), fromSetting: false }, 'the old copy serves while the cache has none');
    const snapshot = writeCachedRepo(env.HF_HUB_CACHE!, 'models--openai-community--gpt2', GPT2_SMALL.revision, tiny, { ref: false });
    // The pinned size without 548 MB on the disk: a sparse file.
    const blob = join(env.HF_HUB_CACHE!, 'models--openai-community--gpt2', 'blobs', 'model.safetensors-blob');
    writeFileSync(blob, '');
    truncateSync(blob, GPT2_SMALL.files[1].size!);
    assert.deepEqual(await locateModel('', storage(), '', env), { kind: 'found', dir: snapshot, fromSetting: false });
  });
});
