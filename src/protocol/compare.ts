// Two prompts side by side (the Compare tab) and activation patching between them: what the worker
// computes for the panel (explorer/compare.ts, explorer/patching.ts), carried by the host as is.
// Shapes: L layers, H heads; the clean prompt is the session's, of Tc tokens, the corrupted one Tk.

import { array, type Infer, number, object, oneOf, string } from './schema';
import { candidate, layer, MAX_HEADS, MAX_LAYERS, MAX_TEXT, namedToken } from './views';

/** The longest prompt Compare takes: a patching grid has a column per position, a run per cell. */
export const MAX_COMPARE_TOKENS = 128;

/** What is patched: hidden states × positions, attention or MLP outputs × positions, or heads (at every position). */
export const PATCH_SITES = ['resid', 'attn', 'mlp', 'heads'] as const;
export const patchSite = oneOf(PATCH_SITES);

const anyNumber = number();
const count = number({ min: 0, integer: true });

/** One prompt of the two: its text, its tokens, and its next-token distribution (no temperature: the model's own). */
export const compareSide = object({
  text: string(MAX_TEXT),
  tokens: array(namedToken, MAX_COMPARE_TOKENS),
  next: array(candidate, 100), // the 10 most likely, best first
});

export const compareView = object({
  clean: compareSide, // the session's prompt: activations are taken from its run
  corrupt: compareSide, // the second prompt: it is run with them
  layers: layer, // L + 1 hidden states (embeddings, then after each block)
  points: array(anyNumber, (MAX_LAYERS + 1) * 2 * MAX_COMPARE_TOKENS * 2), // [(L+1), Tc+Tk, 2] flat in one PCA basis fitted on both: clean's positions, then corrupt's
  distance: array(number({ min: 0 }), MAX_LAYERS + 1), // [L+1] the two last positions' RMS distance, each normalised as ln_f does without its weights
  target: namedToken, // the metric's default tokens: a pair's, else the clean prompt's top token…
  versus: namedToken, // …versus the corrupted prompt's
  refusal: string(10_000), // why the two cannot be patched (token counts differ: both tokenizations, where they part; the same tokens), or '' when they can
});

/**
 * One patching grid, also the exact shape `gpt2-explorer patch` prints: clean and corrupt are the metric
 * logit(target) − logit(versus) of the two unpatched runs, effect[row][col] that of each patched run
 * (rows: hidden states 0..L for resid, else layers; columns: positions, or heads for heads).
 */
export const patchingView = object({
  what: patchSite,
  target: namedToken,
  versus: namedToken,
  clean: anyNumber,
  corrupt: anyNumber,
  effect: array(array(anyNumber, Math.max(MAX_COMPARE_TOKENS, MAX_HEADS)), MAX_LAYERS + 1),
});

/** How far a patching request is: cells run of all the grids asked for. */
export const patchProgress = object({ done: count, total: count });

/** A preset minimal pair: two prompts of the same token count and the metric's tokens (each one token, leading space included). */
export const pairView = object({
  id: string(200),
  clean: string(MAX_TEXT),
  corrupt: string(MAX_TEXT),
  target: string(1000),
  versus: string(1000),
  note: string(1000),
});

export type PatchSite = (typeof PATCH_SITES)[number];
export type CompareSide = Infer<typeof compareSide>;
export type CompareView = Infer<typeof compareView>;
export type PatchingView = Infer<typeof patchingView>;
export type PatchProgress = Infer<typeof patchProgress>;
export type PairView = Infer<typeof pairView>;
