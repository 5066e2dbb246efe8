// What the views show, as plain data: the explorer computes these, the worker and the host carry them,
// the webview draws them. Each payload is one schema; its TypeScript type is inferred from it, so the
// type and its runtime check cannot drift. Arrays are plain number[] so they survive postMessage and JSON.
// Shapes: L layers, H heads, T tokens (prompt + generated), dh = head width (64 in GPT-2 small).

import { WEIGHTS_MODES } from '../engine/types';
import { decodingSettings } from './decoding';
import { array, boolean, type Infer, nullable, number, object, oneOf, optional, record, type Schema, string } from './schema';

/** Upper bounds that no real GPT-2 exceeds; the explorer checks the model's own limits after this. */
export const MAX_LAYERS = 96;
export const MAX_HEADS = 128;
export const MAX_TOKENS = 4096;
export const MAX_VOCAB = 1_000_000;
export const MAX_EMBD = 65_536;
export const MAX_HEAD_WIDTH = 4096;
/** The longest text a sentence carries; longer texts keep their end (GPT-2 keeps the end too). */
export const MAX_TEXT = 200_000;

export const layer = number({ min: 0, max: MAX_LAYERS, integer: true });
export const head = number({ min: 0, max: MAX_HEADS, integer: true });
export const tokenIndex = number({ min: 0, max: MAX_TOKENS, integer: true });
export const tokenId = number({ min: 0, max: MAX_VOCAB, integer: true });
export const probability = number({ min: 0, max: 1 });
const anyNumber = number();
const count = number({ min: 0, integer: true });
const tokenText = string(1000);

/** A vocabulary entry with its probability under some distribution (0..1). */
export const candidate = object({ id: tokenId, text: tokenText, prob: probability });

/** One token chip. */
export const tokenChip = object({
  index: tokenIndex, // position in the sequence, 0-based
  id: tokenId, // vocabulary id
  text: tokenText, // the token's own text, leading space included (the webview makes it visible)
  generated: boolean, // appended by Step/Sample: painted blue
  start: number({ min: -1, max: MAX_TEXT, integer: true }), // UTF-16 offset of the token in the source text; -1 for generated tokens
  end: number({ min: -1, max: MAX_TEXT, integer: true }),
});

/** Why generation ended. */
export const stopReason = oneOf(['eos', 'max_tokens', 'context_full'] as const);

/** The next-token distribution at the last position, after temperature and top-k/top-p. */
export const nextTokenView = object({
  top: array(candidate, 100), // the 10 most likely, best first (fewer when fewer are kept); the first one is highlighted
  kept: tokenId, // how many tokens top-k/top-p left in play (V when both are off; 1 at temperature 0, greedy)
});

/** Every roll of Sample since the distribution last changed. */
export const tallyView = object({
  counts: record(count), // token id -> times drawn
  total: count,
  last: nullable(candidate), // the latest draw
  roll: optional(object({ seed: count, index: count, u: probability })), // the number that drew it: the seed, its place in the seed's sequence (0 = first), u
});

/** The loaded model, as the Generation panel names it. */
export const modelInfo = object({
  name: string(200), // "GPT-2 124M", or "test model (2 layers, 64 wide)"
  layers: layer,
  heads: head,
  embd: number({ min: 1, max: MAX_EMBD, integer: true }),
  vocab: tokenId,
  positions: tokenIndex,
  weights: optional(oneOf(WEIGHTS_MODES)), // float32, or the opt-in 8-bit weights (absent in views recorded before it was told)
  provider: optional(string(1000)), // what `load` answers: the execution provider that runs it, and those auto passed over
  // Which model it is (absent in views recorded before it was told): engine/provenance.ts.
  folder: optional(string(4096)), // the folder it was loaded from
  repo: optional(nullable(string(200))), // the Hub repository id ("openai-community/gpt2-medium"), when known
  revision: optional(nullable(string(100))), // its commit, when known
  checksum: optional(nullable(string(100))), // sha256 of model.safetensors, once known (hashed after loading outside the Hugging Face cache)
});

/** Which model it is, in a word: its repository id, else its folder's name; undefined when not told. */
export function modelPlace(info: Pick<ModelInfo, 'repo' | 'folder'>): string | undefined {
  return info.repo ?? info.folder?.split(/[\\/]/).filter(Boolean).pop();
}

