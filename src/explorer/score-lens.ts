// Token surprise in the editor, lens layers on demand: scoring reads one lm_head row a token (its own
// next-token logits) instead of L + 1, and the first layer whose logit lens ranks a token first is found only
// for the token hovered, from the hidden states of its chunk. The last chunk scored (or hovered) is kept —
// one chunk's [T, L+1, d] floats (41 MB for GPT-2 small at 1,024 tokens) — and a hover in another chunk of a
// long text reads that chunk once more.
import type { Gpt2Model } from '../engine/model';
import type { Gpt2Tokenizer, Token } from '../engine/tokenizer';
import type { TextScores } from '../protocol/surprise';
import { chunkPlan, firstLensLayer, readChunk, scoreTokens, type Chunk, type ScoreOptions } from './score';

export class LensLayers {
  private held: { chunk: Chunk; hidden: Float32Array[] } | null = null;

  constructor(
    private readonly model: Gpt2Model,
    private readonly tokens: Token[],
  ) {}

  /** Keeps a chunk's hidden states (the scorer hands each one over when it is done with it). */
  hold(chunk: Chunk, hidden: Float32Array[]): void {
    this.held = { chunk, hidden };
  }

  /** The first hidden state 0..L whose lens ranks token `index` first (null when none does, or for the first token). */
  async at(index: number): Promise<number | null> {
    if (!Number.isInteger(index) || index < 0 || index >= this.tokens.length) throw new RangeError(`token ${index} is out of range: the text has ${this.tokens.length}`);
    if (index === 0) return null; // nothing before it: no score
    const chunk = chunkPlan(this.tokens.length, this.model.config.nPositions).find(({ start, end }) => index >= start && index < end)!;
    if (this.held?.chunk.start !== chunk.start) this.hold(chunk, await readChunk(this.model, this.tokens, chunk));
    const { nLayer: L, vocabSize: V } = this.model.config;
    const logits = await this.model.lens(this.held!.hidden[index - 1 - chunk.from], L + 1);
    return firstLensLayer(logits, 0, L, V, this.tokens[index].id);
  }
}

/** Scores `text` without lens layers (left out of each token) and keeps what answers them on hover. */
export async function scoreForEditor(model: Gpt2Model, tokenizer: Gpt2Tokenizer, text: string, options: ScoreOptions = {}): Promise<{ scores: TextScores; lens: LensLayers }> {
  const tokens = await tokenizer.encodeInChunks(text, options.signal);
  const lens = new LensLayers(model, tokens);
  const scores = await scoreTokens(model, tokenizer, tokens, { ...options, lensLayers: false, onChunk: (chunk, hidden) => lens.hold(chunk, hidden) });
  return { scores, lens };
}
