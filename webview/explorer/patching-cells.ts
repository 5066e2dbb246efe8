// What a patching grid's cells mean, pure: the normalised effect of each run, the words of a cell's
// hover, and where a click on it takes the other views.

import type { PatchingView, PatchSite } from '../../src/protocol/compare';
import type { UiPatch } from '../../src/protocol/explorer';
import { shownToken } from './token-text';

/** Each grid's title and what its rows are. */
export const SITE_TITLES: Record<PatchSite, string> = {
  resid: 'Residual stream: hidden state × position',
  attn: 'Attention output: layer × position',
  mlp: 'MLP output: layer × position',
  heads: 'Heads: layer × head (at every position)',
};

/** Below this |clean − corrupt|, there is no difference to normalise by. */
export const FLAT_METRIC = 1e-6;

/** (patched − corrupted) / (clean − corrupted) per cell: 0 is no change, 1 all the way to the clean run; null when the two runs' metrics agree. */
export function normalisedEffect(view: PatchingView): number[][] | null {
  const span = view.clean - view.corrupt;
  if (Math.abs(span) < FLAT_METRIC) return null;
  return view.effect.map((row) => row.map((metric) => (metric - view.corrupt) / span));
}

/** "hidden state 3 (after block 3), position 5 “·France”" — what one cell patches. */
export function cellName(what: PatchSite, row: number, col: number, tokens: string[]): string {
  const at = `position ${col} “${shownToken(tokens[col] ?? '')}”`;
  if (what === 'resid') return `hidden state ${row} (${row === 0 ? 'the embeddings' : `after block ${row}`}), ${at}`;
  if (what === 'heads') return `layer ${row}, head ${col} (every position)`;
  return `layer ${row} ${what === 'attn' ? 'attention' : 'MLP'} output, ${at}`;
}

/** A cell's hover: what it patches, the raw metric of its run, and its normalised effect. */
export function cellText(view: PatchingView, row: number, col: number, tokens: string[]): string {
  const metric = view.effect[row][col];
  const span = view.clean - view.corrupt;
  const effect = Math.abs(span) < FLAT_METRIC ? '' : `, effect ${((metric - view.corrupt) / span).toFixed(2)}`;
  return `${cellName(view.what, row, col, tokens)}: metric ${metric.toFixed(3)}${effect}`;
}

/** Where a click on a cell opens the other views: the Self-Attention tab at that position, layer or head. */
export function openCell(what: PatchSite, row: number, col: number): UiPatch {
  if (what === 'heads') return { tab: 'attention', layer: row, head: col };
  if (what === 'resid') return { tab: 'attention', token: col, lensLayer: row, slider: row }; // the lens and the positions at that hidden state
  return { tab: 'attention', token: col, layer: row, lensLayer: row + 1, slider: row + 1 }; // after the block the output is added in
}

/** The live region's words once a cell opened the other views: what it opened, and where. */
export function openedText(what: PatchSite, row: number, col: number, tokens: string[]): string {
  return `Opened ${cellName(what, row, col, tokens)} in the Self-Attention tab`;
}