/** How the model line and the status bar's tooltip name a model: which it is, then its shape's name. */
export function modelLabel(info: Pick<ModelInfo, 'name' | 'repo' | 'folder'>): string {
  const place = modelPlace(info);
  return place ? `${place} (${info.name})` : info.name;
}

/** Where the current prompt came from. */
export const sentenceSource = oneOf(['preset', 'selection', 'codelens', 'custom'] as const);

export const sentenceView = object({
  id: string(200), // a preset id, or the source ("selection")
  text: string(MAX_TEXT),
  source: sentenceSource,
});

/** A Layer/Head pair: a preset's or a sentence's default dropdown values. */
export const layerHead = object({ layer, head });

/** The decoding tree holds at most one context's worth of generated tokens (each keeps its trace position). */
export const MAX_TREE_NODES = 1024;
export const treeNodeId = number({ min: 0, max: MAX_TREE_NODES - 1, integer: true });
/** How a token of the tree was picked: Step (the best kept), Sample & append (a draw), or forced by the learner. */
export const pickHow = oneOf(['step', 'sample', 'forced'] as const);

/** One filter of the decoding chain at the pick, in order (explorer/decoding/explain.ts). */
export const filterStepView = object({
  filter: oneOf(['temperature', 'top-k', 'top-p'] as const),
  setting: anyNumber,
  before: count, // tokens in play before this filter
  kept: count, // and after it
  removedMass: probability, // the share of the distribution before it that the removed held
  removedBest: array(candidate, 10), // the most likely it removed, probability just before it
  keptBest: array(candidate, 10), // the most likely left, probability just after it
});

/** The draw of a Sample & append: the seed, which number of its sequence, the uniform number, the cdf interval it fell in. */
export const drawView = object({ seed: count, index: count, u: probability, low: probability, high: probability });

/**
 * The stops the loop checks after each token, the chain's last link, as they stand at the node shown: <|endoftext|>
 * (the token itself: `stop` says when it was), the maximum of new tokens, and the context. Derived from the current
 * settings, as the session's stop is: raising the maximum resumes a generation it had ended.
 */
export const stopsView = object({
  generated: count, // new tokens up to and with this one (1 = the first after the prompt)
  maxNewTokens: count, // the maximum now
  tokens: count, // what the context holds: the prompt and those new tokens
  context: count, // the model's context (n_positions)
});

/** Why one token of the tree came out: the filters in order, the draw (none for Step or a forced token), the stops checked after it. */
export const pickView = object({
  how: pickHow,
  settings: decodingSettings, // the settings it was picked under
  filters: array(filterStepView, 3),
  draw: nullable(drawView),
  stops: stopsView,
  stop: nullable(stopReason), // which stop ended the generation at this token, null when none did
});

/** A generated token in the tree; parent null: it follows the prompt. */
export const treeNodeView = object({ id: treeNodeId, parent: nullable(treeNodeId), token: candidate, how: pickHow });

/** The generated text as a tree: every branch kept, the node shown (null: the bare prompt) and why its token came out. */
export const decodingTreeView = object({ nodes: array(treeNodeView, MAX_TREE_NODES), current: nullable(treeNodeId), pick: nullable(pickView) });

/** The decoding session as the Generation panel and the token chips see it. */
export const sessionView = object({
  sentence: sentenceView,
  tokens: array(tokenChip, MAX_TOKENS), // prompt then generated
  promptLength: tokenIndex,
  generated: tokenIndex, // the counter's n in "n / maxNewTokens"
  stop: nullable(stopReason), // why generation ended, null while it can go on
  next: nextTokenView,
  tally: tallyView,
  settings: decodingSettings,
  model: modelInfo,
  defaults: layerHead, // the sentence's default Layer/Head dropdown values
  truncated: count, // prompt tokens cut from the front to fit the context (0 when none)
  tree: optional(decodingTreeView), // the decoding tree (absent in views recorded before it)
});

/** 2D positions of every token at every layer, in one shared frame. */
export const projectionView = object({
  layers: layer, // L+1 (embeddings, then after each block)
  tokens: tokenIndex, // T
  points: array(anyNumber), // [(L+1), T, 2] flat: x, y of token t at layer l at 2*(l*T + t)
  last: tokenIndex, // index of the last token (drawn red and bigger)
});

