// Activation patching (the causal tracing of Meng et al. 2022, TransformerLens's `patching`): run the
// corrupted prompt with one activation taken from the clean prompt's run, for every cell of a grid,
// and read the metric logit(target) − logit(versus) at the last position. The runs are the engine's
// patch graph (engine/patch-graph.ts), many cells to one ORT run.
import type { Gpt2Model } from '../engine/model';
import type { PatchMasks } from '../engine/patch';
import { topK } from './decoding/logits';

/** What is patched: hidden states × positions, attention or MLP outputs × positions, or heads (at every position). */
export const PATCH_SITES = ['resid', 'attn', 'mlp', 'heads'] as const;
export type PatchSite = (typeof PATCH_SITES)[number];

/** Token rows per ORT run (copies × positions): bounds the memory of one run on long prompts. */
export const PATCH_BATCH_ROWS = 1024;

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
  const { nLayer: L, nHead: H } = model.config;
  const [cleanIds, corruptIds] = [clean, corrupt].map((tokens) => tokens.map((token) => token.id));
  const T = cleanIds.length;
  const target = options.target ?? (await topToken(model, cleanIds));
  const versus = options.versus ?? (await topToken(model, corruptIds));
  const metricIds: [number, number] = [target, versus];
  const metric = (logits: Float32Array, b: number) => logits[2 * b] - logits[2 * b + 1];
  const none: PatchMasks = { batch: 1 };
  const cleanRun = await model.patched(cleanIds, metricIds, none, undefined, true);
  const corruptRun = await model.patched(corruptIds, metricIds, none);
  const { rows, cols } = gridShape(options.what, L, H, T);
  const cells = rows * cols;
  const perRun = Math.max(1, Math.floor(PATCH_BATCH_ROWS / T));
  const effect = new Float64Array(cells);
  for (let start = 0; start < cells; start += perRun) {
    options.signal?.throwIfAborted();
    const batch = Math.min(perRun, cells - start);
    const mask = new Float32Array(batch * cells);
    for (let b = 0; b < batch; b++) mask[b * cells + start + b] = 1; // copy b patches cell start + b
    const masks: PatchMasks = { batch, [options.what]: mask };
    const { logits } = await model.patched(corruptIds, metricIds, masks, cleanRun.activations);
    for (let b = 0; b < batch; b++) effect[start + b] = metric(logits, b);
    options.onProgress?.(start + batch, cells);
  }
  return {
    what: options.what,
    target,
    versus,
    clean: metric(cleanRun.logits, 0),
    corrupt: metric(corruptRun.logits, 0),
    effect: Array.from({ length: rows }, (_, r) => Array.from(effect.subarray(r * cols, (r + 1) * cols))),
  };
}

/** As the CLI prints it: the two tokens named by `text`. */
export function patchingView(p: Patching, text: (id: number) => string) {
  return { what: p.what, target: { id: p.target, text: text(p.target) }, versus: { id: p.versus, text: text(p.versus) }, clean: p.clean, corrupt: p.corrupt, effect: p.effect };
}

/** The model's most likely next token after `ids`. */
async function topToken(model: Gpt2Model, ids: number[]): Promise<number> {
  const pass = await model.forward(ids);
  pass.cache.dispose();
  return topK(pass.logits, 1)[0];
}
