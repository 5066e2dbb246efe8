// A long Analyze through the real worker thread: the host hears the chips, then each prefill pass,
// before the session; a cancel stops it out of turn (kind 'cancelled') and the session before stays.

import assert from 'node:assert/strict';
import { PREFILL_PASS } from '../../../src/engine/prefill';
import { SessionClient } from '../../../src/extension/explorer/session-client';
import { DEFAULT_DECODING } from '../../../src/protocol/decoding';
import type { AnalysisProgress } from '../../../src/protocol/views';
import { WorkerError } from '../../../src/protocol/worker';
import { testModel, TINY } from '../../engine/models';
import { LESSON_SENTENCE, workerBundle, WorkerSpawner } from '../worker-harness';

const LONG = { ...TINY, nPositions: 3 * PREFILL_PASS };
const settings = { ...DEFAULT_DECODING, maxNewTokens: 20 };
const long = { id: 'selection', text: `${LESSON_SENTENCE} Paris. `.repeat(60), source: 'selection' as const }; // ≈ 780 tokens, cut

describe('session worker and client on a long prompt (real worker, tiny model)', () => {
  let client: SessionClient;

  before(async () => {
    const spawner = new WorkerSpawner(await workerBundle());
    client = new SessionClient({ spawn: spawner.spawn });
    await client.request({ type: 'load', modelDir: await testModel(LONG), threads: 1, weights: 'float32' });
  });
  after(() => client.dispose());

  it('tells the chips first, then each pass, then answers with the session', async () => {
    const heard: AnalysisProgress[] = [];
    const snapshot = await client.request({ type: 'analyze', sentence: long, settings }, (progress) => heard.push(progress));
    const T = snapshot.session.tokens.length;
    assert.ok(T > 2 * PREFILL_PASS, `${T} tokens`);
    assert.deepEqual(heard.map((p) => p.done), [0, PREFILL_PASS, 2 * PREFILL_PASS, T]);
    assert.ok(heard.every((p) => p.total === T && p.truncated === snapshot.session.truncated));
    assert.deepEqual(heard[0].tokens, snapshot.session.tokens);
  });

  it('tells nothing for a prompt of one pass', async () => {
    const heard: AnalysisProgress[] = [];
    await client.request({ type: 'analyze', sentence: { ...long, text: LESSON_SENTENCE }, settings }, (progress) => heard.push(progress));
    assert.deepEqual(heard, []);
  });

  it('cancel stops the analyze under way with kind "cancelled"; the session before stays', async () => {
    const before = await client.request({ type: 'analyze', sentence: { ...long, text: LESSON_SENTENCE }, settings });
    const running = client.request({ type: 'analyze', sentence: long, settings }, (progress) => progress.done === 0 && client.cancel());
    const error = await running.then(() => null, (failure: unknown) => failure);
    assert.ok(error instanceof WorkerError && error.kind === 'cancelled', `${String(error)}`);
    const after = await client.request({ type: 'reset' });
    assert.deepEqual(after.session.tokens, before.session.tokens);
  });
});
