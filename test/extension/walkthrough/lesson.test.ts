import assert from 'node:assert/strict';
import type { ExplorerState } from '../../../src/extension/ports';
import { FRESH_PROGRESS, LESSON_STEPS, lessonPresetId, needsSentence, observe, restoreProgress, sliderStops, type LessonProgress } from '../../../src/extension/walkthrough/lesson';
import { DEFAULT_DECODING } from '../../../src/protocol/decoding';
import type { UiState } from '../../../src/protocol/explorer';
import type { SessionView } from '../../../src/protocol/views';
import * as fixture from '../../webview/fixtures/lesson';

const ui: UiState = { tab: 'attention', layer: 6, head: 0, slider: 0, token: null, showQkv: false, lensLayer: 12, trackId: null };

function lessonSession(generated = 0, changes: Partial<SessionView> = {}): SessionView {
  const message = fixture.session('capitals', generated);
  assert.equal(message.type, 'session');
  return { ...message.session, ...changes };
}

function state(session: SessionView | null, uiChanges: Partial<UiState> = {}, tallyTotal = 0): ExplorerState {
  return { model: 'ready', session, ui: session ? { ...ui, ...uiChanges } : null, tallyTotal, decoding: session?.settings ?? DEFAULT_DECODING };
}

/** Feeds states in order, as the controller's onDidChangeState would. */
function follow(...states: ExplorerState[]): LessonProgress {
  return states.reduce(observe, FRESH_PROGRESS);
}

describe('lesson steps', () => {
  it('has unique ids and says what to do and notice at every step', () => {
    const ids = LESSON_STEPS.map((step) => step.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const step of LESSON_STEPS) {
      assert.ok(step.title && step.todo && step.notice && step.button, step.id);
      assert.ok(step.id.length <= 200, 'ids fit the protocol');
    }
  });

  it('finds the lesson preset by its text, whatever its id', () => {
    assert.equal(lessonPresetId(fixture.presets), 'capitals');
    assert.equal(lessonPresetId([]), 'france');
  });

  it('plays the slider stops 3, 6, 9, 12 on GPT-2 small and scales them to smaller models', () => {
    assert.deepEqual(sliderStops(12), [3, 6, 9, 12]);
    assert.deepEqual(sliderStops(2), [1, 2]);
  });

  it('plays the slider on the model loaded: the last stop is its last layer', () => {
    const layers = LESSON_STEPS.find((step) => step.id === 'layers')!;
    const small = lessonSession(0, { model: { ...lessonSession().model, layers: 2 } });
    const sliders = layers.actions(state(small), 'capitals').flatMap((action) => (action.do === 'ui' ? [action.patch.slider] : []));
    assert.deepEqual(sliders, [0, 1, 2]);
  });

  it('shows Q/K/V of the last prompt token at the last layer', () => {
    const qkv = LESSON_STEPS.find((step) => step.id === 'qkv')!;
    assert.deepEqual(qkv.actions(state(lessonSession(3)), 'capitals'), [
      { do: 'ui', patch: { tab: 'attention', layer: 11, showQkv: true, token: 11 } },
    ]);
  });

  it('picks the lesson sentence before any step that needs one', () => {
    assert.equal(needsSentence(LESSON_STEPS[0], state(null)), false);
    assert.equal(needsSentence(LESSON_STEPS[2], state(null)), true);
    assert.equal(needsSentence(LESSON_STEPS[2], state(lessonSession())), false);
  });
});

describe('lesson progress', () => {
  it('starts at the first step with nothing done', () => {
    assert.deepEqual(follow(state(null)), FRESH_PROGRESS);
  });

  it('marks the sentence and the red dot done on the attention tab at slider 0, and moves on to the layers', () => {
    const progress = follow(state(null), state(lessonSession()));
    assert.deepEqual(progress.done, ['sentence', 'red-dot']);
    assert.equal(progress.current, 'layers');
  });

  it('counts another sentence as not the lesson sentence', () => {
    const fox = fixture.session('fox', 0);
    assert.equal(fox.type, 'session');
    assert.deepEqual(follow(state(fox.session)).done, []);
  });

  it('finishes the layers step only once the slider reached the last layer', () => {
    const session = lessonSession();
    const halfway = follow(state(session), state(session, { slider: 6 }));
    assert.ok(!halfway.done.includes('layers'));
    const there = observe(halfway, state(session, { slider: 12 }));
    assert.ok(there.done.includes('layers'));
    assert.deepEqual(there.memory.sliders, [0, 6, 12]);
  });

  it('finishes Q/K/V with the box open on the last "is" at layer 11', () => {
    const session = lessonSession();
    assert.ok(!follow(state(session, { showQkv: true, layer: 11, token: 10 })).done.includes('qkv'));
    assert.ok(follow(state(session, { showQkv: true, layer: 11, token: 11 })).done.includes('qkv'));
  });

  it('follows Step once, then three more, sampling twenty times, both temperatures and the stop', () => {
    const generation = { tab: 'generation' } as const;
    let progress = follow(state(lessonSession(1), generation));
    assert.ok(progress.done.includes('step') && !progress.done.includes('loop'));
    progress = observe(progress, state(lessonSession(4), generation));
    assert.ok(progress.done.includes('loop'));
    progress = observe(progress, state(lessonSession(0), generation, 19));
    assert.ok(!progress.done.includes('sample'));
    progress = observe(progress, state(lessonSession(0), generation, 20));
    assert.ok(progress.done.includes('sample'));
    const at = (temperature: number) => lessonSession(0, { settings: { ...lessonSession().settings, temperature } });
    progress = observe(progress, state(at(0), generation));
    assert.ok(!progress.done.includes('temperature'), 'only 0 seen yet');
    progress = observe(progress, state(at(1.5), generation));
    assert.ok(progress.done.includes('temperature'));
    assert.ok(!progress.done.includes('stop'));
    progress = observe(progress, state(lessonSession(10), generation));
    assert.ok(progress.done.includes('stop'));
  });

  it('stays on a step the learner went back to, even when it is done', () => {
    const progress = follow(state(lessonSession()));
    assert.equal(observe({ ...progress, current: 'sentence' }, state(lessonSession())).current, 'sentence');
  });

  it('restores saved progress and drops what it does not know', () => {
    const saved = { current: 'qkv', done: ['sentence', 'gone', 'sentence', 7], memory: { sliders: [0, 'x', 12], temperatures: null } };
    assert.deepEqual(restoreProgress(saved), { current: 'qkv', done: ['sentence'], memory: { sliders: [0, 12], temperatures: [] } });
    assert.deepEqual(restoreProgress(undefined), FRESH_PROGRESS);
    assert.deepEqual(restoreProgress({ current: 'removed-step' }).current, 'sentence');
  });
});
