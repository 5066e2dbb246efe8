// What the explorer analyzes: a sentence made from a text (a selection, a CodeLens prompt, a command's
// argument) or a preset, with where it came from so that a token can be selected back in its editor,
// and what the user is told when GPT-2 cannot read all of it. Pure: the controller runs the session.

import { MAX_TEXT, type PresetView, type SentenceView, type SessionView } from '../../protocol/views';
import type { TextOrigin } from '../ports';
import { emptyTextProblem, type TextSource } from './command-args';

export interface Sentence {
  view: SentenceView;
  defaults?: { layer: number; head: number };
  origin: TextOrigin | null;
}

export type TextSentence = { ok: true; sentence: Sentence; note?: string } | { ok: false; problem: string };

/**
 * A sentence of `text`, or why there is none (it is empty). A text longer than the protocol allows
 * keeps its end (GPT-2 keeps the end too), `note` says so, and the origin's offsets shift with it.
 */
export function textSentence(text: string, source: TextSource, origin: TextOrigin | null): TextSentence {
  const problem = emptyTextProblem(text, source === 'selection' ? 'The selection' : 'The text');
  if (problem) return { ok: false, problem };
  const cut = Math.max(0, text.length - MAX_TEXT);
  const shifted = origin && cut > 0 ? { select: (start: number, end: number) => origin.select(start + cut, end + cut) } : origin;
  const sentence = { view: { id: source, text: text.slice(cut), source }, origin: shifted };
  if (cut === 0) return { ok: true, sentence };
  return { ok: true, sentence, note: `The text has ${text.length.toLocaleString('en')} characters; only its last ${MAX_TEXT.toLocaleString('en')} were sent to GPT-2.` };
}

export function presetSentence(preset: PresetView): Sentence {
  return { view: { id: preset.id, text: preset.text, source: 'preset' }, defaults: { layer: preset.layer, head: preset.head }, origin: null };
}

/** What to tell when the start of the tokens did not fit GPT-2's context; undefined when all fit. */
export function truncationNote({ truncated, tokens, model }: SessionView): string | undefined {
  if (truncated === 0) return undefined;
  const room = model.positions - tokens.length;
  return `GPT-2 reads at most ${model.positions} tokens: the first ${truncated} tokens of the text were cut, the last ${tokens.length} analyzed, leaving room for ${room} new ones.`;
}
