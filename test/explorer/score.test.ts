// Token surprise against the float64 reference (test/engine/reference.ts): each token's log-probability,
// rank, top 5 and lens layer are recomputed here from the reference's hidden states, over the same chunk
// windows, never from the scorer's code. The model's context (300) holds two prefill passes, and the
// text is longer than it, so a chunk boundary and a pass boundary are both crossed.
import assert from 'node:assert/strict';
import { Gpt2Model } from '../../src/engine/model';
import { PREFILL_PASS } from '../../src/engine/prefill';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { chunkPlan, rankOf, scoreText, scoreTokens } from '../../src/explorer/score';
import type { TextScores } from '../../src/protocol/surprise';
import { testModel, TINY } from '../engine/models';
import { loadReferenceModel, referenceForward, referenceLens, type ReferenceModel } from '../engine/reference';

const CONTEXT = PREFILL_PASS + 44;
const LONG = { ...TINY, nPositions: CONTEXT };
const EPS = 1e-4; // probabilities and log-probabilities
const LOGIT_EPS = 2e-5; // |engine logit − reference logit| bound (float32 against float64): ranks are checked within what it allows
// Repeated words: at layer 0 the tied embedding ranks the current token first, so repeats get a lens layer.
const TEXT = 'The capital of Germany is Berlin, the the the capital capital of France is Paris. '.repeat(22);

/** The reference's logits at window position t for layers 0..L: [L+1][V]. */
function referenceRows(reference: ReferenceModel, hidden: Float64Array, T: number, t: number): Float64Array[] {
  const { nLayer: L, nEmbd: d } = reference.config;
  return Array.from({ length: L + 1 }, (_, l) => referenceLens(reference, hidden.subarray((l * T + t) * d, (l * T + t + 1) * d), 1));
}

function logSoftmaxAt(logits: Float64Array, id: number): number {
  let max = -Infinity;
  for (const value of logits) max = Math.max(max, value);
  let sum = 0;
  for (const value of logits) sum += Math.exp(value - max);
  return logits[id] - max - Math.log(sum);
}

const count = (logits: Float64Array, above: number) => logits.reduce((n, value) => n + (value > above ? 1 : 0), 0);
const bestOther = (logits: Float64Array, id: number) => logits.reduce((best, value, i) => (i === id ? best : Math.max(best, value)), -Infinity);

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
    const ids = scores.tokens.map((token) => token.id);
    const bands: number[] = []; // how many ranks each check allows: narrow, or the check could not fail
    const lensLayers = new Set<number | null>();
    for (const { from, start, end } of [{ from: 0, start: 1, end: CONTEXT }, { from: CONTEXT - 75, start: CONTEXT, end: ids.length }]) {
      const window = ids.slice(from, end);
      const { hidden } = referenceForward(reference, window);
      for (let i = start; i < end; i++) {
        const got = scores.tokens[i];
        const rows = referenceRows(reference, hidden, window.length, i - 1 - from);
        const final = rows[rows.length - 1];
        const id = ids[i];
        assert.ok(Math.abs(got.logprob! - logSoftmaxAt(final, id)) < EPS, `token ${i}: logprob ${got.logprob} vs ${logSoftmaxAt(final, id)}`);
        const [lo, hi] = [1 + count(final, final[id] + 2 * LOGIT_EPS), 1 + count(final, final[id] - 2 * LOGIT_EPS)];
        assert.ok(got.rank! >= lo && got.rank! <= hi, `token ${i}: rank ${got.rank} outside [${lo}, ${hi}]`);
        bands.push(hi - lo + 1);
        const sorted = Float64Array.from(final).sort().reverse();
        got.top.forEach((candidate, j) => {
          assert.ok(Math.abs(Math.log(candidate.prob) - logSoftmaxAt(final, candidate.id)) < EPS, `token ${i}: top ${j}`); // in logs: every probability is ≈ 1/V here
          assert.ok(Math.abs(final[candidate.id] - sorted[j]) < 2 * LOGIT_EPS, `token ${i}: top ${j} is not the ${j + 1}th largest`);
        });
        // Clearly first (or clearly not) at a layer by more than the float32 error; in between either answer is right.
        const answer = got.lensLayer ?? rows.length;
        rows.forEach((logits, l) => {
          const margin = logits[id] - bestOther(logits, id);
          if (l < answer) assert.ok(margin < 2 * LOGIT_EPS, `token ${i}: the lens ranks it first at layer ${l}, before ${got.lensLayer}`);
          if (l === answer) assert.ok(margin > -2 * LOGIT_EPS, `token ${i}: the lens does not rank it first at layer ${l}`);
        });
        lensLayers.add(got.lensLayer);
      }
    }
    bands.sort((a, b) => a - b);
    assert.ok(bands[bands.length >> 1] <= 2 && bands[bands.length - 1] <= 10, `rank bands: median ${bands[bands.length >> 1]}, widest ${bands[bands.length - 1]}`);
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
});
