// What the views show, as plain data: the explorer computes these, the protocol carries them,
// the webview draws them. Arrays are plain number[] so they survive JSON and postMessage alike.
// Shapes: L layers, H heads, T tokens (prompt + generated), dh = head width (64 in GPT-2 small).

/** One token chip. */
export interface TokenChip {
  index: number; // position in the sequence, 0-based
  id: number; // vocabulary id
  text: string; // the token's own text, leading space included (the webview makes it visible)
  generated: boolean; // appended by Step/Sample: painted blue
  start: number; // UTF-16 offset of the token in the source text; -1 for generated tokens
  end: number;
}

/** A vocabulary entry with its probability under some distribution. */
export interface Candidate {
  id: number;
  text: string;
  prob: number; // 0..1
}

export type StopReason = 'eos' | 'max_tokens' | 'context_full';

/** How the next token is picked. */
export interface DecodingSettings {
  temperature: number; // 0 = greedy; logits are divided by it otherwise (0..2 in the UI)
  topK: number; // keep the k most likely tokens; 0 = off
  topP: number; // keep the smallest set whose mass reaches p; 1 = off
  maxNewTokens: number; // stop after this many generated tokens
  seed: number; // seeds the sampler: the same seed gives the same draws
}

/** The next-token distribution at the last position, after temperature and top-k/top-p. */
export interface NextTokenView {
  top: Candidate[]; // the 10 most likely, best first (fewer when fewer are kept); the first one is highlighted
  kept: number; // how many tokens top-k/top-p left in play (V when both are off; 1 at temperature 0, greedy)
}

/** Every roll of Sample since the distribution last changed. */
export interface TallyView {
  counts: Record<string, number>; // token id -> times drawn
  total: number;
  last: Candidate | null; // the latest draw
}

export interface ModelInfo {
  name: string; // "GPT-2 124M", or "test model (seed 1)"
  layers: number;
  heads: number;
  embd: number;
  vocab: number;
  positions: number;
}

/** Where the current prompt came from. */
export type SentenceSource = 'preset' | 'selection' | 'codelens' | 'custom';

export interface SentenceView {
  id: string; // a preset id, or "selection"
  text: string;
  source: SentenceSource;
}

/** The decoding session as the Generation panel and the token chips see it. */
export interface SessionView {
  sentence: SentenceView;
  tokens: TokenChip[]; // prompt then generated
  promptLength: number;
  generated: number; // the counter's n in "n / maxNewTokens"
  stop: StopReason | null; // why generation ended, null while it can go on
  next: NextTokenView;
  tally: TallyView;
  settings: DecodingSettings;
  model: ModelInfo;
  defaults: { layer: number; head: number }; // the sentence's default Layer/Head dropdown values
  truncated: number; // prompt tokens cut from the front to fit the context (0 when none)
}

/** 2D positions of every token at every layer, in one shared frame. */
export interface ProjectionView {
  layers: number; // L+1 (embeddings, then after each block)
  tokens: number; // T
  points: number[]; // [(L+1), T, 2] flat: x, y of token t at layer l at 2*(l*T + t)
  last: number; // index of the last token (drawn red and bigger)
}

/** One head's attention pattern. */
export interface AttentionView {
  layer: number;
  head: number;
  size: number; // T
  weights: number[]; // [T, T] row-major: row = query position, column = key position (causal: zero above the diagonal)
}

/** One token's query, key and value in one head. */
export interface QkvView {
  layer: number;
  head: number;
  token: number;
  q: number[]; // [dh]
  k: number[]; // [dh]
  v: number[]; // [dh]
}

/** The logit lens: one token's residual at one layer read through ln_f and the unembedding. */
export interface LensView {
  layer: number;
  token: number;
  top: Candidate[]; // 10 best at this layer
  track: { id: number; text: string; probs: number[] } | null; // the tracked token's probability at layers 0..L
}

/** A preset prompt from the Sentence dropdown. */
export interface PresetView {
  id: string;
  text: string;
  layer: number; // default Layer dropdown value
  head: number; // default Head dropdown value
  note: string; // one line on what to look at
}
