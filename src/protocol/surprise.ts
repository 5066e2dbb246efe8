// Token surprise: what GPT-2 made of each token of a text given the tokens before it. Defined once here,
// read by the scorer (src/explorer/score.ts), the session worker's `score` request, the CLI's `score`
// and the editor's decorations and hovers.
import { array, boolean, type Infer, nullable, number, object, optional, string } from './schema';
import { candidate, layer, MAX_TEXT, tokenId } from './views';

/** How many of the model's most likely tokens each scored token carries. */
export const SCORE_TOP = 5;

/** Longest text scored at once (UTF-16 units): the bound of the other texts the extension sends the worker. */
export const MAX_SCORED_TEXT = MAX_TEXT;

/** Byte-level BPE: a character is at most 4 bytes, so at most 4 tokens. */
const MAX_SCORED_TOKENS = 4 * MAX_SCORED_TEXT;

const offset = number({ min: 0, max: MAX_SCORED_TEXT, integer: true });

/**
 * One token of the text. The first token of the text has no scores (nothing comes before it):
 * logprob, rank and lensLayer are null and top is empty.
 * - logprob: natural log of the probability the model gave this token after the tokens before it (temperature 1);
 * - rank: 1 + how many tokens had a strictly larger logit (ties share the better rank: a token tied for first is rank 1);
 * - top: the model's SCORE_TOP most likely tokens there, best first (ties: lower id first);
 * - lensLayer: the first hidden state 0..L whose logit lens ranks this token first (same ties rule), null when none does;
 *   absent when it was not computed with the scores (the worker's: the editor asks for it on hover, `lensLayer` request);
 * - chunkStart: where a chunk of a text longer than the context starts (see chunkPlan in src/explorer/score.ts).
 */
export const scoredToken = object({
  id: tokenId,
  text: string(1000),
  start: offset, // UTF-16 range of the token in the text
  end: offset,
  logprob: nullable(number({ max: 0 })),
  rank: nullable(number({ min: 1, integer: true })),
  top: array(candidate, SCORE_TOP),
  lensLayer: optional(nullable(layer)),
  chunkStart: boolean,
});
export type ScoredToken = Infer<typeof scoredToken>;

/** A scored text: its tokens, the model's last layer and context, and the index of each chunk's first token. */
export const textScores = object({
  tokens: array(scoredToken, MAX_SCORED_TOKENS),
  layers: layer, // L: lensLayer runs over the hidden states 0 (the embeddings) … L
  context: number({ min: 1, integer: true }),
  overlap: number({ min: 0, integer: true }), // tokens a later chunk reads again before its first one
  chunks: array(number({ min: 0, integer: true }), MAX_SCORED_TOKENS),
});
export type TextScores = Infer<typeof textScores>;

/** GLTR's rank bands: the model's top 10, top 100, top 1,000, and beyond (the editor's colours, the explorer's chips). */
export const SURPRISE_RANKS = [10, 100, 1000] as const;

/** The band of a rank, 0 (top 10) … 3 (beyond the top 1,000); null for a token without a score. */
export function rankBand(rank: number | null): 0 | 1 | 2 | 3 | null {
  if (rank === null) return null;
  const band = SURPRISE_RANKS.findIndex((limit) => rank <= limit);
  return (band < 0 ? 3 : band) as 0 | 1 | 2 | 3;
}

/** A scored text in one line's worth: the CLI's last line and the editor's status bar read it. */
export interface SurpriseSummary {
  tokens: number;
  scored: number; // tokens with a score: all but the first
  meanBits: number | null; // mean surprise, −log2 p, over the scored tokens; null when none is
  most: { index: number; text: string; bits: number; rank: number } | null; // the most surprising token (the first of equals)
}

/** Surprise in bits, −log2 p, from a natural-log probability. */
export const surpriseBits = (logprob: number): number => -logprob / Math.LN2;

export function surpriseSummary(tokens: readonly ScoredToken[]): SurpriseSummary {
  let total = 0;
  let scored = 0;
  let most: SurpriseSummary['most'] = null;
  tokens.forEach((token, index) => {
    if (token.logprob === null || token.rank === null) return;
    const bits = surpriseBits(token.logprob);
    total += bits;
    scored++;
    if (most === null || bits > most.bits) most = { index, text: token.text, bits, rank: token.rank };
  });
  return { tokens: tokens.length, scored, meanBits: scored > 0 ? total / scored : null, most };
}
