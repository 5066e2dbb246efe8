// The explorer's state rules without a browser: which session resets the dropdowns, what a reload
// keeps, and when an answer from the host is stale.

import assert from 'node:assert/strict';
import { type HostMessage, parseUiState } from '../../src/protocol/explorer';
import { packAttention, patternBytes, PATTERNS_HELD_BYTES } from '../../src/protocol/attention-map';
import { shown } from '../../webview/explorer/host-data';
import { ExplorerState, initialState, reduce } from '../../webview/explorer/store';
import { initialUiState } from '../../webview/explorer/ui-state';
import * as lesson from './fixtures/lesson';

const host = (state: ExplorerState, message: HostMessage) => reduce(state, { kind: 'host', message });

describe('explorer state', () => {
  it('the first session on a fresh panel brings the sentence defaults (6 / 0)', () => {
    const state = host(initialState(null), lesson.session());
    assert.equal(state.ui.layer, 6);
    assert.equal(state.ui.head, 0);
  });

  it('after a reload the first session keeps the restored layer, head and chip', () => {
    const saved = { ...initialUiState, tab: 'attention' as const, layer: 11, head: 3, token: 5, slider: 9, lensLayer: 12 }; // as saved from a 12-layer session
    const state = host(initialState(saved), lesson.session());
    assert.deepEqual(state.ui, saved);
  });

  it('picking a sentence applies its defaults when its session arrives, and clears the chip', () => {
    let state = host(initialState(null), lesson.session());
    state = reduce(state, { kind: 'ui', patch: { layer: 11, token: 4, trackId: 6342 } });
    state = reduce(state, { kind: 'pick', id: 'fox' });
    assert.equal(state.ui.layer, 11, 'nothing changes before the session arrives');
    state = host(state, lesson.session('fox'));
    assert.deepEqual([state.ui.layer, state.ui.head, state.ui.token, state.ui.trackId], [3, 2, null, null]);
  });

  it('Step (same sentence, one more token) keeps what the learner set', () => {
    let state = host(initialState(null), lesson.session());
    state = reduce(state, { kind: 'ui', patch: { layer: 11, head: 7, token: 11 } });
    state = host(state, lesson.session('capitals', 1));
    assert.deepEqual([state.ui.layer, state.ui.head, state.ui.token], [11, 7, 11]);
  });

  it('a different sentence from elsewhere (selection, CodeLens) also starts fresh', () => {
    let state = host(initialState(null), lesson.session());
    state = reduce(state, { kind: 'ui', patch: { layer: 1 } });
    state = host(state, lesson.session('fox'));
    assert.equal(state.ui.layer, 3);
  });

  it('a new editor selection (same id "selection", new text) starts fresh; the same one does not', () => {
    const selection = (text: string): HostMessage => {
      const message = lesson.session();
      if (message.type === 'session') message.session.sentence = { id: 'selection', text, source: 'selection' };
      return message;
    };
    let state = host(initialState(null), selection('first'));
    state = reduce(state, { kind: 'ui', patch: { layer: 1, token: 2 } });
    state = host(state, selection('first'));
    assert.deepEqual([state.ui.layer, state.ui.token], [1, 2]);
    state = host(state, selection('second'));
    assert.deepEqual([state.ui.layer, state.ui.token], [6, null]);
  });

  it('with nothing tracked, the chip’s top token at the last layer becomes the tracked one; another chip resets it', () => {
    let state = host(initialState(null), lesson.session());
    state = reduce(state, { kind: 'ui', patch: { token: 11, lensLayer: 4 } });
    state = host(state, lesson.lens(4, 5, null));
    assert.equal(state.ui.trackId, null, "another chip's answer does not choose");
    state = host(state, lesson.lens(4, 11, null)); // the host tracks the top token at the last layer for it
    const top = (lesson.lens(12, 11, null) as { view: { top: { id: number }[] } }).view.top[0].id;
    assert.equal(state.ui.trackId, top);
    state = reduce(state, { kind: 'ui', patch: { token: 5 } });
    assert.equal(state.ui.trackId, null);
    state = reduce(state, { kind: 'ui', patch: { token: 6, trackId: top } });
    assert.equal(state.ui.trackId, top, 'unless the patch names one');
  });

  it('host patches are clamped to the model and the tokens', () => {
    const state = host(host(initialState(null), lesson.session()), { type: 'ui', patch: { layer: 40, head: 20, slider: 30, lensLayer: 50, token: 99 } });
    assert.deepEqual([state.ui.layer, state.ui.head, state.ui.slider, state.ui.lensLayer, state.ui.token], [11, 11, 12, 12, null]);
  });

  it('an answer is fresh only in its session and for what the UI asks now; stale ones stay on screen', () => {
    let state = host(initialState(null), lesson.session());
    state = host(state, lesson.qkv(6, 0, 11));
    const sameChip = (view: { token: number }) => view.token === 11;
    const layer6 = (view: { layer: number }) => view.layer === 6;
    assert.equal(shown(state.data, state.data.qkv, sameChip, layer6)?.stale, false);
    assert.equal(shown(state.data, state.data.qkv, sameChip, (view) => view.layer === 7)?.stale, true, 'another layer is asked for');
    assert.equal(shown(state.data, state.data.qkv, (view) => view.token === 3, layer6), null, 'another chip: nothing to show');
    state = host(state, lesson.session('capitals', 1));
    assert.equal(shown(state.data, state.data.qkv, sameChip, layer6)?.stale, true, 'a new session makes it stale');
  });

  it('a Layer or Head change draws a pattern read ahead for this session at once, and never one of an earlier session', () => {
    // Patterns written here, each row a different split, so a pattern drawn for the wrong head shows.
    const pattern = (size: number, seed: number) => Array.from({ length: size * size }, (_, i) => {
      const [query, key] = [Math.floor(i / size), i % size];
      return key > query ? 0 : key === (query + seed) % (query + 1) ? 0.5 + 0.5 / (query + 1) : 0.5 / (query + 1);
    });
    const maps = (size: number, layer: number) => Array.from({ length: 12 }, (_, head) => packAttention(layer, head, size, pattern(size, layer * 12 + head)));
    let state = host(initialState(null), lesson.session());
    const size = state.data.session!.tokens.length;
    state = host(state, { type: 'attentionAhead', maps: maps(size, 3) });
    state = reduce(state, { kind: 'ui', patch: { layer: 3, head: 5 } });
    const drawn = shown(state.data, state.data.attention, () => true, (view) => view.layer === 3 && view.head === 5);
    assert.equal(drawn?.stale, false, 'drawn from what the panel holds, fresh');
    assert.deepEqual(drawn.view.weights, pattern(size, 3 * 12 + 5).map(Math.fround)); // sent as float32
    state = host(state, lesson.session('capitals', 1)); // a Step: every pattern changes
    state = reduce(state, { kind: 'ui', patch: { head: 6 } });
    const after = shown(state.data, state.data.attention, () => true, (view) => view.layer === 3 && view.head === 6);
    assert.equal(after?.stale, true, 'the old pattern stays dimmed: the one read ahead before the Step is not drawn');
    assert.deepEqual(after.view.weights, pattern(size, 3 * 12 + 5).map(Math.fround));
    state = host(state, { type: 'attentionAhead', maps: maps(size + 1, 3) }); // read for the new session: drawn as it arrives
    const fresh = shown(state.data, state.data.attention, () => true, (view) => view.layer === 3 && view.head === 6);
    assert.equal(fresh?.stale, false);
    assert.deepEqual(fresh.view.weights, pattern(size + 1, 3 * 12 + 6).map(Math.fround));
  });

  it('keeps at most PATTERNS_HELD_BYTES of the patterns it was sent, the oldest out first, the newest always', () => {
    const uniform = (size: number) => Array.from({ length: size * size }, (_, i) => (i % size > Math.floor(i / size) ? 0 : 1 / (Math.floor(i / size) + 1)));
    const long = 600; // 0.72 MB a head: two fit in 2 MiB, a third does not
    assert.ok(2 * patternBytes(long) <= PATTERNS_HELD_BYTES && 3 * patternBytes(long) > PATTERNS_HELD_BYTES);
    const sent = (state: ExplorerState, head: number, size = long) => host(state, { type: 'attentionMap', view: packAttention(0, head, size, uniform(size)) });
    const held = (state: ExplorerState) => Object.keys(state.data.patterns?.view ?? {});
    let state = host(initialState(null), lesson.session());
    for (const head of [0, 1, 2]) state = sent(state, head);
    assert.deepEqual(held(state), ['0/1', '0/2']);
    state = sent(state, 1); // sent again: the newest now
    state = sent(state, 3);
    assert.deepEqual(held(state), ['0/1', '0/3']);
    state = sent(state, 4, 1024); // one head of a 1,024-token prompt is more than the whole budget: it alone stays
    assert.ok(patternBytes(1024) > PATTERNS_HELD_BYTES);
    assert.deepEqual(held(state), ['0/4']);
  });

  it('a sample tally replaces the session tally; status ready or a new session clears an error', () => {
    let state = host(initialState(null), lesson.session());
    state = host(state, { type: 'tally', tally: { counts: { '6342': 1 }, total: 1, last: { id: 6342, text: ' Paris', prob: 0.6 } } });
    assert.equal(state.data.tally?.total, 1);
    state = host(state, { type: 'error', message: 'boom', action: null });
    assert.equal(state.data.error?.message, 'boom');
    state = host(state, lesson.ready);
    assert.equal(state.data.error, null);
    state = host(state, { type: 'error', message: 'prompt too long', action: null });
    state = host(state, lesson.session());
    assert.equal(state.data.error, null, 'a new session clears it too');
  });

  it('announces what Step, Sample & append and Sample brought, with its probability', () => {
    let state = host(initialState(null), lesson.session());
    const paris = (lesson.session() as { session: { next: { top: { id: number; prob: number }[] } } }).session.next.top[0];
    assert.equal(state.announcement, '', 'a first session announces nothing');
    state = host(state, lesson.session('capitals', 1));
    assert.equal(state.announcement, `Step: appended " Paris" (${(paris.prob * 100).toFixed(1)} %) as token 13`);
    state = host(state, { type: 'tally', tally: { counts: { '6342': 1 }, total: 1, last: { id: 6342, text: ' Paris', prob: 0.6213 } } });
    assert.equal(state.announcement, 'Sample: drew " Paris" (62.1 %), draw 1');
    state = host(state, { type: 'tally', tally: { counts: { '6342': 2 }, total: 2, last: { id: 6342, text: ' Paris', prob: 0.6213 } } });
    assert.equal(state.announcement, 'Sample: drew " Paris" (62.1 %), draw 2', 'the same draw again is told apart');
    state = reduce(state, { kind: 'ask', asked: 'sampleAppend' });
    state = host(state, lesson.session('capitals', 2));
    // The fixture's second generated token is not among the ten candidates shown before it.
    assert.equal(state.announcement, 'Sample & append: appended "." (not among the 10 most likely) as token 14');
    assert.equal(state.asked, null, 'the next appended token is a Step again unless the page asks otherwise');
    state = reduce(state, { kind: 'ask', asked: 'sampleAppend' });
    state = host(state, lesson.session('capitals', 0));
    assert.equal(state.asked, null, 'a session that appends nothing (Reset) answers the request too');
    const before = state.announcement;
    state = host(state, lesson.session('fox'));
    assert.equal(state.announcement, before, 'another sentence appends nothing');
  });

  it('announces a candidate chosen and a move in the decoding tree', () => {
    let state = host(initialState(null), lesson.session());
    const paris = (lesson.session() as { session: { next: { top: { id: number; prob: number }[] } } }).session.next.top[0];
    state = reduce(state, { kind: 'ask', asked: 'forceToken' });
    state = host(state, lesson.session('capitals', 1));
    assert.equal(state.announcement, `You chose: appended " Paris" (${(paris.prob * 100).toFixed(1)} %) as token 13`);
    state = host(state, lesson.session('capitals', 2));
    state = reduce(state, { kind: 'ask', asked: 'selectNode' });
    state = host(state, lesson.session('capitals', 1));
    assert.equal(state.announcement, 'Tree: showing " Paris" as token 13', 'back one node');
    state = reduce(state, { kind: 'ask', asked: 'selectNode' });
    state = host(state, lesson.session('capitals', 0));
    assert.equal(state.announcement, 'Tree: back at the prompt, 12 tokens');
    assert.equal(state.asked, null);
  });

  it('a saved state is checked with the protocol schema', () => {
    assert.ok(parseUiState(initialUiState).ok);
    assert.equal(parseUiState({ ...initialUiState, layer: -1 }).ok, false);
    assert.equal(parseUiState({ ...initialUiState, extra: 1 }).ok, false);
    assert.equal(parseUiState('junk').ok, false);
  });
});
