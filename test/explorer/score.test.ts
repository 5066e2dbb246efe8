// Token surprise against the float64 reference (test/engine/reference.ts): each token's log-probability,
// rank, top 5 and lens layer are recomputed from the reference's hidden states (score-reference.ts), over the same chunk
// windows, never from the scorer's code. The model's context (300) holds two prefill passes, and the
// text is longer than it, so a chunk boundary and a pass boundary are both crossed.
import assert from 'node:assert/strict';
import { Gpt2Model } from '../../src/engine/model';
import { PREFILL_PASS } from '../../src/engine/prefill';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { ScoreReadout } from '../../src/engine/score-readout';
import { chunkPlan, rankOf, scoreText, scoreTokens } from '../../src/explorer/score';
import type { TextScores } from '../../src/protocol/surprise';
import { testModel, TINY } from '../engine/models';
import { loadReferenceModel, type ReferenceModel } from '../engine/reference';
import { assertNarrow, checkAgainstReference } from './score-reference';

const CONTEXT = PREFILL_PASS + 44;
const LONG = { ...TINY, nPositions: CONTEXT };
// Repeated words: at layer 0 the tied embedding ranks the current token first, so repeats get a lens layer.
const TEXT = 'The capital of Germany is Berlin, the the the capital capital of France is Paris. '.repeat(22);

describe('token surprise (score.ts) against the reference', function () {
  let model: Gpt2Model;
  let tokenizer: Gpt2Tokenizer;
  let reference: ReferenceModel;
  let scores: TextScores;

  before(async function () {
    const dir = await testModel(LONG);
    [model, tokenizer] = await Promise.all([Gpt2Model.load(dir, { threads: 1 }), Gpt2Tokenizer.fromModelDir(dir)]);
    reference = loadReferenceModel(dir);
    scores = await scoreText(model, tokenizer, TEXT);
  });
  after(async () => model?.dispose());

  it('chunks a text over the context with a quarter of it read again, and marks each chunk start', function () {
    const T = scores.tokens.length;
    assert.ok(T > CONTEXT + 50 && T < 2 * CONTEXT - 75, `${T} tokens`);
    assert.deepEqual(scores.chunks, [0, CONTEXT]);
    assert.equal(scores.overlap, 75);
    assert.deepEqual(scores.tokens.flatMap((token, i) => (token.chunkStart ? [i] : [])), [0, CONTEXT]);
    assert.deepEqual(scores.tokens.map((token) => token.id), tokenizer.encode(TEXT).map((token) => token.id));
  });

  it('gives the first token nulls and an empty top, and every later token (a chunk start too) a score', function () {
    assert.deepEqual({ ...scores.tokens[0], id: 0, text: '', start: 0, end: 0 }, { id: 0, text: '', start: 0, end: 0, logprob: null, rank: null, top: [], lensLayer: null, chunkStart: true });
    for (const token of scores.tokens.slice(1)) assert.ok(token.logprob !== null && token.rank !== null && token.top.length === 5);
  });

  it('matches the reference: logprob, rank (within float32 ties), top 5 and the lens layer, across the chunk boundary', function () {
    const T = scores.tokens.length;
    const { bands, lensLayers } = checkAgainstReference(reference, scores.tokens, [{ from: 0, start: 1, end: CONTEXT }, { from: CONTEXT - 75, start: CONTEXT, end: T }]);
    assertNarrow(bands);
    assert.ok(lensLayers.has(null) && lensLayers.has(0), `lens layers seen: ${[...lensLayers].join(', ')}`);
  });

  it('refuses an empty text, an id outside the vocabulary, and stops when aborted', async function () {
    await assert.rejects(scoreText(model, tokenizer, ''), /no tokens/);
    await assert.rejects(scoreTokens(model, tokenizer, [{ id: 60_000, text: '?', start: 0, end: 1 }, { id: 1, text: '"', start: 1, end: 2 }]), /not in the vocabulary/);
    const stop = new AbortController();
    stop.abort(new Error('stopped'));
    await assert.rejects(scoreText(model, tokenizer, 'Hello there', { signal: stop.signal }), /stopped/);
  });

  it('scores a one-token text as the first token alone', async function () {
    const one = await scoreText(model, tokenizer, 'Hello');
    assert.equal(one.tokens.length, 1);
    assert.equal(one.tokens[0].logprob, null);
  });
});

describe('chunkPlan and rankOf', function () {
  it('plans chunks of at most the context, each later one re-reading a quarter of it', function () {
    assert.deepEqual(chunkPlan(1, 1024), [{ from: 0, start: 0, end: 1 }]);
    assert.deepEqual(chunkPlan(1024, 1024), [{ from: 0, start: 0, end: 1024 }]);
    assert.deepEqual(chunkPlan(1025, 1024), [{ from: 0, start: 0, end: 1024 }, { from: 768, start: 1024, end: 1025 }]);
    assert.deepEqual(chunkPlan(2500, 1024).map((chunk) => chunk.start), [0, 1024, 1792]);
    for (const { from, end } of chunkPlan(5000, 1024)) assert.ok(end - from <= 1024);
  });

  it('ranks ties together at the better rank: a token tied for the largest logit is rank 1', function () {
    const logits = [1, 3, 3, 2, 3];
    assert.deepEqual([0, 1, 2, 3, 4].map((id) => rankOf(logits, id)), [5, 1, 1, 4, 1]);
    assert.equal(rankOf([0.5], 0), 1);
  });

  it('the ORT read-out keeps the same rules: ties share the better rank, the top k breaks ties by lower id', async function () {
    const readout = new ScoreReadout({ intraOpNumThreads: 1 });
    const rows = [1, 3, 3, 2, 3, -50, 0, 7, 7, 7]; // two rows of 5: ties for the largest in both
    const got = await readout.run(Float32Array.from(rows), 2, [2, 4], 3);
    const lse = (row: number[]) => Math.log(row.reduce((sum, value) => sum + Math.exp(value), 0));
    const [a, b] = [rows.slice(0, 5), rows.slice(5)];
    assert.deepEqual([...got.rank], [1, 1]);
    assert.deepEqual(got.topIds, [1, 2, 4, 2, 3, 4]);
    [a[2] - lse(a), b[4] - lse(b)].forEach((expected, i) => assert.ok(Math.abs(got.logprob[i] - expected) < 1e-6, `row ${i}: ${got.logprob[i]} vs ${expected}`));
    [a[1] - lse(a), a[2] - lse(a), a[4] - lse(a), b[2] - lse(b), b[3] - lse(b), b[4] - lse(b)].forEach((expected, j) => assert.ok(Math.abs(got.topLogprob[j] - expected) < 1e-6));
    const low = await readout.run(Float32Array.from(a), 1, [0], 5); // the same session: k is an input
    await readout.release();
    assert.deepEqual([low.rank[0], low.topIds], [5, [1, 2, 4, 3, 0]]);
  });
});
