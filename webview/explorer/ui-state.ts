// The explorer's UiState rules, pure: defaults, limits from the model, host patches, and what a
// new session does to the dropdowns (lesson, Self-Attention step 1).

import type { UiPatch, UiState } from '../../src/protocol/explorer';
import { MAX_LAYERS, type SessionView } from '../../src/protocol/views';


export const initialUiState: UiState = {
  tab: 'tokens', // the lesson starts with "Select the Self-Attention tab"
  layer: 0,
  head: 0,
  slider: 0,
  token: null,
  showQkv: false,
  lensLayer: MAX_LAYERS, // the last layer: clampToSession brings it down to the model's
  trackId: null,
};

export function applyPatch(ui: UiState, patch: UiPatch): UiState {
  const next = { ...ui };
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) (next as Record<string, unknown>)[key] = value;
  }
  // Another chip tracks its own best guess unless the patch names a token to track.
  if (patch.token !== undefined && patch.token !== ui.token && patch.trackId === undefined) next.trackId = null;
  return next;
}

/** Keeps every index inside the current session: L layers, H heads, T tokens. */
export function clampToSession(ui: UiState, session: SessionView): UiState {
  const { layers, heads } = session.model;
  const clamp = (value: number, max: number) => Math.min(Math.max(value, 0), max);
  const token = ui.token !== null && ui.token < session.tokens.length ? ui.token : null;
  const clamped = {
    ...ui,
    layer: clamp(ui.layer, layers - 1),
    head: clamp(ui.head, heads - 1),
    slider: clamp(ui.slider, layers),
    lensLayer: clamp(ui.lensLayer, layers),
    token,
  };
  // The same object when nothing moved: a Step then changes no UI state, and the page does not echo it (app.tsx).
  return (Object.keys(clamped) as (keyof UiState)[]).every((key) => clamped[key] === ui[key]) ? ui : clamped;
}

/** A different sentence starts fresh: its default Layer/Head, no clicked chip, no tracked token. */
export function startSentence(ui: UiState, session: SessionView): UiState {
  return { ...ui, layer: session.defaults.layer, head: session.defaults.head, token: null, trackId: null };
}

export function sameUi(a: UiState, b: UiState): boolean {
  return (Object.keys(a) as (keyof UiState)[]).every((key) => a[key] === b[key]);
}
