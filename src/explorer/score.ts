// Token surprise: GPT-2 on a text itself. Each token after the first is scored from the tokens before
// it: the log-probability the model gave it, its rank, the model's top 5 there, and the first hidden
// state whose logit lens already ranks it first. One forward pass per chunk (read in prefill passes),
// then the lm_head on every position's hidden state at every layer: the last layer's row is the model's
// own next-token logits, the others are the logit lens, so one lens call per batch serves both. That is
// L + 1 lm_head rows a token; the editor asks for the lens layer of the hovered token only, so the worker
// scores with `lensLayers: false` (one row a token) and answers a hover from the chunk it keeps (score-lens.ts).
import { row } from '../engine/matrix';
import type { Gpt2Model } from '../engine/model';
import { prefill } from '../engine/prefill';
import type { Gpt2Tokenizer, Token } from '../engine/tokenizer';
import { SCORE_TOP, type ScoredToken, type TextScores } from '../protocol/surprise';

/** Rows per lm_head call: bounds its output (rows × V floats, ≈ 51 MB for GPT-2) whatever the text's length. */
const LENS_ROWS = 256;

/** One chunk of a long text: the model reads [from, end) and scores the tokens [start, end). */
export interface Chunk {
  from: number;
  start: number;
  end: number;
}

/**
 * A later chunk first reads again this many tokens before its first one, so that every token after the
 * first is scored with at least this much context (a quarter of the context: 256 tokens for GPT-2) and
 * a chunk still scores three quarters of the context of new tokens.
 */
export function chunkOverlap(context: number): number {
  return Math.floor(context / 4);
}

/** How a text of T tokens is read in chunks of at most `context` tokens (one chunk when it fits). */
export function chunkPlan(T: number, context: number): Chunk[] {
  const overlap = chunkOverlap(context);
  const chunks: Chunk[] = [];
  for (let start = 0; start < T; ) {
    const from = start === 0 ? 0 : start - overlap;
    const end = Math.min(T, from + context);
    chunks.push({ from, start, end });
    start = end;
  }
  return chunks;
}

/**
 * 1 + how many entries of `logits` are strictly larger than logits[id]: tokens tied with it do not push
 * it down (so a token tied for the largest logit has rank 1), the same rule at every layer.
 */
export function rankOf(logits: ArrayLike<number>, id: number): number {
  const value = logits[id];
  let above = 0;
  for (let i = 0; i < logits.length; i++) if (logits[i] > value) above++;
  return above + 1;
}

/** rankOf(logits, id) === 1, stopping at the first larger entry (most lens rows have one early). */
function rankedFirst(logits: ArrayLike<number>, id: number): boolean {
  const value = logits[id];
  for (let i = 0; i < logits.length; i++) if (logits[i] > value) return false;
  return true;
}

export interface ScoreOptions {
  signal?: AbortSignal; // checked between passes and lens batches
  onProgress?: (scored: number, total: number) => void;
  lensLayers?: boolean; // false: lensLayer is left out (default true, as the CLI prints it)
  onChunk?: (chunk: Chunk, hidden: Float32Array[]) => void; // each chunk's hidden states once it is scored
}

/** The first hidden state 0..L of `layers` (row `first` on, one row a layer) whose logit lens ranks `id` first, or null. */
export function firstLensLayer(logits: Float32Array, first: number, L: number, V: number, id: number): number | null {
  for (let l = 0; l <= L; l++) if (rankedFirst(row(logits, first + l, V), id)) return l;
  return null;
}

/** Scores `text` (tokenized here). Throws on an empty text: there is nothing to score. */
export async function scoreText(model: Gpt2Model, tokenizer: Gpt2Tokenizer, text: string, options: ScoreOptions = {}): Promise<TextScores> {
  const tokens = await tokenizer.encodeInChunks(text, options.signal);
  return scoreTokens(model, tokenizer, tokens, options);
}

