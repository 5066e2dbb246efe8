// What the surprise decorations paint, without `vscode`: for each decoration type (a rank bucket, or the bar
// where a chunk starts) the document ranges, as offsets, of the tokens it covers. decorations.ts turns these
// into vscode.Range and hands them to setDecorations; the bench times this part on 1,000 tokens.
import type { TextScores } from '../../protocol/surprise';
import { paintBucket, RANK_BUCKETS, type ColorBy, type RankBucket } from './buckets';

export type PaintKey = RankBucket['key'] | 'chunkStart';
/** [start, end) offsets in the document. */
export type OffsetRange = readonly [number, number];

/** Every decoration type's ranges for `scores` of the text that starts at document offset `offset` (an empty list clears a type). */
export function paintPlan(scores: TextScores, offset: number, by: ColorBy): Map<PaintKey, OffsetRange[]> {
  const plan = new Map<PaintKey, OffsetRange[]>([...RANK_BUCKETS.map((bucket) => [bucket.key, []] as [PaintKey, OffsetRange[]]), ['chunkStart', []]]);
  scores.tokens.forEach((token, i) => {
    if (token.end <= token.start) return; // a character split over byte tokens: the token with its last byte holds the range
    const range: OffsetRange = [offset + token.start, offset + token.end];
    const bucket = paintBucket(token, by);
    if (bucket) plan.get(bucket.key)!.push(range);
    if (token.chunkStart && i > 0) plan.get('chunkStart')!.push(range);
  });
  return plan;
}
