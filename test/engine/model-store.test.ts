import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { huggingFacePolicy } from '../../src/engine/download-policy';
import { DownloadError, DownloadProgress, downloadModel, fileUrl, GPT2_SMALL, importModelFolder, ModelSource } from '../../src/engine/model-store';
import { writeTestModel } from '../../src/engine/test-model';
import { FileServer, Serve } from './file-server';

/** Bytes that are the same on every run: the "weights" the test server serves. */
function seededBytes(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = 7;
  for (let i = 0; i < length; i++) bytes[i] = (state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 24;
  return bytes;
}

const WEIGHTS = seededBytes(2_345_678);
const CONFIG = Buffer.from(JSON.stringify({ model_type: 'gpt2', n_layer: 2, n_head: 2, n_embd: 8 }));
const SOURCE: ModelSource = {
  repo: 'test-org/tiny-gpt2',
  revision: 'c0ffee'.padEnd(40, '0'),
  files: [
    { name: 'config.json', maxBytes: 4096 },
    { name: 'model.safetensors', size: WEIGHTS.length, sha256: createHash('sha256').update(WEIGHTS).digest('hex') },
  ],
  config: { model_type: 'gpt2', n_layer: 2, n_head: 2, n_embd: 8 },
};
const WEIGHTS_PATH = `/${SOURCE.repo}/resolve/${SOURCE.revision}/model.safetensors`;
const CONFIG_PATH = `/${SOURCE.repo}/resolve/${SOURCE.revision}/config.json`;

async function rejection(promise: Promise<unknown>): Promise<DownloadError> {
  const error = await promise.then(() => assert.fail('expected the download to fail'), (e: unknown) => e);
  assert.ok(error instanceof DownloadError, `not a DownloadError: ${error}`);
  return error;
}

describe('model store: downloadModel', () => {
  let server: FileServer;
  let targetDir: string;
  const weightsFile = () => join(targetDir, 'model.safetensors');
  const partFile = () => `${weightsFile()}.part`;
  const download = (extra: Partial<Parameters<typeof downloadModel>[0]> = {}) =>
    downloadModel({ targetDir, baseUrl: server.origin, source: SOURCE, stallMs: 2000, ...extra });
  const serveWeights = (behaviour: Partial<Serve> = {}) => server.route(WEIGHTS_PATH, { body: WEIGHTS, ...behaviour });

  beforeEach(async () => {
    server = await FileServer.start();
    server.route(CONFIG_PATH, { body: CONFIG });
    targetDir = join(mkdtempSync(join(tmpdir(), 'gpt2-store-')), 'model');
  });
  afterEach(async () => {
    await server.stop();
    rmSync(join(targetDir, '..'), { recursive: true, force: true });
  });

  function assertComplete() {
    assert.ok(readFileSync(weightsFile()).equals(WEIGHTS), 'the weights arrived byte for byte');
    assert.ok(readFileSync(join(targetDir, 'config.json')).equals(CONFIG));
    assert.ok(!existsSync(partFile()), 'no .part file is left');
    assert.ok(!existsSync(join(targetDir, '.download.lock')), 'the lock is released');
  }

  it('downloads, verifies and renames into place, reporting progress', async () => {
    serveWeights();
    const progress: DownloadProgress[] = [];
    await download({ onProgress: (p) => progress.push(p) });
    assertComplete();
    const weights = progress.filter((p) => p.file === 'model.safetensors');
    for (const phase of ['download', 'verify'] as const) {
      const events = weights.filter((p) => p.phase === phase);
      assert.ok(events.length > 0, `${phase} progress was reported`);
      assert.deepEqual(events.map((p) => p.bytes), [...events.map((p) => p.bytes)].sort((a, b) => a - b), 'bytes only grow');
      assert.equal(events.at(-1)!.bytes, WEIGHTS.length);
      assert.ok(events.every((p) => p.total === WEIGHTS.length && p.bytesPerSecond >= 0));
    }
  });

  it('does not fetch files that are already there and intact', async () => {
    serveWeights();
    await download();
    server.log.length = 0;
    await download();
    assert.deepEqual(server.log, []);
    assertComplete();
  });

  it('replaces a present file whose checksum is wrong', async () => {
    serveWeights();
    await download();
    const damaged = Buffer.from(WEIGHTS);
    damaged[1000] ^= 0xff;
    writeFileSync(weightsFile(), damaged);
    await download();
    assertComplete();
  });

  it('refuses a truncated file before writing anything', async () => {
    server.route(WEIGHTS_PATH, { body: WEIGHTS.subarray(0, 1_000_000) });
    const error = await rejection(download());
    assert.equal(error.code, 'size');
    assert.match(error.message, /offers model\.safetensors with 1,000,000 bytes, but the pinned file has 2,345,678/);
    assert.ok(!existsSync(partFile()) && !existsSync(weightsFile()));
  });

  it('deletes a corrupted file and names both checksums', async () => {
    const corrupted = Buffer.from(WEIGHTS);
    corrupted[123_456] ^= 0x01;
    server.route(WEIGHTS_PATH, { body: corrupted });
    const error = await rejection(download());
    assert.equal(error.code, 'checksum');
    const got = createHash('sha256').update(corrupted).digest('hex');
    assert.equal(
      error.message,
      `checksum mismatch for model.safetensors: expected ${SOURCE.files[1].sha256}, got ${got}; the file was deleted. Run GPT-2: Download Model again to start over`,
    );
    assert.ok(!existsSync(partFile()) && !existsSync(weightsFile()));
  });

  it('waits for a slow server as long as bytes keep coming', async () => {
    serveWeights({ chunkDelayMs: 5 });
    await download();
    assertComplete();
  });

  it('says where a stalled download stopped, then resumes it with a Range request', async () => {
    serveWeights({ stallAt: 1_200_000 });
    const error = await rejection(download({ stallMs: 400 }));
    assert.equal(error.code, 'interrupted');
    assert.match(error.message, /^Download of model\.safetensors interrupted at 1 MB of 2 MB \(no data for 0\.4 s\); run GPT-2: Download Model again to resume$/);
    const kept = statSync(partFile()).size;
    serveWeights();
    await download();
    assert.equal(server.log.at(-1)!.range, `bytes=${kept}-`);
    assertComplete();
  });

  it('resumes after the connection is dropped half-way', async () => {
    serveWeights({ dropAt: WEIGHTS.length / 2 });
    const error = await rejection(download());
    assert.equal(error.code, 'interrupted');
    assert.match(error.message, /^Download of model\.safetensors interrupted at \d+ (kB|MB) of 2 MB \(.+\); run GPT-2: Download Model again to resume$/);
    const kept = statSync(partFile()).size;
    assert.ok(kept > 0 && kept < WEIGHTS.length, `kept ${kept} bytes`);
    serveWeights();
    await download();
    assert.deepEqual(server.log.at(-1), { path: WEIGHTS_PATH, method: 'GET', range: `bytes=${kept}-` });
    assertComplete();
  });

  it('starts over when the server ignores the Range request', async () => {
    serveWeights({ dropAt: 600_000 });
    await rejection(download());
    serveWeights({ ignoreRange: true });
    await download();
    assert.match(server.log.at(-1)!.range ?? '', /^bytes=\d+-$/);
    assertComplete();
  });

  it('keeps the partial file on cancel and resumes from it', async () => {
    serveWeights({ chunkDelayMs: 5 });
    const controller = new AbortController();
    const onProgress = (p: DownloadProgress) => p.file === 'model.safetensors' && p.bytes > 300_000 && controller.abort();
    const error = await rejection(download({ signal: controller.signal, onProgress }));
    assert.equal(error.code, 'cancelled');
    assert.match(error.message, /^download of model\.safetensors cancelled at \d+ kB of 2 MB; run GPT-2: Download Model again to resume$/);
    assert.ok(statSync(partFile()).size > 300_000);
    serveWeights();
    await download();
    assertComplete();
  });

  it('explains a 404', async () => {
    const error = await rejection(download());
    assert.equal(error.code, 'http');
    assert.match(error.message, /answered 404 Not Found for model\.safetensors: the pinned revision may have been removed/);
  });

  it('follows relative and absolute redirects on loopback', async () => {
    server.route('/cdn/weights', { body: WEIGHTS });
    server.route('/hop', { redirect: `${server.origin}/cdn/weights`, status: 307 });
    server.route(WEIGHTS_PATH, { redirect: '/hop' });
    await download();
    assertComplete();
    assert.deepEqual(server.log.slice(-3).map((r) => r.path), [WEIGHTS_PATH, '/hop', '/cdn/weights']);
  });

  it('refuses a redirect to another host, and endless redirects', async () => {
    server.route(WEIGHTS_PATH, { redirect: 'http://example.com/model.safetensors' });
    const offHost = await rejection(download());
    assert.equal(offHost.code, 'redirect');
    assert.match(offHost.message, /refusing to download model\.safetensors from http:\/\/example\.com: only loopback addresses/);
    server.route(WEIGHTS_PATH, { redirect: WEIGHTS_PATH });
    assert.match((await rejection(download())).message, /too many redirects \(5\)/);
  });

  it('rejects and deletes a config.json that is not the expected model, before fetching the weights', async () => {
    server.route(CONFIG_PATH, { body: Buffer.from(JSON.stringify({ model_type: 'gpt2', n_layer: 24, n_head: 2, n_embd: 8 })) });
    serveWeights();
    const error = await rejection(download());
    assert.equal(error.code, 'invalid');
    assert.match(error.message, /config\.json from test-org\/tiny-gpt2 has n_layer = 24, expected 2; it was deleted/);
    assert.ok(!existsSync(join(targetDir, 'config.json')));
    assert.ok(!server.log.some((request) => request.path === WEIGHTS_PATH), 'the weights were not requested');
  });

  it('refuses a config.json larger than its cap', async () => {
    server.route(CONFIG_PATH, { body: Buffer.alloc(10_000, 0x20) });
    const error = await rejection(download());
    assert.equal(error.code, 'size');
    assert.match(error.message, /^config\.json is larger than 4 kB; refusing it$/);
  });

  it('downloads a generated GPT-2 that then imports cleanly', async () => {
    const modelDir = join(targetDir, '..', 'generated');
    await writeTestModel(modelDir, { seed: 5, nLayer: 1, nHead: 2, nEmbd: 8, nPositions: 16 });
    const weights = readFileSync(join(modelDir, 'model.safetensors'));
    const config = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8'));
    const source: ModelSource = {
      ...SOURCE,
      files: [SOURCE.files[0], { name: 'model.safetensors', size: weights.length, sha256: createHash('sha256').update(weights).digest('hex') }],
      config: { model_type: 'gpt2', n_layer: 1, n_head: 2, n_embd: 8 },
    };
    server.route(CONFIG_PATH, { body: readFileSync(join(modelDir, 'config.json')) });
    server.route(WEIGHTS_PATH, { body: weights });
    await download({ source });
    const imported = await importModelFolder(targetDir);
    assert.equal(imported.config.nLayer, config.n_layer);
    assert.equal(imported.tokenizer, 'bundled');
  });

  it('allows one download per folder; a lock left by a dead process is taken over', async () => {
    serveWeights({ chunkDelayMs: 5 });
    let started!: () => void;
    const firstHasLock = new Promise<void>((resolve) => (started = resolve));
    const first = download({ onProgress: () => started() }); // progress comes after the lock is taken
    await firstHasLock;
    const second = await rejection(download());
    assert.equal(second.code, 'busy');
    assert.match(second.message, new RegExp(`another download into .+ is running \\(process ${process.pid}\\)`));
    await first;
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(targetDir, '.download.lock'), String(dead));
    rmSync(weightsFile());
    await download();
    assertComplete();
  });
});

