// How "Do it" does a lesson action: one table from each kind of action to the explorer. The sentence, the
// UI, Step, Sample and Reset go through the gpt2Explorer commands, so the explorer panel opens when it is
// closed, as after a click in a menu; decoding goes to the controller's one writer, so the lesson's
// experiment changes the live values and never the learner's settings.json. Pure: the view hands in the
// command runner and the clock.

import type { DecodingPatch } from '../../protocol/decoding';
import type { ExplorerState } from '../ports';
import type { LessonAction } from './lesson';

/** What the table acts through. */
export interface LessonHands {
  explorer: { readonly state: ExplorerState; setDecoding(patch: DecodingPatch): Promise<unknown> };
  /** Runs a gpt2Explorer command; resolves when its work is done. */
  run(command: string, ...args: unknown[]): PromiseLike<unknown>;
  pause(ms: number): Promise<void>;
}

type Table = { [K in LessonAction['do']]: (action: Extract<LessonAction, { do: K }>, hands: LessonHands) => PromiseLike<unknown> };

const PERFORM: Table = {
  choosePreset: ({ presetId }, { run }) => run('gpt2Explorer.choosePreset', presetId),
  ui: ({ patch }, { run }) => run('gpt2Explorer.applyUi', patch),
  step: ({ times }, { run, explorer }) => repeat(times, () => run('gpt2Explorer.step'), () => explorer.state.session?.stop != null),
  sample: ({ times }, { run }) => repeat(times, () => run('gpt2Explorer.sample')),
  reset: (_action, { run }) => run('gpt2Explorer.reset'),
  decoding: ({ patch }, { explorer }) => explorer.setDecoding(patch),
  pause: ({ ms }, { pause }) => pause(ms),
};

/** Does one action; resolves when the explorer has done it. */
export function performLessonAction(action: LessonAction, hands: LessonHands): PromiseLike<unknown> {
  const perform = PERFORM[action.do] as (action: LessonAction, hands: LessonHands) => PromiseLike<unknown>;
  return perform(action, hands);
}

/** `act`, `times` times in order; none once `stopped` holds (generation has ended). */
async function repeat(times: number, act: () => PromiseLike<unknown>, stopped: () => boolean = () => false): Promise<void> {
  for (let i = 0; i < times && !stopped(); i++) await act();
}
