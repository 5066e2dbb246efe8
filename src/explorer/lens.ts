// The logit lens: a token's residual vector at any layer read as if it were the last layer
// (ln_f, then the tied unembedding, then softmax at temperature 1). One lens call reads all L+1
// layers of a token at once and keeps, per token, only what its views can show: each layer's
// log-sum-exp, each layer's top 10, and the logits of those ids at every layer (≈ 7 KB for GPT-2 small,
// not the 2.6 MB of [L+1, V] logits), so moving the layer or changing the tracked token costs a few exp()
// — no lm_head run and no softmax over the 50,257 logits again — and every token of a sentence can be
// read ahead and kept (issue 19).
import { row } from '../engine/matrix';
import type { Gpt2Model } from '../engine/model';
import type { Gpt2Tokenizer } from '../engine/tokenizer';
import type { Candidate, LensView } from '../protocol/views';
import { logSumExp, topK } from './decoding/logits';
import type { Trace } from './trace';

const TOP = 10;
const CACHED_TOKENS = 1024; // GPT-2's context: ≈ 7 MB at most for GPT-2 small

/** One token read at every layer: what its views can ask for. */
interface LensRead {
  lse: Float64Array; // [L+1]: log Σ exp of each layer's logits, so p(id at l) = exp(logit − lse[l])
  top: number[][]; // [L+1][TOP]: each layer's most likely ids, ranked
  columns: Map<number, Float32Array>; // id → its logit at layers 0..L: every layer's top ids, and any id tracked since
}

/** Says, between two pieces of a read ahead, that a real request is waiting: the read ahead then gives way. */
export type Interrupted = () => boolean;
const NEVER: Interrupted = () => false; // a request's own read: nothing to give way to

export class LogitLens {
  private readonly cache = new Map<number, LensRead>(); // token → its read; oldest first

  constructor(
    private readonly model: Gpt2Model,
    private readonly tokenizer: Gpt2Tokenizer,
    private readonly trace: Trace,
  ) {}

  /**
   * Top 10 of `token` at `layer`, and `trackId`'s probability at every layer 0..L; with no `trackId`,
   * the token's top guess at the last layer is tracked (the chart's default), so a chip's first lens is
   * one request, not one to learn that guess and a second to track it (issue 19).
   */
  async read(layer: number, token: number, trackId: number | null): Promise<LensView> {
    const { nLayer: L } = this.model.config;
    const read = this.cache.get(token) ?? (await this.readToken(token, NEVER))!;
    this.cache.delete(token); // re-inserted: most recently used last
    this.cache.set(token, read);
    const tracked = trackId ?? read.top[L][0];
    if (!read.columns.has(tracked)) await this.addColumn(token, read, tracked); // an id no layer ranks in its top 10
    const probability = (l: number, id: number): number => Math.exp(read.columns.get(id)![l] - read.lse[l]);
    const top: Candidate[] = read.top[layer].map((id) => this.candidate(id, probability(layer, id)));
    const trackProbs = Array.from({ length: L + 1 }, (_, l) => probability(l, tracked));
    return { layer, token, top, track: { id: tracked, text: this.tokenizer.tokenText(tracked), probs: trackProbs } };
  }

  /**
   * Reads `token` ahead of its first request, so that request is a cached read: 13 rows through the
   * lm_head and a softmax over each take 15–20 ms, longer than a frame. Gives way between the layers'
   * softmaxes once `interrupted()` (what it read is then dropped); true if the token is read.
   */
  async prefetch(token: number, interrupted: Interrupted = NEVER): Promise<boolean> {
    return this.cache.has(token) || (await this.readToken(token, interrupted)) !== null;
  }

  /** Drops what was read for positions `index` and later (they are about to be replaced). */
  forgetFrom(index: number): void {
    for (const token of [...this.cache.keys()]) if (token >= index) this.cache.delete(token);
  }

  /** The lm_head on the token's L+1 hidden states; null if `interrupted` before it was done. */
  private async readToken(token: number, interrupted: Interrupted): Promise<LensRead | null> {
    const { nLayer: L, vocabSize: V } = this.model.config;
    const logits = await this.model.lens(this.trace.hiddenLayers(token), L + 1);
    const lse = new Float64Array(L + 1);
    const top: number[][] = [];
    for (let l = 0; l <= L; l++) {
      if (interrupted()) return null;
      lse[l] = logSumExp(row(logits, l, V));
      top.push(topK(row(logits, l, V), TOP));
      if (interrupted !== NEVER) await new Promise((resolve) => setImmediate(resolve)); // a read ahead lets a request's message in
    }
    const read: LensRead = { lse, top, columns: new Map() };
    for (const id of new Set(top.flat())) read.columns.set(id, column(logits, id, L + 1, V));
    this.cache.set(token, read);
    if (this.cache.size > CACHED_TOKENS) this.cache.delete(this.cache.keys().next().value!);
    return read;
  }

  private async addColumn(token: number, read: LensRead, id: number): Promise<void> {
    const { nLayer: L, vocabSize: V } = this.model.config;
    const logits = await this.model.lens(this.trace.hiddenLayers(token), L + 1);
    read.columns.set(id, column(logits, id, L + 1, V));
  }

  private candidate(id: number, prob: number): Candidate {
    return { id, text: this.tokenizer.tokenText(id), prob };
  }
}

/** `id`'s logit at each of the `rows` layers of [rows, V] logits. */
function column(logits: Float32Array, id: number, rows: number, V: number): Float32Array {
  return Float32Array.from({ length: rows }, (_, l) => logits[l * V + id]);
}
