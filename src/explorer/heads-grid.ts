// All heads at a glance: every head's attention pattern for the current sequence, in the reduced form
// issue 20 allows for the grid (the engine keeps only the last query's row per pass, so each head's
// [T, T] is computed now, one after another, by the session's own Attention kernel): averaged over
// side × side blocks and kept in 8 bits. Where the chosen position looks most is read from the
// full-resolution rows, so the hover's numbers are exactly the model's. A layer's heads come in one
// run, as float32 (one run per head, each made into a JS array, took 446 ms at 256 tokens).

import { HEADS_GRID_LEVELS, HEADS_GRID_SIDE, type HeadsGridView } from '../protocol/views';

/** What the grid needs of a session: its shape and one head's whole pattern (ExplorerSession has both). */
export interface HeadPatterns {
  view(): { tokens: unknown[]; model: { layers: number; heads: number } };
  /** Every head's pattern at `layer`: [H, T, T]. */
  layerAttention(layer: number): Promise<Float32Array>;
}

export async function headsGrid(session: HeadPatterns, token: number): Promise<HeadsGridView> {
  const { tokens, model } = session.view();
  const size = tokens.length;
  if (!Number.isInteger(token) || token < 0 || token >= size) throw new RangeError(`heads grid: token ${token} is outside 0..${size - 1}`);
  const side = Math.min(size, HEADS_GRID_SIDE);
  const grid: HeadsGridView = { layers: model.layers, heads: model.heads, size, side, token, cells: [], top: [], topWeight: [] };
  for (let layer = 0; layer < model.layers; layer++) {
    const all = await session.layerAttention(layer);
    if (all.length !== model.heads * size * size) throw new Error(`heads grid: layer ${layer} answered ${all.length} weights for ${model.heads} heads of ${size} tokens`);
    for (let head = 0; head < model.heads; head++) {
      const weights = all.subarray(head * size * size, (head + 1) * size * size);
      for (const level of reducePattern(weights, size, side)) grid.cells.push(level);
      const best = strongestKey(weights, size, token);
      grid.top.push(best);
      grid.topWeight.push(weights[token * size + best]);
    }
  }
  return grid;
}

/** The first cell a side's block b (of `side`) starts at, over `size` positions: blocks differ by at most one. */
export function blockStart(b: number, size: number, side: number): number {
  return Math.floor((b * size) / side);
}

/** One [size, size] pattern as side × side 8-bit levels: each the block's mean weight × HEADS_GRID_LEVELS, rounded. */
export function reducePattern(weights: ArrayLike<number>, size: number, side: number): number[] {
  const levels = new Array<number>(side * side);
  for (let r = 0; r < side; r++) {
    const [q0, q1] = [blockStart(r, size, side), blockStart(r + 1, size, side)];
    for (let c = 0; c < side; c++) {
      const [k0, k1] = [blockStart(c, size, side), blockStart(c + 1, size, side)];
      let sum = 0;
      for (let q = q0; q < q1; q++) for (let k = k0; k < k1; k++) sum += weights[q * size + k];
      const mean = sum / ((q1 - q0) * (k1 - k0));
      levels[r * side + c] = Math.min(HEADS_GRID_LEVELS, Math.max(0, Math.round(mean * HEADS_GRID_LEVELS)));
    }
  }
  return levels;
}

/** The key query `token` gives the most weight (the earliest of equals). */
function strongestKey(weights: ArrayLike<number>, size: number, token: number): number {
  let best = 0;
  for (let k = 1; k <= token; k++) if (weights[token * size + k] > weights[token * size + best]) best = k;
  return best;
}
