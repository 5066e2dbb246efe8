// Decoding settings: their defaults and the checks a session applies before using them.
import type { DecodingSettings } from './views';

/** Deterministic by default: seed 0, so the same prompt gives the same rolls until the seed changes. */
export const DEFAULT_DECODING: DecodingSettings = { temperature: 1, topK: 0, topP: 1, maxNewTokens: 10, seed: 0 };

/** The settings with `patch` applied; RangeError naming the first value out of range. */
export function applyDecoding(settings: DecodingSettings, patch: Partial<DecodingSettings>): DecodingSettings {
  const next = { ...settings, ...definedOnly(patch) };
  check('temperature', next.temperature, Number.isFinite(next.temperature) && next.temperature >= 0, 'a finite number ≥ 0');
  check('topK', next.topK, Number.isInteger(next.topK) && next.topK >= 0, 'an integer ≥ 0 (0 = off)');
  check('topP', next.topP, next.topP >= 0 && next.topP <= 1, 'a number from 0 to 1 (1 = off)');
  check('maxNewTokens', next.maxNewTokens, Number.isInteger(next.maxNewTokens) && next.maxNewTokens >= 1, 'an integer ≥ 1');
  check('seed', next.seed, Number.isInteger(next.seed) && next.seed >= 0 && next.seed <= 0xffffffff, 'an integer from 0 to 2^32 - 1');
  return next;
}

/** True when the two settings give different next-token distributions (the tally must restart). */
export function changesDistribution(a: DecodingSettings, b: DecodingSettings): boolean {
  return a.temperature !== b.temperature || a.topK !== b.topK || a.topP !== b.topP;
}

function check(name: keyof DecodingSettings, value: number, ok: boolean, expected: string): void {
  if (!ok) throw new RangeError(`${name} must be ${expected}, got ${value}`);
}

/** `{ topK: undefined }` leaves topK as it was instead of erasing it. */
function definedOnly(patch: Partial<DecodingSettings>): Partial<DecodingSettings> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
}
