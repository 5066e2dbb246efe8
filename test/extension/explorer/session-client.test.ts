// The session worker and its client, on a real worker thread running a real (tiny) model.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { SessionClient } from '../../../src/extension/explorer/session-client';
import { DEFAULT_DECODING } from '../../../src/protocol/decoding';
import type { SessionSnapshot } from '../../../src/protocol/views';
import { WorkerError } from '../../../src/protocol/worker';
import { exited, LESSON_SENTENCE, tinyInt8Model, tinyModel, workerBundle, WorkerSpawner } from '../worker-harness';

const sentence = { id: 'selection', text: LESSON_SENTENCE, source: 'selection' as const };
const greedy = { ...DEFAULT_DECODING, temperature: 0, maxNewTokens: 50 };

/** A worker that answers every request with a reply the protocol refuses: a wrong result, no frame, an unknown error kind. */
const LYING_WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ id, request }) => {
  if (request.type === 'dispose') return parentPort.postMessage({ id, ok: true, result: null }), parentPort.close();
  if (request.type === 'step') return parentPort.postMessage({ id, ok: true, result: { session: 'nope' } });
  if (request.type === 'sample') return parentPort.postMessage('garbage');
  parentPort.postMessage({ id, ok: false, error: { kind: 'weird', message: 'x' } });
});`;

async function rejection(promise: Promise<unknown>): Promise<WorkerError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof WorkerError, `expected a WorkerError, got ${String(error)}`);
    return error;
  }
  throw new assert.AssertionError({ message: 'expected the request to be rejected' });
}

describe('session worker and client (real worker, tiny model)', () => {
  let modelDir: string;
  let spawner: WorkerSpawner;
  let client: SessionClient;
  const crashes: string[] = [];

  before(async () => {
    modelDir = await tinyModel();
    spawner = new WorkerSpawner(await workerBundle());
  });

  beforeEach(() => {
    crashes.length = 0;
    client = new SessionClient({ spawn: spawner.spawn, onCrash: (reason) => crashes.push(reason) });
  });

  afterEach(() => client.dispose());

  async function loadAndAnalyze(): Promise<SessionSnapshot> {
    const info = await client.request({ type: 'load', modelDir, threads: 1, weights: 'float32' });
    assert.equal(info.layers, 2);
    return client.request({ type: 'analyze', sentence, settings: greedy });
  }

  it('loads the opt-in 8-bit weights when asked, and the model line says so', async () => {
    const dir = await tinyInt8Model();
    const float32 = await client.request({ type: 'load', modelDir: dir, threads: 1, weights: 'float32' });
    assert.equal(float32.name, 'test model (2 layers, 64 wide)');
    const exact = (await client.request({ type: 'analyze', sentence, settings: DEFAULT_DECODING })).session.next.top; // temperature 1: the model's own probabilities
    const int8CacheDir = mkdtempSync(join(tmpdir(), 'gpt2-int8-client-'));
    try {
      const told: number[] = []; // the first 8-bit load tells how far its quantizing is; the next reads the cache and tells nothing
      const int8 = await client.request({ type: 'load', modelDir: dir, threads: 1, weights: 'int8', int8CacheDir }, ({ done, total }) => told.push(done / total));
      assert.equal(int8.name, 'test model (2 layers, 64 wide), 8-bit weights');
      assert.ok(told.length > 1 && told.at(-1) === 1 && told.every((part, i) => i === 0 || part > told[i - 1]), `progress ${told.join(', ')}`);
      const again: number[] = [];
      await client.request({ type: 'load', modelDir: dir, threads: 1, weights: 'int8', int8CacheDir }, ({ done, total }) => again.push(done / total));
      assert.deepEqual(again, [], 'the cached load quantizes nothing');
    } finally {
      rmSync(int8CacheDir, { recursive: true, force: true });
    }
    const analyzed = await client.request({ type: 'analyze', sentence, settings: DEFAULT_DECODING });
    assert.equal(analyzed.session.model.name, 'test model (2 layers, 64 wide), 8-bit weights');
    assert.notEqual(analyzed.session.next.top[0].prob, exact[0].prob, 'other weights, other probabilities');
  });

  it('analyzes the lesson sentence into 12 chips, and Step makes the counter 1', async () => {
    const analyzed = await loadAndAnalyze();
    assert.equal(analyzed.session.tokens.length, 12);
    assert.deepEqual(analyzed.session.tokens.map((chip) => chip.text).join(''), LESSON_SENTENCE);
    assert.equal(analyzed.session.generated, 0);
    assert.equal(analyzed.projection.tokens, 12);
    const stepped = await client.request({ type: 'step' });
    assert.equal(stepped.session.generated, 1);
    assert.equal(stepped.session.tokens.length, 13);
    assert.equal(stepped.session.tokens[12].generated, true);
    assert.equal(stepped.session.tokens[12].id, analyzed.session.next.top[0].id, 'greedy Step appends the top candidate');
  });

  it('runs 50 rapid Steps one after another, in order, to the same state as 50 awaited Steps', async () => {
    await loadAndAnalyze();
    const rapid = await Promise.all(Array.from({ length: 50 }, () => client.request({ type: 'step' })));
    assert.deepEqual(rapid.map((snapshot) => snapshot.session.generated), Array.from({ length: 50 }, (_, i) => i + 1));
    const final = rapid[49].session;
    assert.equal(final.tokens.length, 62);

    await client.request({ type: 'reset' });
    let awaited: SessionSnapshot | null = null;
    for (let i = 0; i < 50; i++) awaited = await client.request({ type: 'step' });
    assert.deepEqual(awaited!.session.tokens, final.tokens);
    assert.equal(client.busy, false);
  });

  it('keeps only the newest waiting request of a view kind', async () => {
    await loadAndAnalyze();
    const step = client.request({ type: 'step' }); // runs first: the attention requests wait behind it
    const views = [0, 1, 2, 3].map((head) => client.request({ type: 'attention', layer: 1, head }));
    const outcomes = await Promise.allSettled(views);
    await step;
    assert.deepEqual(outcomes.slice(0, 3).map((outcome) => outcome.status === 'rejected' && (outcome.reason as WorkerError).kind), ['superseded', 'superseded', 'superseded']);
    const last = outcomes[3];
    assert.ok(last.status === 'fulfilled');
    assert.equal(last.value.head, 3);
    assert.equal(last.value.size, 13);
  });

  it('a request asked alone (GPT-2: Save Analysis) neither replaces the panel\'s waiting request of its kind nor is replaced by a newer one', async () => {
    await loadAndAnalyze();
    const heads = async (requests: Promise<{ head: number }>[]) =>
      (await Promise.allSettled(requests)).map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.head : (outcome.reason as WorkerError).kind));
    const alone = { alone: true };
    let step = client.request({ type: 'step' }); // runs first: the rest wait behind it
    assert.deepEqual(await heads([client.request({ type: 'attention', layer: 1, head: 0 }), client.request({ type: 'attention', layer: 1, head: 1 }, undefined, alone)]), [0, 1]);
    await step;
    step = client.request({ type: 'step' });
    const asked = [client.request({ type: 'attention', layer: 1, head: 1 }, undefined, alone), client.request({ type: 'attention', layer: 1, head: 2 }), client.request({ type: 'attention', layer: 1, head: 3 })];
    assert.deepEqual(await heads(asked), [1, 'superseded', 3]);
    await step;
  });

  it('says busy only for requests somebody asked for: work read ahead unasked leaves the panel\'s buttons alone', async () => {
    const told: boolean[] = [];
    const watched = new SessionClient({ spawn: spawner.spawn, onBusy: (busy) => told.push(busy) });
    try {
      await watched.request({ type: 'load', modelDir, threads: 1, weights: 'float32' });
      await watched.request({ type: 'analyze', sentence, settings: greedy });
      told.length = 0;
      const maps = await watched.request({ type: 'layerAttentionMaps', layer: 1 }, undefined, { unasked: true });
      assert.equal(maps.length, 4);
      assert.deepEqual([...new Set(told)], [false], 'an unasked read alone never says busy');
      told.length = 0;
      await Promise.all([watched.request({ type: 'layerAttentionMaps', layer: 0 }, undefined, { unasked: true }), watched.request({ type: 'step' })]);
      assert.ok(told.includes(true) && told.at(-1) === false, `a Step waiting behind it is busy, then not: ${told.join(', ')}`);
    } finally {
      await watched.dispose();
    }
  });

  it('keeps the host event loop free while the worker loads and runs: it never stalls for a quarter of the work', async () => {
    const lag = monitorEventLoopDelay({ resolution: 1 });
    lag.enable();
    const start = performance.now();
    await loadAndAnalyze();
    for (let i = 0; i < 20; i++) await client.request({ type: 'step' });
    await client.request({ type: 'lens', layer: 1, token: 5, trackId: null });
    const workMs = performance.now() - start;
    lag.disable();
    const ms = (ns: number) => ns / 1e6;
    console.log(`      host event-loop delay while the worker ran ${workMs.toFixed(0)} ms: p50 ${ms(lag.percentile(50)).toFixed(1)} ms, p99 ${ms(lag.percentile(99)).toFixed(1)} ms, max ${ms(lag.max).toFixed(1)} ms`);
    assert.ok(lag.count > 0, 'the monitor sampled the loop');
    // Run on the host, the load alone (creating the ONNX sessions) would hold the loop for most of the work.
    assert.ok(ms(lag.max) < workMs / 4, `the longest stall, ${ms(lag.max).toFixed(1)} ms, is under a quarter of the ${workMs.toFixed(0)} ms of work`);
  });

  it('answers errors with their kind instead of failing the worker', async () => {
    assert.equal((await rejection(client.request({ type: 'step' }))).kind, 'no-session');
    assert.equal((await rejection(client.request({ type: 'analyze', sentence, settings: greedy }))).kind, 'no-model');
    const missing = await rejection(client.request({ type: 'load', modelDir: '/nonexistent/gpt2', threads: 1, weights: 'float32' }));
    assert.equal(missing.kind, 'model-files');
    assert.match(missing.message, /nonexistent/);
    await loadAndAnalyze();
    assert.equal((await rejection(client.request({ type: 'attention', layer: 7, head: 0 }))).kind, 'invalid');
    assert.equal((await client.request({ type: 'step' })).session.generated, 1, 'the worker goes on after an error');
  });

  it('answers a malformed request with kind "invalid" and its id, and goes on', async () => {
    await loadAndAnalyze();
    const replies: unknown[] = [];
    spawner.last.on('message', (reply) => replies.push(reply));
    spawner.last.postMessage({ id: 900, request: { type: 'step', extra: 1 } });
    spawner.last.postMessage({ id: 901, request: { type: 'attention', layer: 'x', head: 0 } });
    spawner.last.postMessage('not an envelope');
    await until(() => replies.length === 3);
    assert.deepEqual(replies.map((reply) => (reply as { id: number }).id), [900, 901, 0], 'a request without an id is answered as id 0, which nobody waits for');
    for (const reply of replies as { ok: boolean; error: { kind: string; message: string } }[]) {
      assert.equal(reply.ok, false);
      assert.equal(reply.error.kind, 'invalid');
      assert.match(reply.error.message, /^a malformed request: /);
    }
    assert.equal((await client.request({ type: 'step' })).session.generated, 1, 'the malformed step did not step');
  });

  it('fails a request whose reply is malformed with kind "internal", and logs it', async () => {
    const logged: string[] = [];
    const liar = new SessionClient({ spawn: () => new Worker(LYING_WORKER, { eval: true }), log: (line) => logged.push(line) });
    for (const type of ['step', 'sample', 'reset'] as const) {
      const error = await rejection(liar.request({ type }));
      assert.equal(error.kind, 'internal', type);
      assert.match(error.message, new RegExp(`answered "${type}" with a malformed reply: `));
    }
    assert.equal(logged.length, 3);
    assert.match(logged[0], /"step" with a malformed reply: session: expected an object/);
    await liar.dispose();
  });

  it('frees the worker when closed mid-inference, without an error', async () => {
    await loadAndAnalyze();
    const worker = spawner.last;
    const settled = Promise.allSettled(Array.from({ length: 10 }, () => client.request({ type: 'step' })));
    await client.stop();
    const outcomes = await settled;
    assert.ok(outcomes.every((outcome) => outcome.status === 'rejected' && (outcome.reason as WorkerError).kind === 'disposed'));
    assert.equal(await exited(worker), 0, 'the worker disposed its model and ended by itself');
    assert.equal(client.started, false);
    assert.deepEqual(crashes, [], 'closing is not a crash');
    const again = await loadAndAnalyze();
    assert.equal(again.session.tokens.length, 12, 'a new request starts a new worker');
  });

  it('survives a worker crash: the next request starts a new worker', async () => {
    await loadAndAnalyze();
    await spawner.last.terminate(); // the thread dies (while idle: see SessionClient.stop for why)
    await until(() => crashes.length === 1);
    assert.match(crashes[0], /stopped unexpectedly: it exited with code 1/);
    assert.equal(client.started, false);
    assert.equal((await rejection(client.request({ type: 'step' }))).kind, 'no-session', 'the new worker starts empty');
    assert.equal((await loadAndAnalyze()).session.tokens.length, 12);
  });

  it('fails every waiting request with "crashed" when its worker dies', async () => {
    const dying = new SessionClient({ spawn: () => new Worker('throw new Error("boom")', { eval: true }), onCrash: (reason) => crashes.push(reason) });
    const outcomes = await Promise.allSettled([dying.request({ type: 'load', modelDir, threads: 1, weights: 'float32' }), dying.request({ type: 'step' })]);
    assert.deepEqual(outcomes.map((outcome) => outcome.status === 'rejected' && (outcome.reason as WorkerError).kind), ['crashed', 'crashed']);
    assert.equal(crashes.length, 1, 'one crash, told once');
    assert.match(crashes[0], /boom/);
    await dying.dispose();
  });

  it('fails a request whose worker cannot start, and tries again for the next one', async () => {
    let attempts = 0;
    const broken = new SessionClient({
      spawn: () => {
        attempts++;
        throw new Error('no session-worker.js');
      },
    });
    for (let i = 0; i < 2; i++) {
      const error = await rejection(broken.request({ type: 'step' }));
      assert.equal(error.kind, 'crashed');
      assert.match(error.message, /could not start: no session-worker\.js/);
    }
    assert.equal(attempts, 2);
    assert.equal(broken.busy, false);
  });

  it('ends the worker on dispose and refuses later requests', async () => {
    await loadAndAnalyze();
    const worker = spawner.last;
    await client.dispose();
    await exited(worker);
    assert.equal((await rejection(client.request({ type: 'step' }))).kind, 'disposed');
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
