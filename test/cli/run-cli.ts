// How every CLI test runs the command line: as a user does, in a child process, JSON on stdout and
// errors on stderr with a non-zero exit. From the built bundle dist/cli.js when it is newer than every
// source file (npm test builds first), else from src/cli/cli.ts through tsx: the source is always current,
// the bundle starts ≈ 0.4 s sooner, and the CLI tests start it a few hundred times.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = resolve(__dirname, '..', '..');
export const BUILT = join(ROOT, 'dist', 'cli.js'); // written by npm run build
export const SOURCE = ['--import', 'tsx', join(ROOT, 'src', 'cli', 'cli.ts')]; // node's arguments before the CLI's
export const BUNDLE = [BUILT];

/** dist/cli.js is at least as new as every file under src/ it could be built from. */
function bundleIsCurrent(): boolean {
  if (!existsSync(BUILT)) return false;
  const built = statSync(BUILT).mtimeMs;
  const sources = readdirSync(join(ROOT, 'src'), { withFileTypes: true, recursive: true }).filter((entry) => entry.isFile());
  return sources.every((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs <= built);
}

/** What `cli` runs unless told: the bundle when it is current, else the source. */
export const CURRENT = bundleIsCurrent() ? BUNDLE : SOURCE;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `gpt2-explorer ARGS` from `entry` (CURRENT by default), whatever its exit code; `env` is added to this process's. */
export async function cli(args: string[], entry = CURRENT, env: NodeJS.ProcessEnv = {}): Promise<Run> {
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
