// Why a token of the decoding tree came out, as the Decoding tree panel shows it: the filters of the settings
// it was picked under, in order, with what each removed (decoding/explain.ts), and for a Sample & append the
// seed, which number of its sequence it was and where that uniform number fell. Computed once, at the pick,
// from the logits the token was picked from; the stop it caused is told when the view is built.
import type { DecodingSettings } from '../protocol/decoding';
import type { Candidate, DrawView, PickHow, PickView } from '../protocol/views';
import type { Distribution } from './decoding/distribution';
import { explainDraw, explainFilters } from './decoding/explain';

/** A draw as the sampler made it: the seed, the position of u in the seed's sequence (0 = first) and u. */
export interface Roll {
  seed: number;
  index: number;
  u: number;
}

export type Pick = Omit<PickView, 'stop' | 'stops'>; // the stops are told when the view is built, from the settings then

/** `distribution`: the one the token was picked from, decodingDistribution(logits, settings): the explanation reuses it. */
export function explainPick(logits: Float32Array, distribution: Distribution, settings: DecodingSettings, how: PickHow, roll: Roll | null, name: (id: number) => string): Pick {
  const named = (entries: { id: number; prob: number }[]): Candidate[] => entries.map(({ id, prob }) => ({ id, text: name(id), prob }));
  const filters = explainFilters(logits, settings, distribution).map(({ removed: _removed, removedBest, keptBest, ...step }) => ({ ...step, removedBest: named(removedBest), keptBest: named(keptBest) }));
  return { how, settings: { ...settings }, filters, draw: roll ? drawOf(distribution, roll) : null };
}

function drawOf(distribution: Distribution, { seed, index, u }: Roll): DrawView {
  const { low, high } = explainDraw(distribution, u);
  return { seed, index, u, low, high };
}
