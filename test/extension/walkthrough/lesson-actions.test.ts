// The walkthrough's one table from a lesson action to the explorer, with recording hands.

import assert from 'node:assert/strict';
import type { ExplorerState } from '../../../src/extension/ports';
import { LESSON_STEPS, type LessonAction } from '../../../src/extension/walkthrough/lesson';
import { performLessonAction, type LessonHands } from '../../../src/extension/walkthrough/lesson-actions';
import { DEFAULT_DECODING, type DecodingPatch } from '../../../src/protocol/decoding';
import * as fixture from '../../webview/fixtures/lesson';

/** The explorer's own commands: the only ones a lesson may run. */
const EXPLORER_COMMANDS = ['gpt2Explorer.choosePreset', 'gpt2Explorer.applyUi', 'gpt2Explorer.step', 'gpt2Explorer.sample', 'gpt2Explorer.reset'];

class RecordingHands implements LessonHands {
  readonly ran: unknown[][] = [];
  readonly decoding: DecodingPatch[] = [];
  readonly paused: number[] = [];
  /** Steps after which generation stops (the session's `stop` is set). */
  stopAfterSteps = Infinity;
  private steps = 0;

  readonly explorer = {
    state: lessonState(null),
    setDecoding: async (patch: DecodingPatch) => void this.decoding.push(patch),
  };

  run = async (command: string, ...args: unknown[]) => {
    this.ran.push([command, ...args]);
    if (command === 'gpt2Explorer.step' && ++this.steps >= this.stopAfterSteps) this.explorer.state = lessonState('max_tokens');
  };

  pause = async (ms: number) => void this.paused.push(ms);
}

function lessonState(stop: 'max_tokens' | null): ExplorerState {
  const message = fixture.session('capitals', 0);
  assert.equal(message.type, 'session');
  return { model: 'ready', session: { ...message.session, stop }, ui: null, tallyTotal: 0, decoding: DEFAULT_DECODING };
}

async function perform(hands: RecordingHands, ...actions: LessonAction[]): Promise<void> {
  for (const action of actions) await performLessonAction(action, hands);
}

describe('lesson actions', () => {
  it('does each kind of action through the explorer command it means', async () => {
    const hands = new RecordingHands();
    await perform(hands, { do: 'choosePreset', presetId: 'capitals' }, { do: 'ui', patch: { tab: 'generation' } }, { do: 'step', times: 2 }, { do: 'sample', times: 3 }, { do: 'reset' }, { do: 'pause', ms: 600 });
    assert.deepEqual(hands.ran, [
      ['gpt2Explorer.choosePreset', 'capitals'],
      ['gpt2Explorer.applyUi', { tab: 'generation' }],
      ['gpt2Explorer.step'],
      ['gpt2Explorer.step'],
      ['gpt2Explorer.sample'],
      ['gpt2Explorer.sample'],
      ['gpt2Explorer.sample'],
      ['gpt2Explorer.reset'],
    ]);
    assert.deepEqual(hands.paused, [600]);
  });

  it('gives a decoding change to the explorer\'s one writer, running no command', async () => {
    const hands = new RecordingHands();
    await perform(hands, { do: 'decoding', patch: { temperature: 1.5 } });
    assert.deepEqual(hands.decoding, [{ temperature: 1.5 }]);
    assert.deepEqual(hands.ran, []);
  });

  it('stops stepping once generation has stopped', async () => {
    const hands = new RecordingHands();
    hands.stopAfterSteps = 2;
    await perform(hands, { do: 'step', times: 10 });
    assert.equal(hands.ran.length, 2);
    await perform(hands, { do: 'step', times: 1 });
    assert.equal(hands.ran.length, 2, 'no step at all after the stop');
  });

  it('runs only the explorer\'s commands in every lesson step, and sets the temperature only as a decoding change', async () => {
    const hands = new RecordingHands();
    for (const step of LESSON_STEPS) await perform(hands, ...step.actions(hands.explorer.state, 'capitals'));
    assert.deepEqual([...new Set(hands.ran.map(([command]) => command))].filter((command) => !EXPLORER_COMMANDS.includes(command as string)), []);
    assert.deepEqual(hands.decoding, [{ temperature: 0 }, { temperature: 1.5 }]);
  });
});
