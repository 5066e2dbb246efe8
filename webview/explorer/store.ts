// The explorer's whole state and how host messages and clicks change it (a pure reducer).

import type { HostMessage, UiPatch, UiState } from '../../src/protocol/explorer';
import { announce, type Asked } from './announce';
import { emptyHostData, foldHostMessage, HostData, patternKey } from './host-data';
import { applyPatch, clampToSession, initialUiState, startSentence } from './ui-state';
import { misfit } from '../../src/protocol/projection';
import { applyChipsUpdate } from '../../src/protocol/session-chips';
import { unpackAttention } from '../../src/protocol/attention-map';
import type { AttentionMap, LensView, SessionView } from '../../src/protocol/views';

export interface ExplorerState {
  data: HostData;
  ui: UiState;
  restored: boolean; // ui came from before a reload: the first session keeps it
  picked: string | null; // sentence id chosen in the dropdown, until its session arrives
  shownSentence: string | null; // id and text of the sentence on screen
  asked: Asked; // the last Step or Sample & append the page sent, until the next session arrives
  announcement: string; // the live region's words: what the last Step or Sample brought
}

export type Action =
  | { kind: 'host'; message: HostMessage }
  | { kind: 'ui'; patch: UiPatch; said?: string } // said: the live region's words for it (a patching cell that opened a view)
  | { kind: 'pick'; id: string }
  | { kind: 'ask'; asked: NonNullable<Asked> };

export function initialState(saved: UiState | null): ExplorerState {
  return { data: emptyHostData, ui: saved ?? initialUiState, restored: saved !== null, picked: null, shownSentence: null, asked: null, announcement: '' };
}

export function reduce(state: ExplorerState, action: Action): ExplorerState {
  switch (action.kind) {
    case 'pick':
      return { ...state, picked: action.id };
    case 'ask':
      return { ...state, asked: action.asked };
    case 'ui':
      return drawHeld({ ...state, ui: withinSession(applyPatch(state.ui, action.patch), state.data.session), announcement: action.said ?? state.announcement });
    case 'host': {
      const message = withChips(state, action.message);
      if (!message || !fits(state, message)) return state;
      const said = announce(state.data, message, state.asked);
      // An appended token comes in a session: after any session, the page's last request has had its answer.
      const asked = message.type === 'session' ? null : state.asked;
      return drawHeld({ ...receive(state, message), asked, announcement: said ?? state.announcement });
    }
  }
}

/**
 * A session message that carries only the chips the panel does not hold, made whole with the ones it holds
 * (protocol/session-chips.ts), so everything after sees the session as the host has it; null (dropped and
 * logged, like a malformed message) when they do not fit what is held.
 */
function withChips(state: ExplorerState, message: HostMessage): HostMessage | null {
  if (message.type !== 'session' || message.chipsFrom === undefined) return message;
  const tokens = applyChipsUpdate(state.data.session?.tokens ?? null, { tokens: message.session.tokens, from: message.chipsFrom });
  if (!tokens.ok) console.warn(`dropped a session message: ${tokens.error}`);
  return tokens.ok ? { type: 'session', session: { ...message.session, tokens: tokens.value }, projection: message.projection } : null;
}

/** A session whose projection update does not fit the projection held (a host bug) is dropped and logged, like a malformed message. */
function fits(state: ExplorerState, message: HostMessage): boolean {
  if (message.type !== 'session') return true;
  const error = misfit(state.data.projection, message.projection); // host-data.ts folds it, once
  if (error !== null) console.warn(`dropped a session message: ${error}`);
  return error === null;
}

function receive(state: ExplorerState, message: HostMessage): ExplorerState {
  if (message.type === 'ui') return reduce(state, { kind: 'ui', patch: message.patch });
  if (message.type === 'session') return receiveSession(state, message.session, foldHostMessage(state.data, message));
  if (message.type === 'attentionMap') return receiveAttention(state, message.view);
  if (message.type === 'lens') return adoptDefaultTrack({ ...state, data: foldHostMessage(state.data, message) }, message.view);
  return { ...state, data: foldHostMessage(state.data, message) };
}

/** A packed attention map unpacked into the view the heatmap draws, and kept (host-data.ts); one that does not unpack is dropped and logged. */
function receiveAttention(state: ExplorerState, map: AttentionMap): ExplorerState {
  const view = unpackAttention(map);
  if (!view.ok) console.warn(`dropped a malformed host message: ${view.error}`);
  return view.ok ? receive({ ...state, data: foldHostMessage(state.data, { type: 'attentionMap', view: map }) }, { type: 'attention', view: view.value }) : state;
}

/**
 * The head the UI asks for, drawn from a pattern the panel holds for this session (answered before, or read
 * ahead by the host in a pause) when the attention shown is not it: no trip to the host and back (issue 19).
 * app.tsx then asks for nothing, as for any answered view. A pattern of an earlier session is never drawn.
 */
function drawHeld(state: ExplorerState): ExplorerState {
  const { data, ui } = state;
  if (data.patterns?.session !== data.sessions) return state;
  const shown = data.attention?.session === data.sessions && data.attention.view.layer === ui.layer && data.attention.view.head === ui.head;
  const map = shown ? undefined : data.patterns.view[patternKey(ui.layer, ui.head)];
  if (!map) return state;
  const view = unpackAttention(map);
  if (view.ok) return { ...state, data: foldHostMessage(data, { type: 'attention', view: view.value }) };
  console.warn(`dropped a malformed host message: ${view.error}`); // and the pattern: app.tsx asks the host for it
  const { [patternKey(ui.layer, ui.head)]: _dropped, ...rest } = data.patterns.view;
  return { ...state, data: { ...data, patterns: { ...data.patterns, view: rest } } };
}

/**
 * With no token chosen to track, the lens chart tracks the clicked chip's top guess at the last layer:
 * a lens request without a tracked token is answered with that guess tracked, which the UI adopts (app.tsx
 * does not ask again for what this answer already shows).
 */
function adoptDefaultTrack(state: ExplorerState, lens: LensView): ExplorerState {
  const answersDefault = state.ui.trackId === null && lens.track !== null && lens.token === state.ui.token;
  return answersDefault ? { ...state, ui: { ...state.ui, trackId: lens.track!.id } } : state;
}

function receiveSession(state: ExplorerState, session: SessionView, data: HostData): ExplorerState {
  const { id, text } = session.sentence;
  const shown = `${id}\n${text}`; // every editor selection has the id "selection": its text tells them apart
  // Step 1 of the lesson: a newly chosen sentence brings its default Layer/Head. The same sentence
  // (after Step, Sample, Reset or a reload) keeps what the learner set.
  const isNew = state.picked === id || (state.shownSentence === null ? !state.restored : state.shownSentence !== shown);
  const ui = clampToSession(isNew ? startSentence(state.ui, session) : state.ui, session);
  return { ...state, data, ui, picked: state.picked === id ? null : state.picked, shownSentence: shown };
}

function withinSession(ui: UiState, session: SessionView | null): UiState {
  return session ? clampToSession(ui, session) : ui;
}
