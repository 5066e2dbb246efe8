// The session worker's `score` request on a real worker thread and a real (tiny) model: its result passes
// the protocol's schema on the way back, agrees with the float64 reference, leaves the session alone,
// a newer score supersedes a waiting one, and bad texts get their error kinds.
import assert from 'node:assert/strict';
import { SessionClient } from '../../../src/extension/explorer/session-client';
import { chunkPlan } from '../../../src/explorer/score';
import { DEFAULT_DECODING } from '../../../src/protocol/decoding';
import { WorkerError } from '../../../src/protocol/worker';
import { loadReferenceModel } from '../../engine/reference';
import { checkAgainstReference } from '../../explorer/score-reference';
import { LESSON_SENTENCE, tinyModel, workerBundle, WorkerSpawner } from '../worker-harness';

async function kindOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof WorkerError, String(error));
    return error.kind;
  }
  return 'resolved';
}

describe('session worker: score (real worker, tiny model)', function () {
  let modelDir: string;
  let client: SessionClient;

  before(async function () {
    modelDir = await tinyModel();
    client = new SessionClient({ spawn: new WorkerSpawner(await workerBundle()).spawn });
  });
  after(async () => client?.dispose());

  it('before a load: no-model', async function () {
    assert.equal(await kindOf(client.request({ type: 'score', text: 'Hello there' })), 'no-model');
  });

  it('scores a text as the reference does, chunk marks and all, and the session is untouched', async function () {
    await client.request({ type: 'load', modelDir, threads: 1, weights: 'float32' });
    const sentence = { id: 'selection', text: LESSON_SENTENCE, source: 'selection' as const };
    const analyzed = await client.request({ type: 'analyze', sentence, settings: DEFAULT_DECODING });
    const scores = await client.request({ type: 'score', text: 'The the the capital of France is Paris.' });
    assert.equal(scores.context, 64);
    assert.deepEqual(scores.chunks, [0]);
    assert.deepEqual(scores.tokens.map((token) => token.chunkStart), scores.tokens.map((_, i) => i === 0));
    assert.ok(scores.tokens.every((token) => token.lensLayer === undefined), 'scored without lens layers: the hover asks');
    const text = 'The the the capital of France is Paris.';
    const lensLayers = await layersOf(text, scores.tokens.length);
    assert.equal(lensLayers[0], null, 'the first token has no score');
    const withLayers = scores.tokens.map((token, index) => ({ ...token, lensLayer: lensLayers[index] }));
    checkAgainstReference(loadReferenceModel(modelDir), withLayers, [{ from: 0, start: 1, end: scores.tokens.length }]);
    assert.equal(await kindOf(client.request({ type: 'lensLayer', text: 'another text', index: 1 })), 'superseded', 'a hover on a text not scored last');
    assert.equal(await kindOf(client.request({ type: 'lensLayer', text, index: scores.tokens.length })), 'invalid');
    const stepped = await client.request({ type: 'step' });
    assert.equal(stepped.session.tokens.length, analyzed.session.tokens.length + 1, 'the session goes on after a score');
  });

  it('lens layers on hover in a text of several chunks: each chunk read again when asked, as the reference says', async function () {
    const text = 'A river runs through the old town, and the bridges are older than the houses. '.repeat(5);
    const scores = await client.request({ type: 'score', text });
    assert.ok(scores.chunks.length >= 2, `${scores.chunks.length} chunks`);
    const withLayers = scores.tokens.map((token) => ({ ...token, lensLayer: null as number | null }));
    const order = [...withLayers.keys()].reverse(); // the last chunk is the one kept: the others are read again
    for (const index of order) withLayers[index].lensLayer = (await client.request({ type: 'lensLayer', text, index })).layer;
    const windows = chunkPlan(scores.tokens.length, scores.context).map(({ from, start, end }) => ({ from, start: Math.max(start, from + 1), end }));
    checkAgainstReference(loadReferenceModel(modelDir), withLayers, windows);
  });

  /** Every token's lens layer, one hover after another (a newer hover would replace a waiting one). */
  async function layersOf(text: string, count: number): Promise<(number | null)[]> {
    const layers: (number | null)[] = [];
    for (let index = 0; index < count; index++) layers.push((await client.request({ type: 'lensLayer', text, index })).layer);
    return layers;
  }

  it('a newer score stops the one running (between its lens batches) and replaces one still waiting', async function () {
    const long = 'one two three four '.repeat(1000).trim(); // 4,000 tokens: 83 chunks of the 64-token context, seconds of work
    const running = client.request({ type: 'score', text: long });
    const waiting = client.request({ type: 'score', text: 'five' }); // stops the running one, then is replaced itself
    const newest = client.request({ type: 'score', text: 'six seven' });
    assert.equal(await kindOf(waiting), 'superseded');
    assert.equal(await kindOf(running), 'superseded', 'stopped: run to its end it would have resolved');
    assert.equal((await newest).tokens.length, 2);
  });

  it('an empty text is invalid; Cancel (for an analyze) leaves a score alone', async function () {
    assert.equal(await kindOf(client.request({ type: 'score', text: '' })), 'invalid');
    const scoring = client.request({ type: 'score', text: 'seven eight' });
    client.cancel(); // no analyze runs: nothing is sent
    assert.equal((await scoring).tokens.length, 2);
  });
});
