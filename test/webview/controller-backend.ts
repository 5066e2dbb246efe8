// The page talks to the extension's own ExplorerController (src/extension/explorer/controller.ts) running a
// real session worker: every message the webview posts goes to controller.receive, every message the
// controller posts goes to the page. The only stand-in left is the VS Code surface (notifications).

import { ExplorerController } from '../../src/extension/explorer/controller';
import type { ControllerUi, SavedFile } from '../../src/extension/ports';
import { DEFAULT_DECODING } from '../../src/protocol/decoding';
import type { PairView } from '../../src/protocol/compare';
import type { PresetView } from '../../src/protocol/views';
import type { ExplorerMessage, HostMessage } from '../../src/protocol/explorer';
import { workerBundle, WorkerSpawner } from '../extension/worker-harness';
import type { Backend } from './fake-host';

/** Keeps what the controller would have shown in VS Code's own UI, for the test to read. */
class QuietUi implements ControllerUi {
  readonly problems: string[] = [];
  log = () => undefined;
  problem = (message: string) => void this.problems.push(message);
  note = () => undefined;
  run = () => undefined;
  progress = <T>(_title: string, task: () => Promise<T>) => task();
  readonly saved: SavedFile[] = []; // what the save dialog would have written
  save = async (file: SavedFile) => (this.saved.push(file), `saved/${file.name}`);
}

export class ControllerBackend implements Backend {
  private post: (message: HostMessage) => Promise<void> = async () => undefined;
  private constructor(
    readonly controller: ExplorerController,
    readonly ui: QuietUi,
  ) {}

  /** `pairs`: the Compare tab's minimal pairs; `threads`: the worker's intra-op threads (1 for the tests; the bench passes its own). */
  static async start(modelDir: string, presets: readonly PresetView[], pairs: readonly PairView[] = [], threads = 1): Promise<ControllerBackend> {
    const spawner = new WorkerSpawner(await workerBundle());
    const ui = new QuietUi();
    const settings = { modelPath: modelDir, model: '', provider: 'cpu' as const, threads, weights: 'float32' as const, decoding: DEFAULT_DECODING, codeLensEnabled: true };
    const controller = new ExplorerController({ spawnWorker: spawner.spawn, presets, pairs, settings: () => settings, storageDir: modelDir, ui });
    const backend = new ControllerBackend(controller, ui);
    controller.attachPanel((message) => void backend.post(message));
    return backend;
  }

  attach(post: (message: HostMessage) => Promise<void>): void {
    this.post = post;
  }

  async reply(message: ExplorerMessage): Promise<HostMessage[]> {
    this.controller.receive(message);
    return []; // the controller posts its answers itself, through attach
  }

  dispose(): Promise<void> {
    return this.controller.dispose();
  }
}
