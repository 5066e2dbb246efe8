// The benchmark's model: GPT-2 small's exact shape with seeded random weights, generated once by
// the project's own CLI into bench/.models/ (gitignored) and reused while its files are there.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const CLI = join(__dirname, '..', 'dist', 'cli.js'); // `npm run bench` builds it first

export function ensureBenchModel(modelsDir: string): string {
  const dir = join(modelsDir, 'gpt2-small-shape');
  if (existsSync(join(dir, 'model.safetensors')) && existsSync(join(dir, 'config.json'))) return dir;
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` (npm run bench does)');
  console.log(`bench: generating a full-size test model in ${dir} (once)`);
  execFileSync(process.execPath, [CLI, 'make-test-model', '--out', dir], { stdio: 'inherit' });
  return dir;
}
