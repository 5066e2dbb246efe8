// The session worker and its model, as the controller uses them: a request runs only once the model
// is loaded (ModelKeeper), and its failure is explained and reported, never thrown; a crashed worker
// is restarted once (a second crash soon after waits for the user to reload), unless it died because
// onnxruntime-node cannot load here (common/native-runtime.ts). The controller decides
// what to ask and what the panel hears; the runner decides whether a request can run at all.

import type { Worker } from 'node:worker_threads';
import type { ProgressOf, RequestOf, WorkerRequestType, WorkerResults } from '../../protocol/worker';
import { ModelKeeper } from '../model/keeper';
import type { ControllerUi } from '../ports';
import { explainFailure, type Failure } from '../common/failures';
import { explainNativeFailure } from '../common/native-runtime';
import type { ExtensionSettings } from '../common/settings';
import { SessionClient } from './session-client';

/** A second crash this soon after a restart is not retried automatically. */
const RESTART_QUIET_MS = 30_000;

export interface SessionRunnerPorts {
  spawnWorker: () => Worker;
  settings: () => ExtensionSettings;
  storageDir: string; // the model folder when gpt2Explorer.modelPath is empty
  ui: ControllerUi;
  /** True while a request runs or waits. */
  busyChanged: (busy: boolean) => void;
  /** The model's state, detail or info changed. */
  modelChanged: () => void;
  /** Something the user must hear about. */
  report: (failure: Failure) => void;
  /** After a crash: whether a panel is open to restart for, and how to pick up where it was. */
  panelOpen: () => boolean;
  resume: () => Promise<void>;
}

export class SessionRunner {
  readonly model: ModelKeeper;
  private readonly client: SessionClient;
  private lastRestart = -Infinity;
  private checked: Promise<unknown> = Promise.resolve(); // the model check of the request sent last

  constructor(private readonly ports: SessionRunnerPorts) {
    this.client = new SessionClient({
      spawn: ports.spawnWorker,
      onBusy: ports.busyChanged,
      onCrash: (reason) => void this.recoverFromCrash(reason),
      log: (line) => ports.ui.log(line),
    });
    this.model = new ModelKeeper({
      client: this.client,
      settings: ports.settings,
      storageDir: ports.storageDir,
      ui: ports.ui,
      changed: ports.modelChanged,
      report: ports.report,
    });
  }

  get busy(): boolean {
    return this.client.busy;
  }

  /**
   * Runs one request after making sure the model is there; null when it could not run, failed (the
   * failure is reported) or is no longer `wanted` (asked for under a panel that has closed since).
   */
  request<K extends WorkerRequestType>(request: RequestOf<K>, wanted: () => boolean, onProgress?: (progress: ProgressOf<K>) => void, failed?: (failure: Failure) => void): Promise<WorkerResults[K] | null> {
    return this.run(request, wanted, onProgress, failed, {});
  }

  /** As request, for a view asked once for a file (GPT-2: Save Analysis): no newer request of its type drops it, nor it one. */
  requestAlone<K extends WorkerRequestType>(request: RequestOf<K>): Promise<WorkerResults[K] | null> {
    return this.run(request, () => true, undefined, undefined, { alone: true });
  }

  /**
   * As request, for work nobody asked for (the attention read ahead): the panel is not told the worker is busy
   * with it, and a failure is not reported — the next request the user makes meets it and says so.
   */
  requestUnasked<K extends WorkerRequestType>(request: RequestOf<K>, wanted: () => boolean): Promise<WorkerResults[K] | null> {
    return this.run(request, wanted, undefined, undefined, { unasked: true });
  }

  private async run<K extends WorkerRequestType>(request: RequestOf<K>, wanted: () => boolean, onProgress: ((progress: ProgressOf<K>) => void) | undefined, failed: ((failure: Failure) => void) | undefined, { alone = false, unasked = false }): Promise<WorkerResults[K] | null> {
    // The model check is asynchronous (a stat of the weights file), and two checks can end in either order: a
    // tree's "show the parent" then "force this token" reached the worker swapped on a busy machine. Each
    // request is checked only after the one before it, so the worker gets them in the order they came.
    const checked = this.checked.then(() => wanted() && this.model.ensure()); // not wanted by then: no model loaded for it
    this.checked = checked.catch(() => false);
    if (!(await checked) || !wanted()) return null;
    try {
      const result = await this.client.request(request, (progress) => wanted() && onProgress?.(progress), { alone, unasked });
      return wanted() ? result : null;
    } catch (error) {
      const failure = explainFailure(error, this.model.dir);
      if (failure && !unasked) this.ports.report(failure);
      if (failure && wanted()) failed?.(failure); // the asker's own words too (the Compare tab's, instead of waiting)
      return null;
    }
  }

  /** Stops the analyze (the session before it stays) or the patch under way. */
  cancel(type: 'analyze' | 'patch' = 'analyze'): void {
    this.client.cancel(type);
  }

  /** Ends the worker, even mid-inference, which frees the model's memory. */
  stop(): Promise<void> {
    return this.client.stop();
  }

  dispose(): Promise<void> {
    return this.client.dispose();
  }

  private async recoverFromCrash(reason: string): Promise<void> {
    this.ports.ui.log(reason);
    this.model.forget();
    const native = explainNativeFailure(reason, process.platform, process.arch);
    if (native) return this.model.fail(native, 'error'); // a restart would die the same way
    const again = Date.now() - this.lastRestart < RESTART_QUIET_MS;
    if (again || !this.ports.panelOpen()) {
      this.model.fail({ message: `${reason}. Reload the model to go on.`, actions: ['reloadModel'] }, 'error');
      return;
    }
    this.lastRestart = Date.now();
    this.ports.ui.note(`${reason}. GPT-2 Explorer restarted it and analyzes the sentence again (generated tokens are lost).`);
    await this.ports.resume();
  }
}
