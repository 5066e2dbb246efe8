// How the next token is picked — the decoding settings — defined once: their limits, their defaults and
// their check. The settings (package.json mirrors these numbers; a test holds it to them), the CLI, the
// commands' arguments, the webview's controls and the sampler all read them from here.

import { type Infer, number, type NumberRange, object, optional, parseWith, type Result } from './schema';

/** GPT-2's vocabulary: top-k can keep at most every token. */
export const GPT2_VOCAB = 50_257;

/** The range of every decoding value. */
export const DECODING_LIMITS = {
  temperature: { min: 0, max: 2 }, // 0 = greedy; logits are divided by it otherwise
  topK: { min: 0, max: GPT2_VOCAB, integer: true }, // keep the k most likely tokens; 0 = off
  topP: { min: 0, max: 1 }, // keep the smallest set whose mass reaches p (at least the best token); 1 = off
  maxNewTokens: { min: 1, max: 1024, integer: true }, // stop after this many generated tokens
  seed: { min: 0, max: 2 ** 32 - 1, integer: true }, // seeds the sampler: the same seed gives the same draws
} as const satisfies Record<string, NumberRange>;

export const decodingSettings = object({
  temperature: number(DECODING_LIMITS.temperature),
  topK: number(DECODING_LIMITS.topK),
  topP: number(DECODING_LIMITS.topP),
  maxNewTokens: number(DECODING_LIMITS.maxNewTokens),
  seed: number(DECODING_LIMITS.seed),
});

/** Some of the settings: what a control, a command or a changed setting asks to change. */
export const decodingPatch = object({
  temperature: optional(number(DECODING_LIMITS.temperature)),
  topK: optional(number(DECODING_LIMITS.topK)),
  topP: optional(number(DECODING_LIMITS.topP)),
  maxNewTokens: optional(number(DECODING_LIMITS.maxNewTokens)),
  seed: optional(number(DECODING_LIMITS.seed)),
});

export type DecodingSettings = Infer<typeof decodingSettings>;
export type DecodingPatch = Infer<typeof decodingPatch>;
export type DecodingKey = keyof DecodingSettings;
export const DECODING_KEYS = Object.keys(DECODING_LIMITS) as DecodingKey[];

/** Sampling at the model's own temperature, nothing filtered, seed 0: the same prompt gives the same rolls. */
export const DEFAULT_DECODING: DecodingSettings = { temperature: 1, topK: 0, topP: 1, maxNewTokens: 10, seed: 0 };

/** Checks any value as decoding settings; never throws. */
export function parseDecoding(raw: unknown): Result<DecodingSettings> {
  return parseWith(decodingSettings, raw);
}

/** Checks any value as a decoding patch; never throws. */
export function parseDecodingPatch(raw: unknown): Result<DecodingPatch> {
  return parseWith(decodingPatch, raw);
}

/** `settings` with `patch` applied (fields left out or undefined stay); RangeError naming the first bad value. */
export function applyDecoding(settings: DecodingSettings, patch: DecodingPatch): DecodingSettings {
  const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  const checked = decodingSettings.check({ ...settings, ...defined }, '');
  if (!checked.ok) throw new RangeError(checked.error);
  return checked.value;
}

/** The fields of `to` that differ from `from`: what a live session must change. */
export function decodingChanges(from: DecodingSettings, to: DecodingSettings): DecodingPatch {
  return Object.fromEntries(DECODING_KEYS.filter((key) => from[key] !== to[key]).map((key) => [key, to[key]]));
}

/** True when the two settings give different next-token distributions (the tally must restart). */
export function changesDistribution(a: DecodingSettings, b: DecodingSettings): boolean {
  return a.temperature !== b.temperature || a.topK !== b.topK || a.topP !== b.topP;
}
