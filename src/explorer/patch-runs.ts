// The runs behind an activation-patching grid (patching.ts), block by block on the engine's patch
// graphs. A patch at layer l, position p cannot change anything before layer l, nor any position
// before p: a cell's run starts at block l, on positions p..T-1 only, with the corrupted run's keys
// and values of positions 0..p-1 as its past. The cells that share p ride in one batch, each joining
// it at its own layer (so block k runs the cells of layers 0..k together).
import type { Gpt2Model } from '../engine/model';
import type { BlockRun } from '../engine/patch';

/** A prompt's run, recorded block by block: every activation a patch can take, [T, d] each, and each block's keys/values [H, T, dh]. */
export interface RecordedRun {
  hidden: Float32Array[]; // L + 1
  mix: Float32Array[]; // L: the heads' mixes of values, side by side, before c_proj
  attn: Float32Array[]; // L: after c_proj, with its bias
  mlp: Float32Array[]; // L
  keys: Float32Array[]; // L
  values: Float32Array[]; // L
}

/** What a cell takes from the clean run, at the block it joins: the hidden state entering it, or one of its activations. */
export type CellPatch = { site: 'resid' } | { site: 'attn' | 'mlp' } | { site: 'mix'; head: number };

/** A cell of the grid: the block its run starts at (L: after the last), and what it takes there. */
export interface Cell {
  layer: number;
  patch: CellPatch;
}

/**
 * Whether a cell's patch can change anything: not when what it takes from the clean run is, bit for
 * bit, what the corrupted run has there (positions before the prompts part, whose prefixes agree) —
 * its run would then be the corrupted run itself, exactly.
 */
export function patchChanges(clean: RecordedRun, corrupt: RecordedRun, p: number, cell: Cell, d: number): boolean {
  const { site } = cell.patch;
  if (site === 'mix') return true; // a head at every position: the prompts differ somewhere
  const [a, b] = site === 'resid' ? [clean.hidden[cell.layer], corrupt.hidden[cell.layer]] : [clean[site][cell.layer], corrupt[site][cell.layer]];
  for (let j = p * d; j < (p + 1) * d; j++) if (a[j] !== b[j] && !(Number.isNaN(a[j]) && Number.isNaN(b[j]))) return true;
  return false;
}

/**
 * How many leading positions the two runs share bit for bit in every activation of every layer: the
 * positions before the prompts part, which no patch can change (a head patched "at every position"
 * changes only the others, so its run can start there).
 */
export function sharedPositions(clean: RecordedRun, corrupt: RecordedRun, d: number): number {
  const T = clean.hidden[0].length / d;
  const all = (run: RecordedRun) => [...run.hidden, ...run.mix, ...run.attn, ...run.mlp];
  const [a, b] = [all(clean), all(corrupt)];
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < a.length; i++) for (let j = t * d; j < (t + 1) * d; j++) if (!Object.is(a[i][j], b[i][j])) return t;
  }
  return T;
}

/** Runs `embedded` (the prompt's hidden state 0, [T, d]) through every block, recording what patches read. */
export async function recordRun(model: Gpt2Model, embedded: Float32Array, T: number): Promise<RecordedRun> {
  const run: RecordedRun = { hidden: [embedded], mix: [], attn: [], mlp: [], keys: [], values: [] };
  for (let layer = 0; layer < model.config.nLayer; layer++) {
    const { out, recorded } = await model.patchBlock(layer, { x: run.hidden[layer], batch: 1, positions: T }, true);
    run.hidden.push(out);
    run.mix.push(recorded!.mix);
    run.attn.push(recorded!.attn);
    run.mlp.push(recorded!.mlp);
    run.keys.push(recorded!.presentKey);
    run.values.push(recorded!.presentValue);
  }
  return run;
}

/**
 * The corrupted prompt's last hidden state for each of `cells` (sorted by layer), all patched at position
 * `p` (mix patches: every position from p on), [cells.length, d]. `signal` is checked before each block.
 */
export async function patchedLastStates(model: Gpt2Model, clean: RecordedRun, corrupt: RecordedRun, p: number, cells: Cell[], signal?: AbortSignal): Promise<Float32Array> {
  const { nLayer: L, nHead: H, nEmbd: d } = model.config;
  const dh = d / H;
  const T = corrupt.hidden[0].length / d;
  const N = T - p;
  const rows = (x: Float32Array) => x.subarray(p * d); // positions p..T-1 of a [T, d] activation
  let x: Float32Array = new Float32Array(0); // [active cells, N, d]
  let active = 0;
  const join = (layer: number) => {
    const joining = cells.filter((cell) => cell.layer === layer);
    const grown = new Float32Array((active + joining.length) * N * d);
    grown.set(x);
    joining.forEach((cell, i) => {
      const at = (active + i) * N * d;
      grown.set(rows(corrupt.hidden[layer]), at);
      if (cell.patch.site === 'resid') grown.set(clean.hidden[layer].subarray(p * d, (p + 1) * d), at); // position p, as the clean run has it
    });
    x = grown;
    active += joining.length;
    return joining;
  };
  for (let layer = 0; layer < L; layer++) {
    const joining = join(layer);
    if (active === 0) continue;
    signal?.throwIfAborted();
    const run: BlockRun = { x, batch: active, positions: N, past: p > 0 ? tiledPast(corrupt, layer, p, active, H, T, dh) : undefined };
    const first = active - joining.length; // the joining cells are the batch's last rows
    const site = joining[0]?.patch.site;
    if (site === 'mix') {
      const mask = new Float32Array(active * d);
      joining.forEach((cell, i) => cell.patch.site === 'mix' && mask.fill(1, (first + i) * d + cell.patch.head * dh, (first + i) * d + (cell.patch.head + 1) * dh));
      run.mix = { mask, source: rows(clean.mix[layer]) };
    } else if (site === 'attn' || site === 'mlp') {
      const mask = new Float32Array(active * N);
      joining.forEach((_, i) => (mask[(first + i) * N] = 1)); // position p is each copy's first row
      run[site] = { mask, source: rows(clean[site][layer]) };
    }
    x = (await model.patchBlock(layer, run)).out;
  }
  join(L);
  const last = new Float32Array(active * d);
  for (let b = 0; b < active; b++) last.set(x.subarray((b * N + N - 1) * d, (b * N + N) * d), b * d);
  return last;
}

/** The corrupted run's keys and values of positions 0..p-1 at `layer`, once per copy: [B, H, p, dh] each. */
function tiledPast(run: RecordedRun, layer: number, p: number, B: number, H: number, T: number, dh: number) {
  const tile = (all: Float32Array) => {
    const out = new Float32Array(B * H * p * dh);
    for (let h = 0; h < H; h++) out.set(all.subarray(h * T * dh, (h * T + p) * dh), h * p * dh);
    for (let b = 1; b < B; b++) out.copyWithin(b * H * p * dh, 0, H * p * dh);
    return out;
  };
  return { key: tile(run.keys[layer]), value: tile(run.values[layer]), length: p };
}
