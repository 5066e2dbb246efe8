// The benchmark's model: GPT-2 small's exact shape with seeded random weights, generated once by
// the engine's test-model writer into bench/.models/ (gitignored) and reused while its files are there.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeTestModel } from '../src/engine/test-model';

export async function ensureBenchModel(modelsDir: string): Promise<string> {
  const dir = join(modelsDir, 'gpt2-small-shape');
  // tokenizer.json is written last: with it present, an interrupted generation cannot pass for a model.
  if (['config.json', 'model.safetensors', 'tokenizer.json'].every((file) => existsSync(join(dir, file)))) return dir;
  console.log(`bench: generating a full-size test model in ${dir} (once)`);
  await writeTestModel(dir, { seed: 1 }); // GPT-2 small's shape, F32
  return dir;
}