/** Scores tokens already encoded; chunks them when they are more than the model's context. */
export async function scoreTokens(model: Gpt2Model, tokenizer: Gpt2Tokenizer, tokens: Token[], options: ScoreOptions = {}): Promise<TextScores> {
  if (tokens.length === 0) throw new RangeError('score: the text has no tokens');
  const context = model.config.nPositions;
  const plan = chunkPlan(tokens.length, context);
  const starts = new Set(plan.map((chunk) => chunk.start));
  const lens = options.lensLayers ?? true ? { lensLayer: null } : {};
  const scored: ScoredToken[] = tokens.map((token, i) => ({ ...token, logprob: null, rank: null, top: [], ...lens, chunkStart: starts.has(i) }));
  let done = 0;
  for (const chunk of plan) {
    const hidden = await readChunk(model, tokens, chunk, options.signal);
    const first = Math.max(chunk.start, chunk.from + 1); // a token is scored from the position before it, which the window must hold
    const positions = Array.from({ length: chunk.end - first }, (_, i) => first - 1 + i);
    const layers = options.lensLayers ?? true;
    const perBatch = Math.max(1, Math.floor(LENS_ROWS / (layers ? model.config.nLayer + 1 : 1)));
    for (let b = 0; b < positions.length; b += perBatch) {
      options.signal?.throwIfAborted();
      await scoreBatch(model, tokenizer, { hidden, from: chunk.from, layers }, positions.slice(b, b + perBatch), scored);
      done += Math.min(perBatch, positions.length - b);
      options.onProgress?.(done, tokens.length - 1);
    }
    options.onChunk?.(chunk, hidden);
  }
  return { tokens: scored, layers: model.config.nLayer, context, overlap: chunkOverlap(context), chunks: plan.map((chunk) => chunk.start) };
}

/** The hidden states of a chunk's window, [T][L+1, d] by position, from one forward pass read in prefill passes. */
export async function readChunk(model: Gpt2Model, tokens: Token[], chunk: Chunk, signal?: AbortSignal): Promise<Float32Array[]> {
  const { nLayer: L, nEmbd: d } = model.config;
  const byPosition: Float32Array[] = [];
  const ids = tokens.slice(chunk.from, chunk.end).map((token) => token.id);
  const last = await prefill(
    model,
    ids,
    ({ hidden, length: T }) => {
      for (let t = 0; t < T; t++) {
        const rows = new Float32Array((L + 1) * d);
        for (let l = 0; l <= L; l++) rows.set(row(hidden, l * T + t, d), l * d); // hidden is [L+1, T, d]
        byPosition.push(rows);
      }
    },
    { signal },
  );
  last.cache.dispose();
  return byPosition;
}

/** A chunk's hidden states ([L+1, d] by position from `from`), and whether every layer is read or the last only. */
type ChunkRows = { hidden: Float32Array[]; from: number; layers: boolean };

/**
 * Scores the token after each of `positions` (indices into the text) from its hidden states (at every layer,
 * or the last). The lm_head and the read-out (log-softmax, rank, top 5) run in ORT: a few numbers a row come back.
 */
async function scoreBatch(model: Gpt2Model, tokenizer: Gpt2Tokenizer, { hidden, from, layers }: ChunkRows, positions: number[], scored: ScoredToken[]): Promise<void> {
  const { nLayer: L, nEmbd: d } = model.config;
  const rows = layers ? L + 1 : 1; // lm_head rows a position: its L + 1 hidden states, or the last only
  const residuals = new Float32Array(positions.length * rows * d);
  positions.forEach((p, b) => residuals.set(layers ? hidden[p - from] : hidden[p - from].subarray(L * d), b * rows * d));
  const targets = positions.flatMap((p) => Array<number>(rows).fill(scored[p + 1].id)); // every row of a position scores the same token
  const { logprob, rank, topIds, topLogprob } = await model.lensScores(residuals, positions.length * rows, targets, SCORE_TOP); // position-major
  positions.forEach((p, b) => {
    const target = scored[p + 1];
    const final = b * rows + rows - 1; // the model's own next-token row
    target.logprob = logprob[final];
    target.rank = rank[final];
    target.top = topIds.slice(final * SCORE_TOP, (final + 1) * SCORE_TOP).map((id, j) => ({ id, text: tokenizer.tokenText(id), prob: Math.exp(topLogprob[final * SCORE_TOP + j]) }));
    if (layers) target.lensLayer = firstRankedFirst(rank, b * rows, L);
  });
}

/** The first hidden state 0..L (rows `first` on, one a layer) whose rank is 1, or null. */
function firstRankedFirst(rank: Int32Array, first: number, L: number): number | null {
  for (let l = 0; l <= L; l++) if (rank[first + l] === 1) return l;
  return null;
}
