// The messages between the extension host and the side-panel lesson view (the walkthrough). The host
// owns the lesson (its steps and the learner's progress); the view only draws what it is sent and
// says which button was pressed.

import { array, boolean, type Infer, literal, object, parseWith, type Result, string, union } from './schema';

const stepId = string(200);

/** One lesson step as the view draws it. */
export const lessonStepView = object({
  id: stepId,
  title: string(200),
  todo: string(2000), // what to do, in the lesson's words
  notice: string(2000), // what to notice once it is done
  button: string(200), // the "Do it" button's label
});

export const walkthroughHostMessage = union({
  /** First message after `ready`: the lesson's title and steps, in order. */
  lesson: object({ type: literal('lesson'), title: string(200), steps: array(lessonStepView, 100) }),
  /** Which step is current and which are done. */
  progress: object({ type: literal('progress'), current: stepId, done: array(stepId, 100), modelReady: boolean }),
});

export const walkthroughMessage = union({
  ready: object({ type: literal('ready') }),
  /** Do the step in the explorer panel (open it, pick the sentence, move the slider …). */
  runStep: object({ type: literal('runStep'), id: stepId }),
  goto: object({ type: literal('goto'), id: stepId }),
  resetProgress: object({ type: literal('resetProgress') }),
});

export type LessonStepView = Infer<typeof lessonStepView>;
export type WalkthroughHostMessage = Infer<typeof walkthroughHostMessage>;
export type WalkthroughMessage = Infer<typeof walkthroughMessage>;

/** Checks a message from the lesson view, in the host; never throws. */
export const parseWalkthroughMessage = (raw: unknown): Result<WalkthroughMessage> => parseWith(walkthroughMessage, raw);
/** Checks a message from the host, in the lesson view; never throws. */
export const parseWalkthroughHostMessage = (raw: unknown): Result<WalkthroughHostMessage> => parseWith(walkthroughHostMessage, raw);
