// The lesson "Layers, Logits, Decoding" as data: the side-panel walkthrough shows these steps, does a
// step's actions when the learner presses "Do it" (lesson-actions.ts), and marks a step done when the
// explorer's state shows the learner got there (by the button or by hand). Pure: no `vscode`, no I/O.

import type { DecodingPatch } from '../../protocol/decoding';
import type { UiPatch } from '../../protocol/explorer';
import type { WalkthroughHostMessage } from '../../protocol/walkthrough';
import type { PresetView } from '../../protocol/views';
import type { ExplorerState } from '../ports';

export const LESSON_TITLE = 'Layers, Logits, Decoding';

export const LESSON_SENTENCE = 'The capital of Germany is Berlin. The capital of France is';
/** The lesson sentence's preset id when no preset holds exactly its text. */
const LESSON_PRESET_FALLBACK = 'france';

/** The id of the preset that holds the lesson sentence. */
export function lessonPresetId(presets: readonly PresetView[]): string {
  return presets.find((preset) => preset.text === LESSON_SENTENCE)?.id ?? LESSON_PRESET_FALLBACK;
}

/** One thing "Do it" does in the explorer, said by what it means; lesson-actions.ts says how. */
export type LessonAction =
  | { do: 'choosePreset'; presetId: string } // analyze a preset sentence
  | { do: 'ui'; patch: UiPatch } // move the panel's tab, slider or dropdowns
  | { do: 'step'; times: number } // Step, stopping early once generation has stopped
  | { do: 'sample'; times: number } // Sample: a roll that is tallied, not appended
  | { do: 'reset' } // back to the bare prompt
  | { do: 'decoding'; patch: DecodingPatch } // the live temperature, top-k …: never the learner's settings
  | { do: 'pause'; ms: number }; // so the learner sees a change before the next one

/** What the learner has been seen doing; some steps need more than the current state (slider 3, 6, 9, 12). */
export interface LessonMemory {
  sliders: number[]; // slider positions seen on the lesson sentence
  temperatures: number[]; // session temperatures seen
}

export interface LessonStep {
  id: string;
  title: string;
  todo: string; // what to do, in the lesson's words
  notice: string; // what to notice once it is done
  button: string; // the "Do it" button's label
  actions: (state: ExplorerState, presetId: string) => LessonAction[];
  done: (state: ExplorerState, memory: LessonMemory) => boolean;
}

const applyUi = (patch: UiPatch): LessonAction => ({ do: 'ui', patch });
const step = (times = 1): LessonAction => ({ do: 'step', times });
const sample = (times: number): LessonAction => ({ do: 'sample', times });
const temperature = (value: number): LessonAction => ({ do: 'decoding', patch: { temperature: value } });
const pause: LessonAction = { do: 'pause', ms: 600 };

/** True when the session's prompt is the lesson sentence (as a preset or as selected text). */
export function onLessonSentence(state: ExplorerState): boolean {
  return state.session?.sentence.text.trim().endsWith(LESSON_SENTENCE) ?? false;
}

/** Number of layers of the loaded model: the slider's last stop (12 for GPT-2 small). */
function layerCount(state: ExplorerState): number {
  return state.session?.model.layers ?? 12;
}

/** The slider stops of "try 3, 6, 9, 12", scaled to the model's depth. */
export function sliderStops(layers: number): number[] {
  const stops = [1, 2, 3, 4].map((quarter) => Math.round((quarter * layers) / 4));
  return [...new Set(stops)].filter((stop) => stop > 0);
}

const lastPromptToken = (state: ExplorerState) => (state.session ? state.session.promptLength - 1 : null);
const generated = (state: ExplorerState) => state.session?.generated ?? 0;

