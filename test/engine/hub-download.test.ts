import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { policyForEndpoint } from '../../src/engine/download-policy';
import { hubEnvironment } from '../../src/engine/hub-cache';
import { downloadToCache } from '../../src/engine/hub-download';
import { resolveModelRef, type ModelRefOptions } from '../../src/engine/model-ref';
import { DownloadError, type ModelSource } from '../../src/engine/model-store';
import { FileServer } from './file-server';
import { serveRepo, type HubRepo } from './hub-repo';
import { TINY, testModel } from './models';

const COMMIT = 'cd'.repeat(20);
const REPO = 'someone/tiny-gpt2';
const FOLDER = 'models--someone--tiny-gpt2';

async function failure(promise: Promise<unknown>): Promise<DownloadError> {
  const error = await promise.then(() => assert.fail('expected a failure'), (e: unknown) => e);
  assert.ok(error instanceof DownloadError, `not a DownloadError: ${error}`);
  return error;
}

/** Every file under dir, with what each link points to: "nothing changed" is this listing staying the same. */
function listing(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort().map((entry) => {
    const path = join(dir, entry);
    return lstatSync(path).isSymbolicLink() ? `${entry} -> ${readlinkSync(path)}` : entry;
  });
}

/**
 * How huggingface_hub's try_to_load_from_cache (file_download.py) finds a file, written here from its code: the
 * revision is a name in refs/ when that file exists (a branch or tag), else taken as the commit itself; the file
 * is snapshots/<commit>/<name>. from_pretrained(revision=...) offline reads the cache this way.
 */
function hubFinds(cache: string, repo: string, name: string, revision: string): Buffer | undefined {
  const repoDir = join(cache, `models--${repo.replace('/', '--')}`);
  const ref = join(repoDir, 'refs', revision);
  const commit = existsSync(ref) ? readFileSync(ref, 'utf8') : revision;
  const file = join(repoDir, 'snapshots', commit, name);
  return existsSync(file) ? readFileSync(file) : undefined;
}

