// Everything the host has told the explorer, folded from validated host messages (pure).

import type { CommandAction, HostMessage, ModelState } from '../../src/protocol/explorer';
import { applyProjectionUpdate } from '../../src/protocol/projection';
import { patternBytes, PATTERNS_HELD_BYTES } from '../../src/protocol/attention-map';
import type { TextScores } from '../../src/protocol/surprise';
import type { AnalysisProgress, AttentionMap, AttentionView, AttributionPanelView, HeadsGridView, LensView, PresetView, ProjectionView, QkvView, SessionView, TallyView, TokenizedView } from '../../src/protocol/views';
import type { CompareView, PairView, PatchingView, PatchProgress } from '../../src/protocol/compare';

/** A view and the session it arrived in: one from an earlier session is stale until its replacement comes. */
export interface Stamped<View> {
  view: View;
  session: number;
}

export interface HostData {
  presets: PresetView[];
  model: ModelState;
  busy: boolean;
  readOnly: string | null; // the file of an analysis shown without the model
  detail: string; // the status line's words
  error: { message: string; action: CommandAction | null } | null;
  sessions: number; // how many session messages arrived: stamps the views below
  session: SessionView | null;
  projection: ProjectionView | null;
  tally: TallyView | null; // the session's, replaced by every `tally` message (Sample rolls)
  attention: Stamped<AttentionView> | null;
  patterns: Stamped<Record<string, AttentionMap>> | null; // packed, by patternKey: every one this session was answered or read ahead (store.ts draws from them)
  qkv: Stamped<QkvView> | null;
  lens: Stamped<LensView> | null;
  attribution: Stamped<AttributionPanelView> | null;
  headsGrid: Stamped<HeadsGridView> | null;
  tokenized: TokenizedView | null; // the latest typed target, as the tokenizer split it
  progress: AnalysisProgress | null; // a long Analyze under way: its chips and how far it is
  surprise: { text: string; scores: TextScores } | null; // token surprise of a sentence (shown while it is the session's)
  pairs: PairView[]; // the Compare tab's minimal pairs
  compare: { view: CompareView; pair: string | null } | null; // the session's prompt beside a second one
  compareRefused: { clean: string; corrupt: string; message: string } | null; // the last comparison asked that could not be made
  patchProgress: PatchProgress | null; // a patching run under way
  patching: { clean: string; corrupt: string; views: PatchingView[] } | null; // the last patching grids
}

export const emptyHostData: HostData = {
  presets: [],
  model: 'none',
  busy: false,
  readOnly: null,
  detail: '',
  error: null,
  sessions: 0,
  session: null,
  projection: null,
  tally: null,
  attention: null,
  patterns: null,
  qkv: null,
  lens: null,
  attribution: null,
  headsGrid: null,
  tokenized: null,
  progress: null,
  surprise: null,
  pairs: [],
  compare: null,
  compareRefused: null,
  patchProgress: null,
  patching: null,
};

/** Folds one message in; `ui` messages change the UI state, not the data, and are handled by the caller. */
export function foldHostMessage(data: HostData, message: HostMessage): HostData {
  const stamp = <View>(view: View): Stamped<View> => ({ view, session: data.sessions });
  switch (message.type) {
    case 'init':
      return { ...data, presets: message.presets, pairs: message.pairs ?? [] };
    case 'status':
      // A model that is ready again clears an earlier error.
      return { ...data, model: message.model, busy: message.busy, readOnly: message.readOnly ?? null, detail: message.detail, error: message.model === 'ready' ? null : data.error };
    case 'session': {
      // The app asks again for the attention, Q/K/V and lens it shows; until they arrive the old ones stay
      // on screen, marked stale, so the page does not jump while the learner presses Step. A session that
      // arrives means whatever failed before has been overcome: the error goes.
      // The projection comes whole or as what changed (protocol/projection.ts); store.ts drops one that does not fit.
      const projection = applyProjectionUpdate(data.projection, message.projection);
      if (!projection.ok) return data;
      return { ...data, error: null, progress: null, sessions: data.sessions + 1, session: message.session, projection: projection.value, tally: message.session.tally };
    }
    case 'progress':
      return { ...data, progress: message.progress };
    case 'attention':
      return { ...data, attention: stamp(message.view) };
    case 'attentionMap': // store.ts also unpacks it into an `attention` message
      return { ...data, patterns: keepPatterns(data, [message.view]) };
    case 'attentionAhead':
      return { ...data, patterns: keepPatterns(data, message.maps) };
    case 'qkv':
      return { ...data, qkv: stamp(message.view) };
    case 'lens':
      return { ...data, lens: stamp(message.view) };
    case 'attribution':
      return { ...data, attribution: stamp(message.view) };
    case 'headsGrid':
      return { ...data, headsGrid: stamp(message.view) };
    case 'tokenized':
      return { ...data, tokenized: message.view };
    case 'compare':
      return { ...data, compare: { view: message.view, pair: message.pair }, compareRefused: null };
    case 'compareRefused':
      return { ...data, compareRefused: { clean: message.clean, corrupt: message.corrupt, message: message.message } };
    case 'patchProgress':
      return { ...data, patchProgress: message.progress };
    case 'patching':
      return { ...data, patching: { clean: message.clean, corrupt: message.corrupt, views: message.views } };
    case 'tally':
      return { ...data, tally: message.tally };
    case 'surprise':
      return { ...data, surprise: { text: message.text, scores: message.scores } };
    case 'error':
      return { ...data, progress: null, error: { message: message.message, action: message.action } };
    case 'ui':
    case 'echoUi': // app.tsx answers it
      return data;
  }
}

/** Where a head's pattern is kept in `patterns`. */
export function patternKey(layer: number, head: number): string {
  return `${layer}/${head}`;
}

/**
 * The patterns held for this session with `maps` added, newest last; those of an earlier session are dropped (a
 * Step changes every pattern), and the oldest go once they hold more than PATTERNS_HELD_BYTES — the newest map is
 * always kept: it is the one on screen (at 1,024 tokens one head's is 2 MB, and a learner may look at every head).
 */
function keepPatterns(data: HostData, maps: AttentionMap[]): Stamped<Record<string, AttentionMap>> {
  const held = data.patterns?.session === data.sessions ? data.patterns.view : {};
  const added = new Map(maps.map((map) => [patternKey(map.layer, map.head), map]));
  const entries = [...Object.entries(held).filter(([key]) => !added.has(key)), ...added];
  let bytes = entries.reduce((sum, [, map]) => sum + patternBytes(map.size), 0);
  let oldest = 0;
  while (bytes > PATTERNS_HELD_BYTES && oldest < entries.length - 1) bytes -= patternBytes(entries[oldest++][1].size);
  return { view: Object.fromEntries(entries.slice(oldest)), session: data.sessions };
}

export interface Shown<View> {
  view: View;
  stale: boolean; // drawn dimmed until the answer to the latest request arrives
}

/**
 * What to draw: the latest view if it is about the same subject (e.g. the same chip), marked stale
 * unless it came in this session and answers exactly what the UI asks for now. Keeping the old view
 * on screen while the new one is on its way stops the page from jumping on every slider move.
 */
export function shown<View>(data: Pick<HostData, 'sessions'>, stamped: Stamped<View> | null, sameSubject: (view: View) => boolean, answers: (view: View) => boolean): Shown<View> | null {
  if (!stamped || !sameSubject(stamped.view)) return null;
  return { view: stamped.view, stale: stamped.session !== data.sessions || !answers(stamped.view) };
}
