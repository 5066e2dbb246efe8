// A real session worker for the tests: src/explorer/worker.ts bundled by esbuild exactly as the build
// does (into out/, inside the repository, so the worker finds models/gpt2's tokenizer the way
// dist/session-worker.js does), and a tiny generated model.

import * as esbuild from 'esbuild';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ControllerUi, SavedFile } from '../../src/extension/ports';
import type { UserAction } from '../../src/extension/common/failures';
import { testModel, TINY } from '../engine/models';

const ROOT = resolve(__dirname, '..', '..');
const BUNDLE = join(ROOT, 'out', 'test-extension', 'session-worker.js');

let built: Promise<string> | null = null;

/** Bundles the worker once per test run; resolves with the bundle's path. */
export function workerBundle(): Promise<string> {
  built ??= esbuild
    .build({
      entryPoints: [join(ROOT, 'src', 'explorer', 'worker.ts')],
      outfile: BUNDLE,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['onnxruntime-node'],
      logLevel: 'warning',
    })
    .then(() => BUNDLE);
  return built;
}

/** The workers a test started, so it can kill one (a crash) or see that one ended. */
export class WorkerSpawner {
  readonly started: Worker[] = [];

  constructor(private readonly bundle: string) {}

  readonly spawn = (): Worker => {
    const worker = new Worker(this.bundle);
    this.started.push(worker);
    return worker;
  };

  get last(): Worker {
    const worker = this.started.at(-1);
    if (!worker) throw new Error('no worker was started');
    return worker;
  }
}

/** 2 layers, 4 heads, 48 wide, 64 positions: loads in well under a second. */
export const tinyModel = (): Promise<string> => testModel(TINY);

/** The same 64 wide: 8-bit weights need widths that are multiples of their block of 32. */
export const tinyInt8Model = (): Promise<string> => testModel({ ...TINY, nEmbd: 64 });

export const LESSON_SENTENCE = 'The capital of Germany is Berlin. The capital of France is';

/** Resolves when the worker thread has ended. */
export function exited(worker: Worker): Promise<number> {
  return new Promise((resolve) => {
    if (worker.threadId === -1) resolve(0);
    else worker.once('exit', resolve);
  });
}

/** The controller's view of VS Code, recording what it would show instead of showing it. */
export class RecordingUi implements ControllerUi {
  readonly logged: string[] = [];
  readonly problems: { message: string; actions: UserAction[] }[] = [];
  readonly notes: string[] = [];
  readonly ran: UserAction[] = [];
  log = (line: string) => void this.logged.push(line);
  problem = (message: string, actions: UserAction[]) => void this.problems.push({ message, actions });
  note = (message: string) => void this.notes.push(message);
  run = (action: UserAction) => void this.ran.push(action);
  progress = <T>(_title: string, task: () => Promise<T>) => task();
  readonly saved: SavedFile[] = [];
  save = async (file: SavedFile): Promise<string | null> => (this.saved.push(file), `saved/${file.name}`);
}
