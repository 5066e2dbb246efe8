// The explorer panel: three tabs over one decoding session. Host messages are validated, folded into
// state by store.ts, and the app asks the host for the attention, Q/K/V and lens the UI shows.
// Styles set from code go through Preact style objects, i.e. element.style (the CSSOM), which the
// webview CSP allows; style="" attributes in markup and <style> elements would be blocked.

import { useCallback, useEffect, useLayoutEffect, useReducer, useRef, useState } from 'preact/hooks';
import { type ExplorerMessage, type HostMessage, parseHostMessage, parseUiState, type UiPatch, type UiState } from '../../src/protocol/explorer';
import { linkToHost, restoreState, saveState } from '../common/vscode-api';
import { Divider, TabSpec, Tabs } from '../ui/toolkit';
import { AnalysisProgressView } from './analysis-progress';
import type { Asked } from './announce';
import { TokenChips } from './chips';
import { CompareTab } from './compare-tab';
import { HostData, type Stamped } from './host-data';
import { AttentionSection, AttributionSection, ChipsSection, GenerationSection, HeadsGridSection, LensSection, PositionsSection, QkvSection, TreeSection } from './sections';
import { SentencePicker } from './sentence';
import { StatusLine } from './status';
import { initialState, reduce } from './store';
import { TokenTable } from './token-table';
import { chipSurprise, SurpriseToggle } from './surprise-chips';

const host = linkToHost<ExplorerMessage, HostMessage>(parseHostMessage);
const post = host.post;

const TABS: TabSpec<UiState['tab']>[] = [
  { id: 'tokens', title: 'Tokens' },
  { id: 'attention', title: 'Self-Attention' },
  { id: 'generation', title: 'Generation' },
  { id: 'compare', title: 'Compare' },
];

export function App() {
  const [state, dispatch] = useReducer(reduce, null, () => initialState(restoreState(parseUiState)));
  const { data, ui } = state;
  // Stable callbacks (dispatch and post never change), so the memoized panels (sections.tsx) skip what did not change.
  const change = useCallback((patch: UiPatch, said?: string) => dispatch({ kind: 'ui', patch, said }), []);

  const echoNow = useUiEcho(ui);
  // The Step (or draw, choice, move in the tree) the page sent last, folded into the state with the next host message,
  // the first thing that reads it (store.ts announces the token that comes back by it): dispatched at the click, it
  // re-rendered the whole app while the worker's pass ran on the same two cores (issue 19). One render either way.
  const asked = useRef<Asked>(null);
  useEffect(() => {
    // One listener: each parses what it hears, and a second would warn twice of a malformed message.
    const stop = host.listen((message) => {
      if (message.type === 'echoUi') return echoNow();
      if (asked.current) dispatch({ kind: 'ask', asked: asked.current });
      asked.current = null;
      dispatch({ kind: 'host', message });
    });
    post({ type: 'ready' });
    return stop;
  }, []);
  useHostRequests(data, ui);

  const pick = useCallback((id: string) => {
    dispatch({ kind: 'pick', id });
    post({ type: 'selectSentence', id });
  }, []);
  // Remembered so the token that comes back is announced as a Step's, a draw's, a choice's or a move in the tree.
  const send = useCallback((message: ExplorerMessage) => {
    if (message.type === 'step' || message.type === 'sampleAppend' || message.type === 'forceToken' || message.type === 'selectNode') asked.current = message.type;
    post(message);
  }, []);
  return (
    <main class="explorer">
      <h1 class="visually-hidden">GPT-2 Explorer</h1>
      <StatusLine data={data} onCommand={(command) => post({ type: 'runCommand', command })} />
      <p class="visually-hidden announcement" aria-live="polite">
        {state.announcement}
      </p>
      <Tabs label="Explorer views" tabs={TABS} active={ui.tab} onChange={(tab) => change({ tab })}>
        <SentencePicker presets={data.presets} session={data.session} onPick={pick} />
        {data.progress ? (
          <AnalysisProgressView progress={data.progress} onCancel={() => post({ type: 'cancel' })} />
        ) : data.session ? (
          <TabBody tab={ui.tab} data={data} ui={ui} change={change} send={send} />
        ) : (
          <EmptyState busy={data.busy} />
        )}
      </Tabs>
    </main>
  );
}

/**
 * How long the UI must stay still before the host hears it: the echo is for the lesson's progress and the
 * analysis file, which need no haste, and posted at once it crossed the answer the same change asked for
 * (a Layer or Head change waited behind it: issue 19); a slider dragged or keys held post only where they stop.
 */
const UI_ECHO_QUIET_MS = 100;

/**
 * Keeps the UI state across reloads at once, and tells the host once it has been still for UI_ECHO_QUIET_MS —
 * or at once when the host asks (echoUi: Save Analysis saves what the panels show, not what they showed): the
 * function returned echoes now.
 */
function useUiEcho(ui: UiState): () => void {
  const latest = useRef(ui);
  latest.current = ui;
  useEffect(() => {
    saveState(ui);
    const timer = setTimeout(() => post({ type: 'uiState', ui }), UI_ECHO_QUIET_MS);
    return () => clearTimeout(timer);
  }, [ui]);
  return useCallback(() => post({ type: 'uiState', ui: latest.current }), []);
}

