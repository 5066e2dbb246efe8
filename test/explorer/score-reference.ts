// What the float64 reference (test/engine/reference.ts) says about a scored text, checked token by
// token: shared by the scorer's tests and the CLI's. Everything here is recomputed from the reference's
// hidden states over the same chunk windows, never from the scorer's code.
import assert from 'node:assert/strict';
import { referenceForward, referenceLens, type ReferenceModel } from '../engine/reference';

export const EPS = 1e-4; // log-probabilities (every probability of a random model is ≈ 1/V, so they are compared in logs)
export const LOGIT_EPS = 2e-5; // |engine logit − reference logit| bound (float32 against float64): ranks are checked within what it allows

/** What the scorer printed or returned for one token (the CLI's JSON shape). */
export interface Scored {
  id: number;
  logprob: number | null;
  rank: number | null;
  top: { id: number; prob: number }[] | null;
  lensLayer?: number | null; // left out by the worker's score: the test fills it in from `lensLayer` requests
}

export interface Window {
  from: number; // the model reads ids[from, end)
  start: number; // and scores tokens [start, end)
  end: number;
}

/** log-softmax of `logits` as a function of the id: the max and the sum of exponentials are taken once. */
function logSoftmax(logits: Float64Array): (id: number) => number {
  let max = -Infinity;
  for (const value of logits) max = Math.max(max, value);
  let sum = 0;
  for (const value of logits) sum += Math.exp(value - max);
  const log = Math.log(sum);
  return (id) => logits[id] - max - log;
}

const count = (logits: Float64Array, above: number) => logits.reduce((n, value) => n + (value > above ? 1 : 0), 0);
const bestOther = (logits: Float64Array, id: number) => logits.reduce((best, value, i) => (i === id ? best : Math.max(best, value)), -Infinity);

/** The `k` largest values, largest first (one pass: sorting all 50,257 logits of every token took seconds). */
function largest(logits: Float64Array, k: number): number[] {
  const top: number[] = [];
  for (const value of logits) {
    if (top.length === k && value <= top[k - 1]) continue;
    let at = top.length === k ? k - 1 : top.length;
    while (at > 0 && top[at - 1] < value) at--;
    top.splice(at, 0, value);
    if (top.length > k) top.pop();
  }
  return top;
}

/**
 * Asserts each token of each window against the reference; returns how wide each rank check was
 * (narrow, or the check could not fail) and the lens layers seen.
 */
export function checkAgainstReference(reference: ReferenceModel, tokens: Scored[], windows: Window[]): { bands: number[]; lensLayers: Set<number | null> } {
  const { nLayer: L, nEmbd: d, vocabSize: V } = reference.config;
  const ids = tokens.map((token) => token.id);
  const bands: number[] = [];
  const lensLayers = new Set<number | null>();
  for (const { from, start, end } of windows) {
    const window = ids.slice(from, end);
    const T = window.length;
    const { hidden, logits } = referenceForward(reference, window);
    for (let i = start; i < end; i++) {
      const got = tokens[i];
      const t = i - 1 - from; // the position that predicts token i
      const final = logits.subarray(t * V, (t + 1) * V); // the pass's logits are the lens of its last hidden state
      const logSoftmaxAt = logSoftmax(final);
      const id = ids[i];
      const expected = logSoftmaxAt(id);
      assert.ok(Math.abs(got.logprob! - expected) < EPS, `token ${i}: logprob ${got.logprob} vs ${expected}`);
      const [lo, hi] = [1 + count(final, final[id] + 2 * LOGIT_EPS), 1 + count(final, final[id] - 2 * LOGIT_EPS)];
      assert.ok(got.rank! >= lo && got.rank! <= hi, `token ${i}: rank ${got.rank} outside [${lo}, ${hi}]`);
      bands.push(hi - lo + 1);
      const sorted = largest(final, 5);
      assert.equal(got.top!.length, 5, `token ${i}: top 5`);
      got.top!.forEach((candidate, j) => {
        assert.ok(Math.abs(Math.log(candidate.prob) - logSoftmaxAt(candidate.id)) < EPS, `token ${i}: top ${j}'s probability`);
        assert.ok(Math.abs(final[candidate.id] - sorted[j]) < 2 * LOGIT_EPS, `token ${i}: top ${j} is not the ${j + 1}th largest`);
      });
      assert.notEqual(got.lensLayer, undefined, `token ${i}: no lens layer`);
      // Clearly first (or clearly not) at a layer by more than the float32 error; in between either answer is right.
      // Only the layers up to the answer are checked, so only their lens is taken.
      const answer = got.lensLayer ?? L + 1;
      for (let l = 0; l <= Math.min(answer, L); l++) {
        const row = l === L ? final : referenceLens(reference, hidden.subarray((l * T + t) * d, (l * T + t + 1) * d), 1);
        const margin = row[id] - bestOther(row, id);
        if (l < answer) assert.ok(margin < 2 * LOGIT_EPS, `token ${i}: the lens ranks it first at layer ${l}, before ${got.lensLayer}`);
        if (l === answer) assert.ok(margin > -2 * LOGIT_EPS, `token ${i}: the lens does not rank it first at layer ${l}`);
      }
      lensLayers.add(got.lensLayer ?? null);
    }
  }
  return { bands: bands.sort((a, b) => a - b), lensLayers };
}

/** The rank checks were narrow: at most 2 ranks allowed for the median token, 10 for the widest. */
export function assertNarrow(bands: number[]): void {
  const median = bands[bands.length >> 1];
  assert.ok(median <= 2 && bands[bands.length - 1] <= 10, `rank bands: median ${median}, widest ${bands[bands.length - 1]}`);
}
