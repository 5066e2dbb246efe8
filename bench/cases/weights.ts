// The bench model's weights as the engine's graphs take them: F32 tensors read by ORT straight
// out of model.safetensors (external data), by file name relative to the model folder.
import { basename, join } from 'node:path';
import { readGpt2Config } from '../../src/engine/config';
import type { WeightSource } from '../../src/engine/graph';
import { openGpt2Weights } from '../../src/engine/gpt2-weights';
import type { Gpt2Config } from '../../src/engine/types';

export const WEIGHTS_FILE = 'model.safetensors';

export interface BenchWeights {
  config: Gpt2Config;
  source: WeightSource;
  bytes: (name: string) => number; // size of one tensor in the file
}

export async function openBenchWeights(modelDir: string): Promise<BenchWeights> {
  const config = await readGpt2Config(modelDir);
  const weights = await openGpt2Weights(join(modelDir, WEIGHTS_FILE), config);
  const entry = (name: string) => {
    const found = weights.tensors.get(name);
    if (!found) throw new Error(`${weights.file}: missing tensor ${name}`);
    if (found.dtype !== 'F32') throw new Error(`${weights.file}: ${name} is ${found.dtype}; the bench model is F32`);
    return found;
  };
  const location = basename(weights.file);
  return {
    config,
    source: (name) => ({ kind: 'external', location, offset: entry(name).begin, length: entry(name).end - entry(name).begin }),
    bytes: (name) => entry(name).end - entry(name).begin,
  };
}
