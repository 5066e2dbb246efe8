// Checks of what commands receive: typed input from input boxes, and arguments passed by other code
// (the CodeLens, the walkthrough, tests, keybindings with "args"). Pure; commands.ts shows the messages.

import { DECODING_LIMITS } from '../../protocol/decoding';
import { parseUiPatch, type UiPatch } from '../../protocol/explorer';
import { number, parseWith, type Result } from '../../protocol/schema';
import type { PresetView, SentenceSource } from '../../protocol/views';

const TEMPERATURE = DECODING_LIMITS.temperature;
const temperatureSchema = number(TEMPERATURE);

/** For the Set Temperature input box: an error to show under the box, or undefined when the input is fine. */
export function temperatureInputProblem(input: string): string | undefined {
  const parsed = parseTemperature(input);
  return parsed.ok ? undefined : parsed.error;
}

/** "0.7" → 0.7. Only plain decimals: no hex, no exponent, no NaN or Infinity. */
export function parseTemperature(input: string): Result<number> {
  const trimmed = input.trim();
  if (trimmed === '') return { ok: false, error: `Type a temperature from ${TEMPERATURE.min} to ${TEMPERATURE.max}, e.g. 0.7` };
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(trimmed)) return { ok: false, error: `"${trimmed.slice(0, 20)}" is not a number: type one like 0.7` };
  return temperatureArgument(Number(trimmed));
}

/** The optional argument of gpt2Explorer.setTemperature: a number in range (undefined: ask with the box). */
export function temperatureArgument(value: unknown): Result<number> {
  const checked = parseWith(temperatureSchema, value);
  if (checked.ok) return checked;
  const shown = typeof value === 'number' ? String(value) : JSON.stringify(value) ?? String(value);
  return { ok: false, error: `The temperature must be from ${TEMPERATURE.min} (always the most likely token) to ${TEMPERATURE.max}; ${shown.slice(0, 40)} is not.` };
}

/** Where an analyzed text (not a preset) came from. */
export type TextSource = Exclude<SentenceSource, 'preset'>;
const SOURCES: readonly TextSource[] = ['selection', 'codelens', 'custom'];

/** gpt2Explorer.analyzeText(text, source): the text must hold something besides whitespace. */
export function analyzeTextArguments(text: unknown, source: unknown = 'custom'): Result<{ text: string; source: TextSource }> {
  if (typeof text !== 'string') return { ok: false, error: 'Analyze Text needs the text to analyze as its first argument.' };
  const problem = emptyTextProblem(text, 'The text');
  if (problem) return { ok: false, error: problem };
  if (!SOURCES.includes(source as TextSource)) return { ok: false, error: `Analyze Text: source must be one of ${SOURCES.join(', ')}.` };
  return { ok: true, value: { text, source: source as TextSource } };
}

/** Why a text cannot be analyzed (empty or only whitespace), or undefined when it can. */
export function emptyTextProblem(text: string, what = 'The selection'): string | undefined {
  if (text.length === 0) return `${what} is empty: select some text first, then run GPT-2: Analyze Selection.`;
  if (text.trim().length === 0) return `${what} holds only spaces or line breaks: select some words for GPT-2 to read.`;
  return undefined;
}

/** gpt2Explorer.choosePreset(id?): a known preset id (undefined: ask with the quick pick). */
export function presetArgument(value: unknown, presets: readonly PresetView[]): Result<PresetView> {
  const preset = presets.find((candidate) => candidate.id === value);
  if (preset) return { ok: true, value: preset };
  return { ok: false, error: `There is no preset prompt ${JSON.stringify(value)?.slice(0, 40)}; the presets are ${presets.map((p) => p.id).join(', ')}.` };
}

/** gpt2Explorer.applyUi(patch): checked by the protocol's own schema of a UI patch. */
export function uiPatchArgument(value: unknown): Result<UiPatch> {
  const parsed = parseUiPatch(value);
  return parsed.ok ? parsed : { ok: false, error: `applyUi: ${parsed.error}` };
}
