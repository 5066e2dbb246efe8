// The rank buckets the decorations colour tokens by, as GLTR does: the model's top 10, top 100, top 1,000,
// and beyond. Each has a ThemeColor contributed in package.json (`colors`, with light, dark and high
// contrast defaults; a test holds the two lists together), so a theme can restyle them.

import { SURPRISE_RANKS } from '../../protocol/surprise';

export interface RankBucket {
  key: 'top10' | 'top100' | 'top1000' | 'beyond';
  maxRank: number; // the bucket holds ranks up to this one (after the bucket before it)
  label: string; // said in the hover
  color: string; // the ThemeColor id
  underline: string; // the second cue, by shape, for who cannot tell the colours apart: more surprising, busier line
}

export const RANK_BUCKETS: readonly RankBucket[] = [
  { key: 'top10', maxRank: SURPRISE_RANKS[0], label: 'in the top 10', color: 'gpt2Explorer.surprise.top10Background', underline: 'none' },
  { key: 'top100', maxRank: SURPRISE_RANKS[1], label: 'in the top 100', color: 'gpt2Explorer.surprise.top100Background', underline: 'underline dotted' },
  { key: 'top1000', maxRank: SURPRISE_RANKS[2], label: 'in the top 1,000', color: 'gpt2Explorer.surprise.top1000Background', underline: 'underline dashed' },
  { key: 'beyond', maxRank: Infinity, label: 'beyond the top 1,000', color: 'gpt2Explorer.surprise.beyondBackground', underline: 'underline wavy' },
];

/** What the colours say (the setting gpt2Explorer.surprise.colorBy): the rank, or the probability itself. */
export const COLOR_BY = ['rank', 'probability'] as const;
export type ColorBy = (typeof COLOR_BY)[number];

/**
 * Coloured by probability, the same four colours and underlines in the same order, from the least surprising:
 * 10% or more (under 3.3 bits), 1% to 10%, 0.1% to 1%, under 0.1% (more than 10 bits).
 */
export const PROBABILITY_BUCKETS: readonly { key: RankBucket['key']; minProb: number; label: string }[] = [
  { key: 'top10', minProb: 0.1, label: 'probability 10% or more' },
  { key: 'top100', minProb: 0.01, label: 'probability 1% to 10%' },
  { key: 'top1000', minProb: 0.001, label: 'probability 0.1% to 1%' },
  { key: 'beyond', minProb: 0, label: 'probability under 0.1%' },
];

/** The bucket a scored token is painted in; null for a token without a score (the first one). */
export function paintBucket(token: { rank: number | null; logprob: number | null }, by: ColorBy): RankBucket | null {
  if (by === 'rank' || token.logprob === null) return bucketOf(token.rank);
  const prob = Math.exp(token.logprob);
  const key = PROBABILITY_BUCKETS.find((bucket) => prob >= bucket.minProb)!.key;
  return RANK_BUCKETS.find((bucket) => bucket.key === key)!;
}

/** The bucket of a rank (1 = the model's first choice); null for a token without a score (the first one). */
export function bucketOf(rank: number | null): RankBucket | null {
  if (rank === null) return null;
  return RANK_BUCKETS.find((bucket) => rank <= bucket.maxRank)!;
}