describe('Hugging Face cache: download', () => {
  let server: FileServer;
  let cache: string;
  let tiny: string;
  let repo: HubRepo;
  const options = (extra: Partial<ModelRefOptions> = {}): ModelRefOptions => ({ env: { HF_HUB_CACHE: cache, HF_ENDPOINT: server.origin }, stallMs: 2000, ...extra });
  const weightsPath = () => `/cdn/${COMMIT}/model.safetensors`;

  before(async () => (tiny = await testModel(TINY)));
  beforeEach(async () => {
    server = await FileServer.start();
    cache = mkdtempSync(join(tmpdir(), 'gpt2-hub-'));
    repo = serveRepo(server, REPO, COMMIT, tiny);
  });
  afterEach(async () => {
    await server.stop();
    chmodSync(cache, 0o755);
    rmSync(cache, { recursive: true, force: true });
  });

  it("downloads into the cache in the Hub's layout, then finds it there without a request", async () => {
    const first = await resolveModelRef(REPO, options());
    const snapshot = join(cache, FOLDER, 'snapshots', COMMIT);
    assert.deepEqual([first.dir, first.commit, first.downloaded, first.config.nLayer], [snapshot, COMMIT, true, 2]);
    const { files } = repo;
    assert.deepEqual(listing(join(cache, FOLDER)), [
      'blobs', `blobs/${files['config.json'].sha256}`, `blobs/${files['model.safetensors'].sha256}`, 'refs', 'refs/main', 'snapshots', `snapshots/${COMMIT}`,
      `snapshots/${COMMIT}/config.json -> ../../blobs/${files['config.json'].sha256}`,
      `snapshots/${COMMIT}/model.safetensors -> ../../blobs/${files['model.safetensors'].sha256}`,
    ].sort());
    assert.equal(readFileSync(join(cache, FOLDER, 'refs', 'main'), 'utf8'), COMMIT);
    assert.ok(hubFinds(cache, REPO, 'model.safetensors', 'main')?.equals(files['model.safetensors'].body), 'huggingface_hub finds it at main');
    assert.ok(readFileSync(join(snapshot, 'model.safetensors')).equals(files['model.safetensors'].body));
    assert.ok(!existsSync(join(cache, '.locks', FOLDER, 'gpt2-explorer.lock')), 'the lock is released');
    const requests = server.log.length;
    const again = await resolveModelRef(REPO, options());
    assert.deepEqual([again.dir, again.downloaded, server.log.length], [snapshot, false, requests]);
  });

  it('fetches a pinned source at its commit without asking the Hub first, and reuses a blob already there', async () => {
    const source: ModelSource = {
      repo: REPO,
      revision: COMMIT,
      files: [{ name: 'config.json', maxBytes: 65536 }, { name: 'model.safetensors', size: repo.files['model.safetensors'].body.length, sha256: repo.files['model.safetensors'].sha256 }],
      config: { model_type: 'gpt2', n_layer: 2 },
    };
    const hub = hubEnvironment({ HF_HUB_CACHE: cache, HF_ENDPOINT: server.origin });
    await downloadToCache({ source, hub });
    assert.ok(server.log.every((request) => request.method === 'GET'), 'no HEAD: everything was pinned');
    // As huggingface_hub's own download at a commit (_cache_commit_hash_for_specific_revision writes refs/<revision>
    // only when the revision is not the commit itself): blobs, the snapshot named by the commit, no refs.
    const { files } = repo;
    assert.deepEqual(listing(join(cache, FOLDER)), [
      'blobs', `blobs/${files['config.json'].sha256}`, `blobs/${files['model.safetensors'].sha256}`, 'snapshots', `snapshots/${COMMIT}`,
      `snapshots/${COMMIT}/config.json -> ../../blobs/${files['config.json'].sha256}`,
      `snapshots/${COMMIT}/model.safetensors -> ../../blobs/${files['model.safetensors'].sha256}`,
    ].sort());
    for (const name of ['config.json', 'model.safetensors']) assert.ok(hubFinds(cache, REPO, name, COMMIT)?.equals(files[name].body), `huggingface_hub finds ${name} at the commit`);
    assert.equal(hubFinds(cache, REPO, 'config.json', 'main'), undefined, 'nor does huggingface_hub claim main is this commit');
    rmSync(join(cache, FOLDER, 'snapshots'), { recursive: true });
    server.log.length = 0;
    await downloadToCache({ source, hub });
    assert.ok(!server.log.some((request) => request.path === weightsPath()), 'the blob was reused, not fetched');
    assert.ok(lstatSync(join(cache, FOLDER, 'snapshots', COMMIT, 'model.safetensors')).isSymbolicLink());
  });

  it('resumes a dropped download from the blob it kept, with a Range request', async () => {
    const size = repo.files['model.safetensors'].body.length;
    repo = serveRepo(server, REPO, COMMIT, tiny, { dropAt: Math.floor(size / 2) });
    const dropped = await failure(resolveModelRef(REPO, options()));
    assert.equal(dropped.code, 'interrupted');
    const part = join(cache, FOLDER, 'blobs', `${repo.files['model.safetensors'].sha256}.gpt2-explorer.part`);
    assert.ok(lstatSync(part).size > 0, 'the partial blob is kept');
    assert.ok(!existsSync(join(cache, FOLDER, 'snapshots', COMMIT, 'model.safetensors')), 'no snapshot link to a partial blob');
    serveRepo(server, REPO, COMMIT, tiny);
    await resolveModelRef(REPO, options());
    const resumed = server.log.filter((request) => request.path === weightsPath()).at(-1);
    assert.match(resumed?.range ?? '', /^bytes=\d+-$/);
    assert.ok(!existsSync(part));
  });

  it('keeps the partial blob on cancel', async () => {
    serveRepo(server, REPO, COMMIT, tiny, { chunkDelayMs: 5 });
    const abort = new AbortController();
    const cancelled = await failure(resolveModelRef(REPO, options({ signal: abort.signal, onProgress: (p) => p.bytes > 100_000 && abort.abort() })));
    assert.equal(cancelled.code, 'cancelled');
    assert.ok(lstatSync(join(cache, FOLDER, 'blobs', `${repo.files['model.safetensors'].sha256}.gpt2-explorer.part`)).size > 100_000);
  });

  it("checks the weights against the Hub's X-Linked-Etag, and refuses weights the Hub gives no sha256 for", async () => {
    serveRepo(server, REPO, COMMIT, tiny, { linked: { 'x-linked-etag': `"${'0'.repeat(64)}"` } });
    const wrong = await failure(resolveModelRef(REPO, options()));
    assert.equal(wrong.code, 'checksum');
    assert.match(wrong.message, /checksum mismatch for model\.safetensors: expected 0{64}/);
    assert.ok(!readdirSync(join(cache, FOLDER, 'blobs')).some((name) => name.startsWith(repo.files['model.safetensors'].sha256)), 'the bad file was deleted');
    serveRepo(server, REPO, COMMIT, tiny, { linked: { 'x-linked-etag': '' } });
    server.log.length = 0;
    const unsaid = await failure(resolveModelRef(REPO, options()));
    assert.match(unsaid.message, /did not send the sha256 of model\.safetensors \(no X-Linked-Etag header\)/);
    assert.ok(!server.log.some((request) => request.path === weightsPath() && request.method === 'GET'), 'the weights were not requested');
  });

  it('repairs a broken snapshot link and replaces a half-written blob', async () => {
    await resolveModelRef(REPO, options());
    const blobs = join(cache, FOLDER, 'blobs');
    const { files } = repo;
    rmSync(join(blobs, files['config.json'].sha256));
    truncateSync(join(blobs, files['model.safetensors'].sha256), 1000);
    const repaired = await resolveModelRef(REPO, options());
    assert.equal(repaired.downloaded, true);
    assert.ok(readFileSync(join(repaired.dir, 'config.json')).equals(files['config.json'].body));
    assert.ok(readFileSync(join(repaired.dir, 'model.safetensors')).equals(files['model.safetensors'].body));
  });

  it('says a repository is not GPT-2, or not there, and leaves the cache as it was', async () => {
    await resolveModelRef(REPO, options());
    const before = listing(cache);
    server.route(`/someone/bert/resolve/main/config.json`, { body: Buffer.from('{"model_type":"bert"}'), headers: { 'x-repo-commit': COMMIT } });
    const bert = await failure(resolveModelRef('someone/bert', options()));
    assert.match(bert.message, /^someone\/bert is not a GPT-2: its config.json has model_type = "bert", expected "gpt2"; nothing of it was kept$/);
    server.route(`/someone/nothing/resolve/main/config.json`, { status: 401, headers: { 'x-error-code': 'RepoNotFound' } });
    const missing = await failure(resolveModelRef('someone/nothing', options()));
    assert.match(missing.message, /^there is no repository someone\/nothing on Hugging Face \(401\): check the id/);
    assert.deepEqual(listing(cache), before, 'not even an empty folder was added');
    assert.equal((await resolveModelRef(REPO, { env: { HF_HUB_CACHE: cache, HF_HUB_OFFLINE: '1' } })).dir, join(cache, FOLDER, 'snapshots', COMMIT));
  });

  it('allows plain http for a mirror on loopback only', () => {
    assert.ok(policyForEndpoint('https://hf-mirror.com').allows(new URL('https://cdn.hf-mirror.com/x')));
    assert.ok(!policyForEndpoint('https://hf-mirror.com').allows(new URL('https://evil.com/x')));
    assert.ok(!policyForEndpoint('https://hf-mirror.com').allows(new URL('http://hf-mirror.com/x')));
    assert.throws(() => policyForEndpoint('http://hf-mirror.com'), /plain http is allowed on loopback only/);
  });

  it('says a read-only cache cannot be written, and writes nothing', function () {
    chmodSync(cache, 0o555);
    // As root, permissions do not stop writes: the check then runs as an unprivileged user.
    const asRoot = process.getuid?.() === 0;
    const script = `require(${JSON.stringify(resolve(__dirname, '../../src/engine/model-ref.ts'))}).resolveModelRef(${JSON.stringify(REPO)}, { env: { HF_HUB_CACHE: ${JSON.stringify(cache)}, HF_ENDPOINT: ${JSON.stringify(server.origin)} } }).then(() => console.log('no error'), (e) => console.log(e.code + ': ' + e.message))`;
    const run = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { encoding: 'utf8', ...(asRoot ? { uid: 65534, gid: 65534 } : {}), cwd: resolve(__dirname, '../..') });
    assert.match(run.stdout, new RegExp(`^readonly: the Hugging Face cache ${cache.replace(/[\\.]/g, '\\$&')} cannot be written \\(EACCES\\); set HF_HUB_CACHE to a folder you can write`), run.stderr);
    assert.deepEqual(readdirSync(cache), []);
  });
});
