// The gpt2Explorer.* settings as the extension uses them. A user can write anything into
// settings.json, so every value is checked against the same limits the protocol uses; a bad one falls
// back to its default and is reported (the caller logs it). Pure: extension.ts reads the raw values.

import type { WeightsMode } from '../../engine/types';
import type { DecodingSettings } from '../../explorer/views';
import { DECODING_LIMITS } from '../../protocol';
import type { NumberRange } from '../../schema';

export interface ExtensionSettings {
  modelPath: string; // '' = the extension's own storage
  threads: number; // 0 = the engine's default
  weights: WeightsMode; // 'int8': the opt-in 8-bit weights (faster steps, another model's numbers)
  decoding: DecodingSettings;
  codeLensEnabled: boolean;
}

export const DEFAULT_DECODING: DecodingSettings = { temperature: 1, topK: 0, topP: 1, maxNewTokens: 10, seed: 0 };

const THREADS: NumberRange = { min: 0, max: 64, integer: true };

/** Reads one setting by its name under gpt2Explorer (e.g. "codeLens.enabled"). */
export type RawSettings = (key: string) => unknown;

export function readSettings(raw: RawSettings): { settings: ExtensionSettings; problems: string[] } {
  const problems: string[] = [];
  const numberSetting = (key: string, range: NumberRange, fallback: number): number => {
    const value = raw(key);
    if (value === undefined || value === null) return fallback;
    if (inRange(value, range)) return value;
    problems.push(`gpt2Explorer.${key} = ${JSON.stringify(value)} is not ${describeRange(range)}; using ${fallback}`);
    return fallback;
  };
  const decoding = Object.fromEntries(
    (Object.keys(DEFAULT_DECODING) as (keyof DecodingSettings)[]).map((key) => [key, numberSetting(key, DECODING_LIMITS[key], DEFAULT_DECODING[key])]),
  ) as unknown as DecodingSettings;
  const modelPath = raw('modelPath');
  if (modelPath !== undefined && typeof modelPath !== 'string') problems.push('gpt2Explorer.modelPath is not a folder path (a string); using the extension\'s storage');
  const codeLens = raw('codeLens.enabled');
  const weights = raw('weights');
  if (weights !== undefined && weights !== null && weights !== 'float32' && weights !== 'int8') {
    problems.push(`gpt2Explorer.weights = ${JSON.stringify(weights)} is not "float32" or "int8"; using "float32"`);
  }
  return {
    settings: {
      modelPath: typeof modelPath === 'string' ? modelPath.trim() : '',
      threads: numberSetting('threads', THREADS, 0),
      weights: weights === 'int8' ? 'int8' : 'float32',
      decoding,
      codeLensEnabled: codeLens !== false,
    },
    problems,
  };
}

export function inRange(value: unknown, range: NumberRange): value is number {
  const { min = -Infinity, max = Infinity, integer = false } = range;
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value));
}

function describeRange({ min, max, integer }: NumberRange): string {
  return `${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`;
}

/** The decoding fields that differ between two settings (what a live session must change). */
export function decodingChanges(from: DecodingSettings, to: DecodingSettings): Partial<DecodingSettings> {
  const keys = Object.keys(to) as (keyof DecodingSettings)[];
  return Object.fromEntries(keys.filter((key) => from[key] !== to[key]).map((key) => [key, to[key]]));
}
