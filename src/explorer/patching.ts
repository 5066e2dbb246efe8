// Activation patching (the causal tracing of Meng et al. 2022, TransformerLens's `patching`): run the
// corrupted prompt with one activation taken from the clean prompt's run, for every cell of a grid,
// and read the metric logit(target) − logit(versus) at the last position. The runs are the engine's
// patch graphs (engine/patch-graph.ts), block by block, the cells that start at one position batched
// (patch-runs.ts).
import type { Gpt2Model } from '../engine/model';
import { topK } from './decoding/logits';
import { patchChanges, patchedLastStates, recordRun, sharedPositions, type Cell, type RecordedRun } from './patch-runs';

import { PATCH_SITES, type PatchSite } from '../protocol/compare';

export { PATCH_SITES, type PatchSite }; // defined with the panel's schemas, read by the CLI here

/** Token rows per batch (copies × positions): bounds the memory of one run on long prompts. */
export const PATCH_BATCH_ROWS = 2048;

export interface PatchToken {
  id: number;
  text: string;
}

export interface PatchOptions {
  what: PatchSite;
  target?: number | null; // default: the clean prompt's most likely next token
  versus?: number | null; // default: the corrupted prompt's
  signal?: AbortSignal; // checked before each run: an abort stops with signal.reason
  onProgress?: (done: number, total: number) => void; // cells done so far
  batchRows?: number; // copies × positions per batch, default PATCH_BATCH_ROWS
}

export interface Patching {
  what: PatchSite;
  target: number;
  versus: number;
  clean: number; // the metric of the clean run
  corrupt: number; // the metric of the corrupted run
  effect: number[][]; // the metric of each patched run: [rows][cols] (see gridShape)
}

/** Prompts that cannot be patched: the message says why. */
export class PatchInputError extends Error {}

/** The grid of `what`: rows are hidden states 0..L (resid) or layers; columns are positions, or heads. */
export function gridShape(what: PatchSite, L: number, H: number, T: number): { rows: number; cols: number } {
  return { rows: what === 'resid' ? L + 1 : L, cols: what === 'heads' ? H : T };
}

/** Throws PatchInputError unless the two prompts have the same token count and differ somewhere. */
export function checkPair(clean: PatchToken[], corrupt: PatchToken[]): void {
  if (clean.length === 0 || corrupt.length === 0) throw new PatchInputError('both prompts need at least one token');
  const part = clean.findIndex((token, i) => token.id !== corrupt[i]?.id);
  if (clean.length !== corrupt.length) {
    const first = part === -1 ? Math.min(clean.length, corrupt.length) : part;
    const show = (tokens: PatchToken[]) => tokens.map((token) => JSON.stringify(token.text)).join(' ');
    throw new PatchInputError(
      `the prompts must have the same number of tokens to patch one into the other: the clean one has ${clean.length}, the corrupted one ${corrupt.length}\n` +
        `  clean:   ${show(clean)}\n  corrupt: ${show(corrupt)}\n  they part at position ${first}`,
    );
  }
  if (part === -1) throw new PatchInputError('the two prompts are the same tokens: nothing to patch');
}

/** The whole grid of `options.what` for patching `clean` into `corrupt` (same token count). */
export async function patchGrid(model: Gpt2Model, clean: PatchToken[], corrupt: PatchToken[], options: PatchOptions): Promise<Patching> {
  checkPair(clean, corrupt);
  const { nLayer: L, nHead: H, nEmbd: d } = model.config;
  const T = clean.length;
  const [cleanPass, corruptPass] = [await model.forward(clean.map((t) => t.id)), await model.forward(corrupt.map((t) => t.id))];
  [cleanPass, corruptPass].forEach((pass) => pass.cache.dispose());
  const metricIds: [number, number] = [options.target ?? topK(cleanPass.logits, 1)[0], options.versus ?? topK(corruptPass.logits, 1)[0]];
  // Both runs recorded block by block on the patch graphs, so an empty patch is the corrupted run exactly.
  const [cleanRun, corruptRun] = [await recordRun(model, cleanPass.hidden.slice(0, T * d), T), await recordRun(model, corruptPass.hidden.slice(0, T * d), T)];
  const metrics = async (last: Float32Array, n: number) => {
    const logits = await model.patchReadout(last, n, metricIds);
    return Array.from({ length: n }, (_, b) => logits[2 * b] - logits[2 * b + 1]);
  };
  const lastRow = (run: RecordedRun) => run.hidden[L].slice((T - 1) * d);
  const [cleanMetric, corruptMetric] = [...(await metrics(lastRow(cleanRun), 1)), ...(await metrics(lastRow(corruptRun), 1))];
  const { rows, cols } = gridShape(options.what, L, H, T);
  const effect = Array.from({ length: rows }, () => new Array<number>(cols).fill(NaN));
  let done = 0;
  const shared = Math.min(sharedPositions(cleanRun, corruptRun, d), T - 1); // the last position always runs: the metric is read there
  for (const group of cellGroups(options.what, L, H, T, shared)) {
    const unchanged = group.cells.filter((cell) => !patchChanges(cleanRun, corruptRun, group.position, cell, d));
    unchanged.forEach((cell) => (effect[cell.row][cell.col] = corruptMetric)); // the corrupted run itself, not rerun
    done += unchanged.length;
    if (unchanged.length > 0) options.onProgress?.(done, rows * cols);
    group.cells = group.cells.filter((cell) => !unchanged.includes(cell));
    const perRun = Math.max(1, Math.floor((options.batchRows ?? PATCH_BATCH_ROWS) / (T - group.position)));
    for (let start = 0; start < group.cells.length; start += perRun) {
      const cells = group.cells.slice(start, start + perRun);
      const last = await patchedLastStates(model, cleanRun, corruptRun, group.position, cells, options.signal);
      (await metrics(last, cells.length)).forEach((metric, i) => (effect[cells[i].row][cells[i].col] = metric));
      done += cells.length;
      options.onProgress?.(done, rows * cols);
    }
  }
  return { what: options.what, target: metricIds[0], versus: metricIds[1], clean: cleanMetric, corrupt: corruptMetric, effect };
}

/** The grid's cells by the position their runs start at (heads: all where the prompts part), each group sorted by layer. */
function cellGroups(what: PatchSite, L: number, H: number, T: number, shared: number): { position: number; cells: (Cell & { row: number; col: number })[] }[] {
  if (what === 'heads') {
    const cells = Array.from({ length: L * H }, (_, i) => ({ layer: Math.floor(i / H), patch: { site: 'mix' as const, head: i % H }, row: Math.floor(i / H), col: i % H }));
    return [{ position: shared, cells }];
  }
  const layers = what === 'resid' ? L + 1 : L;
  return Array.from({ length: T }, (_, position) => ({
    position,
    cells: Array.from({ length: layers }, (_, layer) => ({ layer, patch: { site: what }, row: layer, col: position })),
  }));
}

/** As the CLI prints it: the two tokens named by `text`. */
export function patchingView(p: Patching, text: (id: number) => string) {
  return { what: p.what, target: { id: p.target, text: text(p.target) }, versus: { id: p.versus, text: text(p.versus) }, clean: p.clean, corrupt: p.corrupt, effect: p.effect };
}