/**
 * The token positions as the host tells the panel: `from` absent (or 0), the whole projection; `from` = n, only
 * positions n and later, [(L+1), T − n, 2] flat (x, y of token n + t at layer l at 2*(l*(T − n) + t)), the ones
 * before being the panel's, unchanged: the frame never moves a drawn dot (explorer/projection.ts), so a Step
 * sends one token's points, not every token's. protocol/projection.ts makes and folds them.
 */
export const projectionUpdate = consistentUpdate(object({ layers: layer, tokens: tokenIndex, points: array(anyNumber), last: tokenIndex, from: optional(tokenIndex) }));

/** The update's own sizes agree: from ≤ T, and the points are those of positions from..T−1 at every layer. */
function consistentUpdate<U extends { layers: number; tokens: number; points: number[]; from?: number }>(inner: Schema<U>): Schema<U> {
  return {
    check(value, path) {
      const checked = inner.check(value, path);
      if (!checked.ok) return checked;
      const { layers, tokens, points, from = 0 } = checked.value;
      if (from <= tokens && points.length === 2 * layers * (tokens - from)) return checked;
      return { ok: false, error: `${path || 'projection'}: ${points.length} points for ${layers} layers of tokens ${from}..${tokens - 1}` };
    },
  };
}

/** A session as the panel draws it: the view and the token positions that go with it. */
export const sessionSnapshot = object({ session: sessionView, projection: projectionView });

/**
 * A long prompt on its way: its chips as soon as it is tokenised (done 0), then after each prefill
 * pass how many of its `total` tokens the model has read; truncated as in the session view.
 */
export const analysisProgress = object({ tokens: array(tokenChip, MAX_TOKENS), truncated: number({ min: 0, integer: true }), done: tokenIndex, total: tokenIndex });

/** One head's attention pattern. */
export const attentionView = object({
  layer,
  head,
  size: tokenIndex, // T
  weights: array(probability, MAX_TOKENS * MAX_TOKENS), // [T, T] row-major: row = query, column = key (causal: zero above the diagonal)
});

/**
 * One head's pattern as the panel is sent it (protocol/attention-map.ts packs and unpacks it): the lower triangle
 * only (causal: the rest is 0), rows 0..T−1 of 1..T keys, as the model's float32 values (little-endian) in base64:
 * every weight exact, ≈ 5.3 characters each instead of ≈ 19 in JSON and none for the zeros (19 MB → 2.8 MB at 1,024 tokens).
 */
export const attentionMap = object({ layer, head, size: tokenIndex, lower: string(Math.ceil((MAX_TOKENS * (MAX_TOKENS + 1) * 2) / 3) * 4) });

/** One token's query, key and value in one head, [dh] each. */
export const qkvView = object({
  layer,
  head,
  token: tokenIndex,
  q: array(anyNumber, MAX_HEAD_WIDTH),
  k: array(anyNumber, MAX_HEAD_WIDTH),
  v: array(anyNumber, MAX_HEAD_WIDTH),
});

/** The logit lens: one token's residual at one layer read through ln_f and the unembedding. */
export const lensView = object({
  layer,
  token: tokenIndex,
  top: array(candidate, 100), // 10 best at this layer
  track: nullable(object({ id: tokenId, text: tokenText, probs: array(probability, MAX_LAYERS + 1) })), // the tracked token's probability at layers 0..L
});

/** A token named: its id and its text. */
export const namedToken = object({ id: tokenId, text: tokenText });

/**
 * Direct logit attribution at one position (explorer/attribution.ts): logit(target) [− logit(versus)]
 * split into pieces that add up to `total`. Also the exact shape `gpt2-explorer attribute` prints.
 */
export const attributionView = object({
  position: tokenIndex,
  target: namedToken,
  versus: nullable(namedToken),
  total: anyNumber, // the model's own logit (difference) at the position
  embed: anyNumber, // token + position embeddings
  heads: array(array(anyNumber, MAX_HEADS), MAX_LAYERS), // [L][H] each head's own output
  attnBias: array(anyNumber, MAX_LAYERS), // [L] each layer's attention output bias
  mlp: array(anyNumber, MAX_LAYERS), // [L] each MLP's output
  finalBias: anyNumber, // the final LayerNorm's bias
});