export const LESSON_STEPS: readonly LessonStep[] = [
  {
    id: 'sentence',
    title: 'Pick the France sentence',
    todo: 'On the Self-Attention tab, pick "The capital of Germany is Berlin. The capital of France is" in the Sentence dropdown.',
    notice: 'The chips show twelve tokens, not one long string. Most are whole words, and the leading space is part of the token. Which token comes next? We expect Paris: the walkthrough shows how the model gets there.',
    button: 'Pick the sentence',
    actions: (_state, presetId) => [{ do: 'choosePreset', presetId }, applyUi({ tab: 'attention' })],
    done: (state) => onLessonSentence(state) && state.ui?.tab === 'attention',
  },
  {
    id: 'red-dot',
    title: 'Layer 0: the red dot',
    todo: 'In Token Positions Across Layers, move the slider all the way left, to 0.',
    notice: 'Each blue dot is one token in 2D (the real vectors have 768 dimensions). The bigger red dot — a diamond, outlined, so it stands out by its shape too — is the last token, "is". At 0 no transformer work has happened yet: this is what the model thinks each token is on its own.',
    button: 'Slider to 0',
    actions: () => [applyUi({ tab: 'attention', slider: 0 })],
    done: (state) => onLessonSentence(state) && state.ui?.tab === 'attention' && state.ui.slider === 0,
  },
  {
    id: 'layers',
    title: 'Drag the layers: 0 → 12',
    todo: 'Drag the Layer slider from 0 to 12, pausing at 3, 6, 9 and 12.',
    notice: 'Each tick is one layer: every token looks at the ones before it and updates its picture of itself. The two "capital" dots pull apart (one now means Germany\'s, the other France\'s), and the red dot wanders far: the answer is being built at the last position.',
    button: 'Play 3, 6, 9, 12',
    actions: (state) => [applyUi({ tab: 'attention', slider: 0 }), ...sliderStops(layerCount(state)).flatMap((slider) => [pause, applyUi({ slider })])],
    done: (state, memory) => onLessonSentence(state) && memory.sliders.includes(layerCount(state)),
  },
  {
    id: 'qkv',
    title: 'Q/K/V of the last "is"',
    todo: 'Set the Layer dropdown to 11, press Show Q / K / V Vectors, then click the last chip, "is".',
    notice: 'Three strips of 64 cells: red is positive (the upper half of a cell), blue negative (its lower half), darker is bigger. No word "Paris" is written here: the best guess is a list of numbers that decoding must turn back into a word.',
    button: 'Show Q/K/V at layer 11',
    actions: (state) => [applyUi({ tab: 'attention', layer: layerCount(state) - 1, showQkv: true, token: lastPromptToken(state) })],
    done: (state) => onLessonSentence(state) && state.ui?.showQkv === true && state.ui.layer === layerCount(state) - 1 && state.ui.token === lastPromptToken(state),
  },
  {
    id: 'logits',
    title: 'Ten bars: the logits',
    todo: 'Open the Generation tab: "Generated so far" shows the prompt, the counter reads 0 / 10, and ten bars are drawn.',
    notice: 'Each bar is one of the 50,257 vocabulary tokens; the top one is the best guess. The raw scores are the logits; softmax turns them into the percentages.',
    button: 'Show the bars',
    actions: () => [applyUi({ tab: 'generation' })],
    done: (state) => state.session !== null && state.ui?.tab === 'generation',
  },
  {
    id: 'step',
    title: 'Step once',
    todo: 'Press Step.',
    notice: 'Paris is appended in blue and the counter reads 1 / 10. The bars are redrawn: the whole pipeline ran again on the longer text.',
    button: 'Step',
    actions: () => [applyUi({ tab: 'generation' }), step()],
    done: (state) => generated(state) >= 1,
  },
  {
    id: 'loop',
    title: 'Step three more times',
    todo: 'Press Step three more times.',
    notice: 'Pick the top, append, redo: this is the whole autoregressive generation loop behind every mainstream chatbot.',
    button: 'Step ×3',
    actions: () => [applyUi({ tab: 'generation' }), step(3)],
    done: (state) => generated(state) >= 4 || (generated(state) >= 1 && state.session?.stop != null),
  },
  {
    id: 'sample',
    title: 'Sample twenty times',
    todo: 'Press Reset, then Sample twenty times, and compare the tally with the bars.',
    notice: 'Each Sample is a fresh roll from the same distribution. Mostly Paris, sometimes another candidate; over many rolls the counts follow the percentages. That is why a chatbot answers differently each time.',
    button: 'Reset, Sample ×20',
    actions: () => [applyUi({ tab: 'generation' }), { do: 'reset' }, sample(20)],
    done: (state) => state.tallyTotal >= 20,
  },
  {
    id: 'temperature',
    title: 'Temperature 0 and 1.5',
    todo: 'Set the temperature to 0 and sample, then to 1.5 and sample.',
    notice: 'At 0 the pick is always the top bar (greedy). At 1.5 the bars flatten and the rolls take more risks. The loop is the same: only the picking changes.',
    button: 'Try 0, then 1.5',
    actions: () => [applyUi({ tab: 'generation' }), temperature(0), sample(5), pause, temperature(1.5), sample(10)],
    done: (_state, memory) => memory.temperatures.includes(0) && memory.temperatures.some((t) => t >= 1.5),
  },
  {
    id: 'stop',
    title: 'Watch it stop',
    todo: 'Step until generation ends.',
    notice: 'It stops when the end-of-text token wins (eos) or at the maximum length (10 new tokens here), so a runaway model cannot go on forever.',
    button: 'Step until it stops',
    actions: (state) => [applyUi({ tab: 'generation' }), step(state.session?.settings.maxNewTokens ?? 10)],
    done: (state) => state.session?.stop != null,
  },
];

