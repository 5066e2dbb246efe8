// How the CLI tests run the command line. By default in this process: src/cli/main.ts's runCli, the code the
// program runs, on captured stdout and stderr, with its exit code — a CLI process costs ≈ 0.5 s of CPU to start
// and load its modules, and the tests run about a hundred command lines. As a user does, in a child process
// (JSON on stdout, errors on stderr, the exit code the process ends with), when a test names the entry: the
// built bundle dist/cli.js (BUNDLE), the source through tsx (SOURCE), or CURRENT — the bundle when it is newer
// than every source file (npm test builds first), else the source; and always when a test sets environment
// variables (cliWithEnv), which a run in this process would share with every other test.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import { runCli } from '../../src/cli/main';

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

/** runCli in this process, instead of a child process. */
export const IN_PROCESS = 'in-process';

/** Runs `gpt2-explorer ARGS`, whatever its exit code: in this process unless `entry` names a child process's (BUNDLE, SOURCE, CURRENT). */
export async function cli(args: string[], entry: string[] | typeof IN_PROCESS = IN_PROCESS): Promise<Run> {
  return entry === IN_PROCESS ? inProcess(args) : spawned(args, entry, {});
}

/** Runs `gpt2-explorer ARGS` in a child process of `entry`'s with `env` added to this process's environment. */
export function cliWithEnv(args: string[], env: NodeJS.ProcessEnv, entry = CURRENT): Promise<Run> {
  return spawned(args, entry, env);
}

/** What a stream was given, as UTF-8 once it is done (a chunk may end inside a character). */
class Captured extends Writable {
  private readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

async function inProcess(args: string[]): Promise<Run> {
  const [stdout, stderr] = [new Captured(), new Captured()];
  // cli.ts's own handling of a throw that escapes runCli: the stack on stderr, exit code 1.
  const code = await runCli(args, { stdout, stderr, stdin: Readable.from([]) }).catch((error: Error) => (stderr.write(`gpt2-explorer: ${error.stack}\n`), 1));
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

async function spawned(args: string[], entry: string[], env: NodeJS.ProcessEnv): Promise<Run> {
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