/** Text the learner typed (the Attribution panel's target or versus), as the tokenizer splits it: one token, or why not. */
export const MAX_TYPED_TOKEN = 200;
export const tokenizedView = object({
  text: string(MAX_TYPED_TOKEN),
  tokens: array(namedToken, MAX_TYPED_TOKEN), // at most one per character
});

/** Where one head looks from the attributed position: its strongest keys, strongest first. */
const attends = array(object({ token: tokenIndex, weight: probability }), 3);

/** The Attribution panel: the attribution, and each head's strongest keys (shown on hover) [L][H]. */
export const attributionPanelView = object({
  attribution: attributionView,
  attends: array(array(attends, MAX_HEADS), MAX_LAYERS),
});

/** The heads grid's reduced maps are at most this many cells a side (a map of fewer tokens keeps one cell per token). */
export const HEADS_GRID_SIDE = 16;
/** Their 8-bit levels: a cell holds round(mean weight × HEADS_GRID_LEVELS), so it is off by at most 1 / (2 × this). */
export const HEADS_GRID_LEVELS = 255;
const headCount = MAX_LAYERS * MAX_HEADS;

/**
 * All heads at a glance (explorer/heads-grid.ts), in a reduced form drawn as such: each head's [T, T]
 * pattern averaged over side × side blocks and kept in 8 bits; beside it, at full resolution, the key
 * `token` attends to most in each head and its exact weight (the grid's hover).
 */
export const headsGridView = object({
  layers: layer,
  heads: head,
  size: tokenIndex, // T
  side: number({ min: 1, max: HEADS_GRID_SIDE, integer: true }), // min(T, HEADS_GRID_SIDE)
  token: tokenIndex, // the query position `top` is read at
  cells: array(number({ min: 0, max: HEADS_GRID_LEVELS, integer: true }), headCount * HEADS_GRID_SIDE ** 2), // [L, H, side, side] row = query block
  top: array(tokenIndex, headCount), // [L, H] the key `token` attends to most
  topWeight: array(probability, headCount), // [L, H] its weight, exact
});

/** A preset prompt from the Sentence dropdown. */
export const presetView = object({
  id: string(200),
  text: string(MAX_TEXT),
  layer, // default Layer dropdown value
  head, // default Head dropdown value
  note: string(1000), // one line on what to look at
});

export type Candidate = Infer<typeof candidate>;
export type TokenChip = Infer<typeof tokenChip>;
export type StopReason = Infer<typeof stopReason>;
export type NextTokenView = Infer<typeof nextTokenView>;
export type TallyView = Infer<typeof tallyView>;
export type ModelInfo = Infer<typeof modelInfo>;
export type SentenceSource = Infer<typeof sentenceSource>;
export type SentenceView = Infer<typeof sentenceView>;
export type LayerHead = Infer<typeof layerHead>;
export type SessionView = Infer<typeof sessionView>;
export type ProjectionView = Infer<typeof projectionView>;
export type ProjectionUpdate = Infer<typeof projectionUpdate>;
export type SessionSnapshot = Infer<typeof sessionSnapshot>;
export type AttentionView = Infer<typeof attentionView>;
export type AttentionMap = Infer<typeof attentionMap>;
export type AnalysisProgress = Infer<typeof analysisProgress>;
export type QkvView = Infer<typeof qkvView>;
export type LensView = Infer<typeof lensView>;
export type AttributionView = Infer<typeof attributionView>;
export type AttributionPanelView = Infer<typeof attributionPanelView>;
export type TokenizedView = Infer<typeof tokenizedView>;
export type PresetView = Infer<typeof presetView>;
export type HeadsGridView = Infer<typeof headsGridView>;
export type PickHow = Infer<typeof pickHow>;
export type FilterStepView = Infer<typeof filterStepView>;
export type DrawView = Infer<typeof drawView>;
export type PickView = Infer<typeof pickView>;
export type StopsView = Infer<typeof stopsView>;
export type TreeNodeView = Infer<typeof treeNodeView>;
export type DecodingTreeView = Infer<typeof decodingTreeView>;