/** The lesson view's first message after `ready`: the title and, of each step, only what the view draws. */
export function lessonMessage(): Extract<WalkthroughHostMessage, { type: 'lesson' }> {
  return { type: 'lesson', title: LESSON_TITLE, steps: LESSON_STEPS.map(({ id, title, todo, notice, button }) => ({ id, title, todo, notice, button })) };
}

export function findStep(id: string): LessonStep | undefined {
  return LESSON_STEPS.find((candidate) => candidate.id === id);
}

/** Every step but the first works on an analyzed sentence: the lesson sentence is picked first if none is. */
export function needsSentence(step: LessonStep, state: ExplorerState): boolean {
  return step.id !== 'sentence' && state.session === null;
}

/** Where the learner is; kept in globalState, so it survives a reload. */
export interface LessonProgress {
  current: string;
  done: string[];
  memory: LessonMemory;
}

export const FRESH_PROGRESS: LessonProgress = { current: LESSON_STEPS[0].id, done: [], memory: { sliders: [], temperatures: [] } };

/** Remembers what the state shows, marks every step it completes, and moves on when the current step is done. */
export function observe(progress: LessonProgress, state: ExplorerState): LessonProgress {
  const memory = remember(progress.memory, state);
  const newlyDone = LESSON_STEPS.filter((step) => !progress.done.includes(step.id) && step.done(state, memory)).map((step) => step.id);
  const done = [...progress.done, ...newlyDone];
  const current = done.includes(progress.current) && newlyDone.includes(progress.current) ? nextOpenStep(progress.current, done) : progress.current;
  return { current, done, memory };
}

function remember(memory: LessonMemory, state: ExplorerState): LessonMemory {
  const slider = onLessonSentence(state) ? state.ui?.slider : undefined;
  const temperature = state.session?.settings.temperature;
  return { sliders: addOnce(memory.sliders, slider), temperatures: addOnce(memory.temperatures, temperature) };
}

function addOnce(values: number[], value: number | undefined): number[] {
  return value === undefined || values.includes(value) ? values : [...values, value];
}

/** The first step after `id` that is not done, wrapping around; `id` itself when every step is done. */
function nextOpenStep(id: string, done: string[]): string {
  const from = LESSON_STEPS.findIndex((step) => step.id === id);
  const order = [...LESSON_STEPS.slice(from + 1), ...LESSON_STEPS.slice(0, from)];
  return order.find((step) => !done.includes(step.id))?.id ?? id;
}

/** Progress read back from storage: anything unknown or malformed (an older version's ids) is dropped. */
export function restoreProgress(raw: unknown): LessonProgress {
  const saved = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<Record<keyof LessonProgress, unknown>>;
  const memory = (typeof saved.memory === 'object' && saved.memory !== null ? saved.memory : {}) as Partial<Record<keyof LessonMemory, unknown>>;
  const known = (id: unknown): id is string => typeof id === 'string' && findStep(id) !== undefined;
  return {
    current: known(saved.current) ? saved.current : FRESH_PROGRESS.current,
    done: Array.isArray(saved.done) ? [...new Set(saved.done.filter(known))] : [],
    memory: { sliders: numbers(memory.sliders), temperatures: numbers(memory.temperatures) },
  };
}

function numbers(raw: unknown): number[] {
  return Array.isArray(raw) ? raw.filter((value): value is number => typeof value === 'number' && Number.isFinite(value)).slice(0, 100) : [];
}
