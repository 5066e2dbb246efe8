// The status bar item's words: the model state and the temperature Sample uses. Pure.

import type { ModelState } from '../../protocol/explorer';
import { modelLabel, modelPlace, type ModelInfo } from '../../protocol/views';

type Named = Pick<ModelInfo, 'name' | 'repo' | 'folder'>;

/** The bar says the model's repository id (or folder name) alone, to stay short; the tooltip adds its shape and folder. */
export function statusText(model: ModelState, info: Named | null, temperature: number): { text: string; tooltip: string } {
  const short = info ? (modelPlace(info) ?? info.name) : 'GPT-2';
  const state = { none: 'none', loading: 'loading…', ready: `ready (${short})`, error: 'error' }[model];
  const text = `$(hubot) GPT-2: ${state} · T ${formatTemperature(temperature)}`;
  const what = {
    none: 'No model loaded: open the explorer, or download or import GPT-2.',
    loading: 'Loading the model…',
    ready: `${info ? modelLabel(info) : 'GPT-2'} is loaded${info?.folder ? ` from ${info.folder}` : ''}.`,
    error: 'The model could not be used: see the notification or the output channel "GPT-2 Explorer".',
  }[model];
  return { text, tooltip: `${what}\nTemperature ${formatTemperature(temperature)}: click to change it.` };
}

/** 0 → "0", 0.7 → "0.7", 1.25 → "1.25": no trailing zeros. */
export function formatTemperature(temperature: number): string {
  return String(Number(temperature.toFixed(2)));
}
