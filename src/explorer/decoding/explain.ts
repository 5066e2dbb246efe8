// Why this token came out: the decoding chain of one draw as a learner reads it (issue 18's decoding
// tree) — each filter in order (temperature → top-k → top-p) with how many tokens it removed, the mass
// they held and the most likely of them, then where the uniform number fell in what was left. It applies
// the same distributions as the sampler (next-token.ts), one filter more at each step, so it can only
// tell what the sampler did. Pure; the session keeps one per token of its decoding tree (explorer/pick.ts).
import { cdfIndex, type DecodingFilter, type Distribution } from './distribution';
import { decodingDistribution, filtersNothing } from './next-token';
import { softmax, topK } from './logits';

/** How many of the tokens a filter removed (and of those it kept) are named, most likely first. */
export const REMOVED_SHOWN = 5;

export interface FilterStep {
  filter: 'temperature' | 'top-k' | 'top-p';
  setting: number;
  before: number; // tokens in play before this filter
  kept: number; // tokens left in play after this filter
  removed: number; // tokens this filter took out of play (temperature > 0 removes none: it reshapes)
  removedMass: number; // their share of the distribution just before this filter
  removedBest: { id: number; prob: number }[]; // the most likely of them, with their probability just before it
  keptBest: { id: number; prob: number }[]; // the most likely left, with their probability just after it
}

export interface DrawStep {
  u: number; // the uniform number in [0, 1) the seeded generator gave
  id: number; // the token whose cdf interval holds it
  low: number; // that interval, [low, high), over the kept tokens best first (in id order when nothing was filtered)
  high: number;
}

/**
 * The filters of `filter` that are on, in the order the sampler applies them. `made`: decodingDistribution(logits,
 * filter), when the caller holds it already (the session does, for the Step it explains): the last filter's result
 * is not built again, and with nothing filtered it is the temperature step's whole softmax, so a Step's
 * explanation makes no pass over the logits of its own (it made two and a [V] softmax: ≈ 1.2 ms a Step, issue 19).
 */
export function explainFilters(logits: ArrayLike<number>, filter: DecodingFilter, made?: Distribution): FilterStep[] {
  const V = logits.length;
  const { temperature: T, topK: k, topP: p } = filter;
  const last = () => made ?? decodingDistribution(logits, filter);
  if (T === 0) {
    const best = last().best(1)[0];
    const before = softmax(logits, 1);
    const removedBest = topK(before, REMOVED_SHOWN + 1).filter((id) => id !== best).slice(0, REMOVED_SHOWN);
    const removed = removedBest.map((id) => ({ id, prob: before[id] }));
    return [{ filter: 'temperature', setting: 0, before: V, kept: 1, removed: V - 1, removedMass: 1 - before[best], removedBest: removed, keptBest: [{ id: best, prob: 1 }] }];
  }
  // With nothing filtered the sampler's distribution is softmax(logits / T) itself (unfiltered.ts: the same sums, so the same numbers).
  let before: Before = filtersNothing(filter, V) ? asBefore(last()) : fullSoftmax(logits, T);
  const keptBest = before.ranked(REMOVED_SHOWN).map((id) => ({ id, prob: before.probability(id) }));
  const steps: FilterStep[] = [{ filter: 'temperature', setting: T, before: V, kept: V, removed: 0, removedMass: 0, removedBest: [], keptBest }];
  if (k > 0 && k < V) {
    const after = p < 1 ? decodingDistribution(logits, { temperature: T, topK: k, topP: 1 }) : last();
    steps.push(step('top-k', k, before, after));
    before = asBefore(after);
  }
  if (p < 1) steps.push(step('top-p', p, before, last()));
  return steps;
}

/** Where `u` fell in the distribution the token was drawn from. */
export function explainDraw(distribution: Distribution, u: number): DrawStep {
  const index = cdfIndex(distribution.cdf, u);
  return { u, id: distribution.kept[index], low: index > 0 ? distribution.cdf[index - 1] : 0, high: distribution.cdf[index] };
}

/** The distribution a filter starts from: each id's probability, its best ids (ties: lower id first), how many are in play. */
type Before = { probability: (id: number) => number; ranked: (count: number) => number[]; count: number };

function fullSoftmax(logits: ArrayLike<number>, T: number): Before {
  const probs = softmax(logits, T);
  return { probability: (id) => probs[id], ranked: (count) => topK(probs, count), count: probs.length };
}

function asBefore(distribution: Distribution): Before {
  return { probability: (id) => distribution.probability(id), ranked: (count) => distribution.best(count), count: distribution.keptCount };
}

/** A filter step: what `after` keeps of `before`. Both rank best first with ties to the lower id, so the removed are the ones ranked after the kept. */
function step(filter: 'top-k' | 'top-p', setting: number, before: Before, after: Distribution): FilterStep {
  const kept = after.keptCount;
  let keptMass = 0;
  for (const id of after.kept) keptMass += before.probability(id);
  const removedBest = before.ranked(kept + REMOVED_SHOWN).slice(kept);
  const keptBest = after.best(REMOVED_SHOWN).map((id) => ({ id, prob: after.probability(id) }));
  const removed = removedBest.map((id) => ({ id, prob: before.probability(id) }));
  return { filter, setting, before: before.count, kept, removed: before.count - kept, removedMass: Math.max(0, 1 - keptMass), removedBest: removed, keptBest };
}
