// The token chips told as what changed, as protocol/projection.ts tells the positions: a session message
// carries the chips from the first one the panel does not hold (a Step: one chip) instead of all of them
// (79 KB of chips at 1,000 tokens, issue 20). Both ends compare values, so any run of updates leaves the
// panel with the very chips a whole message would have given.

import type { Result } from './schema';
import type { TokenChip } from './views';

export interface ChipsUpdate {
  tokens: TokenChip[]; // the chips from `from` on
  from?: number; // absent: every chip
}

/** `after` as an update for a receiver holding `before` (null: it holds none, and gets every chip). */
export function chipsUpdateOf(before: readonly TokenChip[] | null, after: TokenChip[]): ChipsUpdate {
  const from = before ? sameChips(before, after) : 0;
  return from === 0 ? { tokens: after } : { tokens: after.slice(from), from };
}

/** The chips `update` gives a receiver holding `held`; an error when it does not fit what is held. */
export function applyChipsUpdate(held: readonly TokenChip[] | null, update: ChipsUpdate): Result<TokenChip[]> {
  const { tokens, from = 0 } = update;
  if (from === 0) return { ok: true, value: tokens };
  if (!held || held.length < from) return { ok: false, error: `chips from ${from} do not fit the panel's ${held ? held.length : 'no'} chips` };
  const value = held.slice(0, from).concat(tokens);
  const astray = value.findIndex((chip, index) => chip.index !== index);
  return astray < 0 ? { ok: true, value } : { ok: false, error: `chips from ${from} put chip ${value[astray].index} at position ${astray}` };
}

/** How many leading chips are the same in both. */
function sameChips(before: readonly TokenChip[], after: readonly TokenChip[]): number {
  const shared = Math.min(before.length, after.length);
  for (let i = 0; i < shared; i++) {
    const [a, b] = [before[i], after[i]];
    if (a.index !== b.index || a.id !== b.id || a.text !== b.text || a.generated !== b.generated || a.start !== b.start || a.end !== b.end) return i;
  }
  return shared;
}