describe('model store: where downloads may come from', () => {
  it('builds the pinned Hugging Face URL', () => {
    assert.equal(
      fileUrl('https://huggingface.co', GPT2_SMALL, 'model.safetensors').href,
      'https://huggingface.co/openai-community/gpt2/resolve/607a30d783dfa663caf39e06633721c8d4cfcd7e/model.safetensors',
    );
  });

  it('follows redirects only to https hosts of Hugging Face', () => {
    for (const url of ['https://huggingface.co/x', 'https://cdn-lfs.huggingface.co/x', 'https://cas-bridge.xethub.hf.co/x']) {
      assert.ok(huggingFacePolicy.allows(new URL(url)), url);
    }
    for (const url of ['http://cdn-lfs.huggingface.co/x', 'https://huggingface.co.evil.com/x', 'https://evilhf.co/x', 'https://127.0.0.1/x']) {
      assert.ok(!huggingFacePolicy.allows(new URL(url)), url);
    }
  });

  it('refuses other base URLs, and other repositories from Hugging Face, before any request', async () => {
    const targetDir = mkdtempSync(join(tmpdir(), 'gpt2-store-'));
    try {
      const elsewhere = await rejection(downloadModel({ targetDir, baseUrl: 'https://example.com' }));
      assert.equal(elsewhere.code, 'invalid');
      assert.match(elsewhere.message, /refusing to download from https:\/\/example\.com/);
      const otherRepo = await rejection(downloadModel({ targetDir, source: SOURCE }));
      assert.match(otherRepo.message, /only openai-community\/gpt2 at revision 607a30d7/);
    } finally {
      rmSync(targetDir, { recursive: true, force: true });
    }
  });
});
