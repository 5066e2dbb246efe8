// The logit lens: a token's residual vector at any layer read as if it were the last layer
// (ln_f, then the tied unembedding, then softmax at temperature 1). One lens call reads all L+1
// layers of a token at once, and is kept with each layer's log-sum-exp, so moving the layer or changing
// the tracked token costs a top-10 scan and a few exp() — no softmax over the 50,257 logits again.
import { row } from '../engine/matrix';
import type { Gpt2Model } from '../engine/model';
import type { Gpt2Tokenizer } from '../engine/tokenizer';
import type { Candidate, LensView } from '../protocol/views';
import { logSumExp, topK } from './decoding/logits';
import type { Trace } from './trace';

const TOP = 10;
const CACHED_TOKENS = 8; // each holds [L+1, V] logits: 2.6 MB for GPT-2 small

/** One token read at every layer. */
interface LensRead {
  logits: Float32Array; // [L+1, V]
  lse: Float64Array; // [L+1]: log Σ exp of each layer's logits, so p(id at l) = exp(logit − lse[l])
}

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
    const { nLayer: L, vocabSize: V } = this.model.config;
    const { logits, lse } = await this.readToken(token);
    const probability = (l: number, id: number): number => Math.exp(logits[l * V + id] - lse[l]);
    const top: Candidate[] = topK(row(logits, layer, V), TOP).map((id) => this.candidate(id, probability(layer, id)));
    const tracked = trackId ?? topK(row(logits, L, V), 1)[0];
    const trackProbs = Array.from({ length: L + 1 }, (_, l) => probability(l, tracked));
    return { layer, token, top, track: { id: tracked, text: this.tokenizer.tokenText(tracked), probs: trackProbs } };
  }

  /**
   * Reads `token` ahead of its first request, so that request is a cached read: 13 rows through the
   * lm_head and a softmax over each take 15–20 ms, longer than a frame (issue 19).
   */
  async prefetch(token: number): Promise<void> {
    if (!this.cache.has(token)) await this.readToken(token);
  }

  /** Drops what was read for positions `index` and later (they are about to be replaced). */
  forgetFrom(index: number): void {
    for (const token of [...this.cache.keys()]) if (token >= index) this.cache.delete(token);
  }

  private async readToken(token: number): Promise<LensRead> {
    const cached = this.cache.get(token);
    if (cached) {
      this.cache.delete(token); // re-inserted: most recently used last
      this.cache.set(token, cached);
      return cached;
    }
    const { nLayer: L, vocabSize: V } = this.model.config;
    const logits = await this.model.lens(this.trace.hiddenLayers(token), L + 1);
    const lse = Float64Array.from({ length: L + 1 }, (_, l) => logSumExp(row(logits, l, V)));
    const read = { logits, lse };
    this.cache.set(token, read);
    if (this.cache.size > CACHED_TOKENS) this.cache.delete(this.cache.keys().next().value!);
    return read;
  }

  private candidate(id: number, prob: number): Candidate {
    return { id, text: this.tokenizer.tokenText(id), prob };
  }
}
