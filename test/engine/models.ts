// Test models generated once into .test-models/ (gitignored), one folder per option set, so
// reruns are fast. A folder counts only once it is complete: it is written aside, then renamed.
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';
import type { Gpt2Model } from '../../src/engine/model';
import { TEST_MODEL_VERSION, writeTestModel, type TestModelOptions } from '../../src/engine/test-model';

export const TEST_MODELS_DIR = resolve(__dirname, '..', '..', '.test-models');

/** Small enough for the float64 reference to check every output in milliseconds. */
export const TINY: TestModelOptions = { seed: 7, nLayer: 2, nHead: 4, nEmbd: 48, nPositions: 64 };

/** GPT-2 small's shape: 12 layers, 12 heads, 768 wide, 1,024 positions (≈ 550 MB on disk). */
export const FULL_SIZE: TestModelOptions = { seed: 1, nLayer: 12, nHead: 12, nEmbd: 768, nPositions: 1024 };

/** The folder of a generated model with these options, generating it on first use. */
export async function testModel(options: TestModelOptions): Promise<string> {
  const key = Object.entries(options)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => `${name}-${value}`)
    .join('_');
  const dir = join(TEST_MODELS_DIR, `v${TEST_MODEL_VERSION}_${key}`);
  if (existsSync(dir)) return dir;
  const partial = `${dir}.partial-${process.pid}`;
  await writeTestModel(partial, options);
  await rename(partial, dir).catch(async (error) => {
    await rm(partial, { recursive: true, force: true }); // another process finished first
    if (!existsSync(dir)) throw error;
  });
  return dir;
}

/** Largest |a[i] - b[i]|; throws if the lengths differ. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i] - b[i]);
    if (!(diff <= max)) max = Number.isNaN(diff) ? Infinity : diff;
  }
  return max;
}

/** A KV-cache step onto `prompt` minus its last token gives the full pass's logits and last hidden states, within `tolerance`. */
export async function assertStepMatchesFullPass(model: Gpt2Model, prompt: number[], tolerance: number): Promise<void> {
  const full = await model.forward(prompt);
  const prefix = await model.forward(prompt.slice(0, -1));
  const step = await model.forward(prompt.slice(-1), prefix.cache);
  const { nLayer: L, nEmbd: d } = model.config;
  const T = prompt.length;
  const logitsDiff = maxAbsDiff(step.logits, full.logits);
  assert.ok(logitsDiff <= tolerance, `step logits differ from the full pass by ${logitsDiff}`);
  const hiddenDiff = maxAbsDiff(step.hidden.subarray(L * d), full.hidden.subarray((L * T + T - 1) * d, (L * T + T) * d));
  assert.ok(hiddenDiff <= tolerance, `the step's last hidden state differs from the full pass by ${hiddenDiff}`);
}

/** A reference [rows, T, S] attention array's last query row of each of `rows` heads: [rows, S], as a pass returns it. */
export function lastRows(attention: ArrayLike<number>, rows: number, T: number, S: number): Float64Array {
  const out = new Float64Array(rows * S);
  for (let r = 0; r < rows; r++) for (let s = 0; s < S; s++) out[r * S + s] = attention[(r * T + T - 1) * S + s];
  return out;
}

/** One head's [T, dh] rows out of an [L, H, T, dh] array (q or k of a pass). */
export function headRows(values: Float32Array, layer: number, head: number, H: number, T: number, dh: number): Float32Array {
  const start = ((layer * H + head) * T) * dh;
  return values.subarray(start, start + T * dh);
}
