// How every CLI test runs the command line: as a user does, in a child process, JSON on stdout and
// errors on stderr with a non-zero exit. From src/cli/cli.ts through tsx (always current), or from
// the built bundle dist/cli.js.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = resolve(__dirname, '..', '..');
export const BUILT = join(ROOT, 'dist', 'cli.js'); // written by npm run build
export const SOURCE = ['--import', 'tsx', join(ROOT, 'src', 'cli', 'cli.ts')]; // node's arguments before the CLI's
export const BUNDLE = [BUILT];

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `gpt2-explorer ARGS` from `entry` (the source by default), whatever its exit code; `env` is added to this process's. */
export async function cli(args: string[], entry = SOURCE, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...entry, ...args], { cwd: ROOT, maxBuffer: 256 << 20, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as Run;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Runs `gpt2-explorer ARGS --json`, which must succeed, and parses what it printed. */
export async function json(args: string[]): Promise<any> {
  const run = await cli([...args, '--json']);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
}
