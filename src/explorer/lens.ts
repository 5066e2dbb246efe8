// The logit lens: a token's residual vector at any layer read as if it were the last layer
// (ln_f, then the tied unembedding, then softmax at temperature 1). One lens call reads all L+1
// layers of a token at once, and is kept, so moving the layer or changing the tracked token is free.
import { row, softmax, topK } from '../engine/logits';
import type { Gpt2Model } from '../engine/model';
import type { Gpt2Tokenizer } from '../engine/tokenizer';
import type { Trace } from './trace';
import type { Candidate, LensView } from './views';

const TOP = 10;
const CACHED_TOKENS = 8; // each holds [L+1, V] logits: 2.6 MB for GPT-2 small

export class LogitLens {
  private readonly cache = new Map<number, Float32Array>(); // token → logits [L+1, V]; oldest first

  constructor(
    private readonly model: Gpt2Model,
    private readonly tokenizer: Gpt2Tokenizer,
    private readonly trace: Trace,
  ) {}

  /** Top 10 of `token` at `layer`, and `trackId`'s probability at every layer 0..L. */
  async read(layer: number, token: number, trackId: number | null): Promise<LensView> {
    const { nLayer: L, vocabSize: V } = this.model.config;
    const logits = await this.logits(token);
    const probs = softmax(row(logits, layer, V));
    const top: Candidate[] = topK(probs, TOP).map((id) => this.candidate(id, probs[id]));
    if (trackId === null) return { layer, token, top, track: null };
    const trackProbs = Array.from({ length: L + 1 }, (_, l) => (l === layer ? probs : softmax(row(logits, l, V)))[trackId]);
    return { layer, token, top, track: { id: trackId, text: this.tokenizer.tokenText(trackId), probs: trackProbs } };
  }

  /** Drops what was read for positions `index` and later (they are about to be replaced). */
  forgetFrom(index: number): void {
    for (const token of [...this.cache.keys()]) if (token >= index) this.cache.delete(token);
  }

  private async logits(token: number): Promise<Float32Array> {
    const cached = this.cache.get(token);
    if (cached) {
      this.cache.delete(token); // re-inserted: most recently used last
      this.cache.set(token, cached);
      return cached;
    }
    const logits = await this.model.lens(this.trace.hiddenLayers(token), this.model.config.nLayer + 1);
    this.cache.set(token, logits);
    if (this.cache.size > CACHED_TOKENS) this.cache.delete(this.cache.keys().next().value!);
    return logits;
  }

  private candidate(id: number, prob: number): Candidate {
    return { id, text: this.tokenizer.tokenText(id), prob };
  }
}