/**
 * Asks the host for what the UI shows; a new session (sessions + 1) asks again. Only for the panels the tab
 * draws (attention and Q/K/V on Self-Attention, the lens there and on Tokens): a Step on the Generation tab
 * waits for no other answer and no other render (issue 19); a tab opened later asks then. Nothing is asked
 * again that the view held already answers. Layout effects, so a request leaves as soon as the change that
 * needs it is rendered, not a frame later after its paint.
 */
function useHostRequests(data: HostData, ui: UiState) {
  const ready = data.session !== null;
  const fresh = <View,>(held: Stamped<View> | null, same: (view: View) => boolean) => held !== null && held.session === data.sessions && same(held.view);
  const onAttentionTab = ui.tab === 'attention';
  useLayoutEffect(() => {
    const answered = fresh(data.attention, (view) => view.layer === ui.layer && view.head === ui.head);
    if (ready && onAttentionTab && !answered) post({ type: 'requestAttention', layer: ui.layer, head: ui.head });
  }, [ready, data.sessions, ui.layer, ui.head, onAttentionTab]);
  const showsLens = onAttentionTab || ui.tab === 'tokens';
  useLayoutEffect(() => {
    // Nothing tracked yet: the answer tracks the top token at the last layer, and the UI adopts it
    // (store.ts); that adoption needs no second request.
    const answered = fresh(data.lens, (view) => view.token === ui.token && view.layer === ui.lensLayer && view.track?.id === ui.trackId);
    if (ready && showsLens && ui.token !== null && !answered) post({ type: 'requestLens', layer: ui.lensLayer, token: ui.token, trackId: ui.trackId });
  }, [ready, data.sessions, ui.token, ui.lensLayer, ui.trackId, showsLens]);
  useLayoutEffect(() => {
    const answered = fresh(data.qkv, (view) => view.token === ui.token && view.layer === ui.layer && view.head === ui.head);
    if (ready && onAttentionTab && ui.token !== null && ui.showQkv && !answered) post({ type: 'requestQkv', layer: ui.layer, head: ui.head, token: ui.token });
  }, [ready, data.sessions, ui.token, ui.layer, ui.head, ui.showQkv, onAttentionTab]);
}

interface TabBodyProps {
  data: HostData;
  ui: UiState;
  change: (patch: UiPatch) => void;
  tab: UiState['tab'];
  send: (message: ExplorerMessage) => void; // the Generation panel's messages
}

function TabBody({ tab, data, ui, change, send }: TabBodyProps) {
  const session = data.session!;
  const [surpriseOn, setSurpriseOn] = useState(false);
  const surprise = surpriseOn ? chipSurprise(session, data.surprise) : null;
  useLayoutEffect(() => {
    if (surpriseOn && !surprise) post({ type: 'requestSurprise' }); // on, and nothing scored for this sentence yet (a layout effect, as useHostRequests')
  }, [surpriseOn, session.sentence.text]);
  const selectToken = useCallback((token: number) => change({ token }), [change]);
  const { sessions } = data;
  const { layer, head, token } = ui;
  const lens = <LensSection session={session} lens={data.lens} sessions={sessions} token={token} lensLayer={ui.lensLayer} trackId={ui.trackId} change={change} post={post} />;
  const generation = <GenerationSection session={session} tally={data.tally ?? session.tally} busy={data.busy || data.readOnly !== null} readOnly={data.readOnly !== null} post={send} />;
  if (tab === 'tokens') {
    return (
      <>
        <TokenChips tokens={session.tokens} selected={token} onSelect={selectToken} surprise={surprise} />
        <SurpriseToggle on={surpriseOn} onToggle={() => setSurpriseOn(!surpriseOn)} />
        <p class="hint">{session.tokens.length} tokens. A “·” is a space that belongs to the token. Click a chip for its logit lens.</p>
        <TokenTable tokens={session.tokens} selected={token} onReveal={(index) => post({ type: 'revealToken', index })} />
        {lens}
      </>
    );
  }
  if (tab === 'compare') return <CompareTab data={data} post={send} change={change} />;
  if (tab === 'generation') {
    return (
      <>
        {generation}
        <TreeSection session={session} post={send} />
        <AttributionSection session={session} sessions={sessions} attribution={data.attribution} tokenized={data.tokenized} post={send} change={change} />
      </>
    );
  }
  const chosen = { layer, head, token, sessions, session, change };
  return (
    <>
      <ChipsSection tokens={session.tokens} selected={token} onSelect={selectToken} />
      <AttentionSection {...chosen} attention={data.attention} post={post} />
      <HeadsGridSection {...chosen} grid={data.headsGrid} post={send} />
      {data.projection && <PositionsSection session={session} projection={data.projection} slider={ui.slider} change={change} post={post} />}
      <QkvSection {...chosen} qkv={data.qkv} showQkv={ui.showQkv} post={post} />
      {lens}
      <Divider />
      {generation}
    </>
  );
}

/** busy: the host is making the first session (a panel restored after a window reload, the model loading): it is coming, nothing to pick. */
function EmptyState({ busy }: { busy: boolean }) {
  if (busy) {
    return (
      <div class="empty">
        <p>Getting the sentence ready…</p>
        <p class="hint">GPT-2 is working; the sentence shows here once it has read it.</p>
      </div>
    );
  }
  return (
    <div class="empty">
      <p>Nothing to explore yet.</p>
      <p class="hint">Pick a sentence from the Sentence dropdown above, or select text in an editor and analyze it with GPT-2 Explorer.</p>
    </div>
  );
}
