// Turning one row of logits into probabilities and a short ranked list: the math the distributions,
// the logit lens and the CLI's analyze stand on. It checks no range: a temperature here was checked
// where it came in (applyDecoding in src/protocol/decoding.ts, or the CLI's options).

/**
 * softmax(logits / temperature) over one row, computed in float64 so that 50,257 small terms
 * still add up to 1. Temperature 0 means greedy: all the mass on the first largest logit; any
 * other must be finite and > 0.
 */
export function softmax(logits: ArrayLike<number>, temperature = 1): Float64Array {
  const probs = new Float64Array(logits.length);
  if (logits.length === 0) return probs;
  if (temperature === 0) {
    probs[argmax(logits)] = 1;
    return probs;
  }
  const max = logits[argmax(logits)];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    probs[i] = Math.exp((logits[i] - max) / temperature); // shifted by the max so exp never overflows
    sum += probs[i];
  }
  for (let i = 0; i < probs.length; i++) probs[i] /= sum;
  return probs;
}

/** log Σ exp(values), in float64 and shifted by the max so it never overflows: softmax(v)[i] = exp(v[i] − lse). */
export function logSumExp(values: ArrayLike<number>): number {
  if (values.length === 0) return -Infinity;
  const max = values[argmax(values)];
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.exp(values[i] - max);
  return max + Math.log(sum);
}

/** Index of the largest value; the first one on ties. -1 for an empty row. */
export function argmax(values: ArrayLike<number>): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    if (best < 0 || values[i] > values[best]) best = i;
  }
  return best;
}

/**
 * Indices of the k largest values, largest first (ties: lower index first). One pass with a
 * small sorted buffer: O(V·k) worst case, ≈ O(V) for k = 10 over a 50,257-wide row, where almost
 * every value is only compared with the smallest one kept.
 */
export function topK(values: ArrayLike<number>, k: number): number[] {
  const best: number[] = [];
  const limit = Math.min(Math.max(0, Math.floor(k)), values.length);
  if (limit === 0) return best;
  for (let i = 0; i < limit; i++) insertRanked(values, best, i, i);
  const smallestKept = () => values[best[limit - 1]];
  for (let i = firstAbove(values, limit, smallestKept()); i < values.length; i = firstAbove(values, i + 1, smallestKept())) {
    insertRanked(values, best, i, limit - 1); // the smallest kept one drops out
  }
  return best;
}

/**
 * The first index from `start` on whose value is above `threshold`, or values.length. A loop of its
 * own: with the insertion in the same loop V8 compiles the scan ≈ 4× slower (0.2 ms a 50,257-wide row).
 */
function firstAbove(values: ArrayLike<number>, start: number, threshold: number): number {
  for (let i = start; i < values.length; i++) if (values[i] > threshold) return i;
  return values.length;
}

/** Puts index i into `best` (sorted, largest first) at or before slot `at`, after any equal value. */
function insertRanked(values: ArrayLike<number>, best: number[], i: number, at: number): void {
  const value = values[i];
  while (at > 0 && value > values[best[at - 1]]) {
    best[at] = best[at - 1];
    at--;
  }
  best[at] = i;
}
