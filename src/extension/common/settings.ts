// The gpt2Explorer.* settings as the extension uses them. A user can write anything into
// settings.json, so every value is checked by the protocol's own schemas and limits; a bad one falls
// back to its default and is reported (the caller logs it). Pure: extension.ts reads the raw values.

import { DEFAULT_PROVIDER, EXECUTION_PROVIDERS, type ExecutionProvider, type WeightsMode } from '../../engine/types';
import { DECODING_KEYS, DECODING_LIMITS, DEFAULT_DECODING, type DecodingSettings } from '../../protocol/decoding';
import { number, type NumberRange } from '../../protocol/schema';

export interface ExtensionSettings {
  modelPath: string; // '' = the extension's own storage (or `model`)
  model: string; // a Hugging Face repository id, found in the Hugging Face cache; '' = GPT-2 small. modelPath wins when set
  threads: number; // 0 = the engine's default
  weights: WeightsMode; // 'int8': the opt-in 8-bit weights (faster steps, another model's numbers)
  provider: ExecutionProvider; // onnxruntime's execution provider; auto: the accelerator, else the CPU
  decoding: DecodingSettings; // the defaults the explorer starts from
  codeLensEnabled: boolean;
}

const THREADS: NumberRange = { min: 0, max: 64, integer: true };

/** Reads one setting by its name under gpt2Explorer (e.g. "codeLens.enabled"). */
export type RawSettings = (key: string) => unknown;

export function readSettings(raw: RawSettings): { settings: ExtensionSettings; problems: string[] } {
  const problems: string[] = [];
  const numberSetting = (key: string, range: NumberRange, fallback: number): number => {
    const value = raw(key);
    if (value === undefined || value === null) return fallback;
    const checked = number(range).check(value, '');
    if (checked.ok) return checked.value;
    problems.push(`gpt2Explorer.${key} = ${JSON.stringify(value)} is not ${describeRange(range)}; using ${fallback}`);
    return fallback;
  };
  const decoding = Object.fromEntries(DECODING_KEYS.map((key) => [key, numberSetting(key, DECODING_LIMITS[key], DEFAULT_DECODING[key])])) as DecodingSettings;
  const modelPath = raw('modelPath');
  if (modelPath !== undefined && typeof modelPath !== 'string') problems.push('gpt2Explorer.modelPath is not a folder path (a string); using the extension\'s storage');
  const model = raw('model');
  if (model !== undefined && model !== null && typeof model !== 'string') problems.push('gpt2Explorer.model is not a repository id (a string); using GPT-2 small');
  const codeLens = raw('codeLens.enabled');
  const weights = raw('weights');
  if (weights !== undefined && weights !== null && weights !== 'float32' && weights !== 'int8') {
    problems.push(`gpt2Explorer.weights = ${JSON.stringify(weights)} is not "float32" or "int8"; using "float32"`);
  }
  const provider = raw('executionProvider');
  const knownProvider = EXECUTION_PROVIDERS.find((name) => name === provider);
  if (provider !== undefined && provider !== null && !knownProvider) problems.push(`gpt2Explorer.executionProvider = ${JSON.stringify(provider)} is not one of ${EXECUTION_PROVIDERS.join(', ')}; using "${DEFAULT_PROVIDER}"`);
  return {
    settings: {
      modelPath: typeof modelPath === 'string' ? modelPath.trim() : '',
      model: typeof model === 'string' ? model.trim() : '',
      threads: numberSetting('threads', THREADS, 0),
      weights: weights === 'int8' ? 'int8' : 'float32',
      provider: knownProvider ?? DEFAULT_PROVIDER,
      decoding,
      codeLensEnabled: codeLens !== false,
    },
    problems,
  };
}

function describeRange({ min, max, integer }: NumberRange): string {
  return `${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`;
}
