// The explorer controller as the panel and the commands drive it, on a real session worker and a real
// generated model; only the VS Code surface (notifications, notes, the panel's postMessage) is recorded.

import assert from 'node:assert/strict';
import type { Worker } from 'node:worker_threads';
import { ExplorerController } from '../../src/extension/explorer/controller';
import type { ExtensionSettings } from '../../src/extension/common/settings';
import { DEFAULT_DECODING } from '../../src/protocol/decoding';
import { parseHostMessage, type HostMessage } from '../../src/protocol/explorer';
import type { SessionView } from '../../src/protocol/views';
import * as lesson from '../webview/fixtures/lesson';
import { RecordingUi, workerBundle, WorkerSpawner } from '../extension/worker-harness';
import { panelSessions } from '../extension/explorer/panel-sessions';

export interface Explorer {
  controller: ExplorerController;
  ui: RecordingUi;
  spawner: WorkerSpawner;
  /** Every message posted to the panel, each already checked by the webview's own parser. */
  posted: HostMessage[];
  /** The sessions posted to the panel, in order. */
  sessions(): SessionView[];
  /** Replaces the settings the controller reads next. */
  settings: ExtensionSettings;
  /** Called with every worker the controller starts, before its first request (a test may watch it). */
  onSpawn: (worker: Worker) => void;
}

/** A controller on a real worker, with its panel attached; greedy decoding unless `decoding` says otherwise. */
export async function openExplorer(
  modelDir: string,
  decoding: Partial<ExtensionSettings['decoding']> = {},
  startWorker?: () => Worker, // another way to start the session worker (a test that observes it)
): Promise<Explorer> {
  const spawner = new WorkerSpawner(await workerBundle());
  const ui = new RecordingUi();
  const posted: HostMessage[] = [];
  const explorer: Explorer = {
    controller: undefined as unknown as ExplorerController,
    ui,
    spawner,
    posted,
    sessions: () => panelSessions(posted),
    onSpawn: () => undefined,
    settings: { modelPath: modelDir, model: '', provider: 'cpu', threads: 1, weights: 'float32', decoding: { ...DEFAULT_DECODING, temperature: 0, ...decoding }, codeLensEnabled: true },
  };
  const spawnWorker = () => {
    const worker = startWorker ? startWorker() : spawner.spawn();
    explorer.onSpawn(worker);
    return worker;
  };
  explorer.controller = new ExplorerController({ spawnWorker, presets: lesson.presets, settings: () => explorer.settings, storageDir: '/nonexistent/storage', ui });
  explorer.controller.attachPanel((message) => {
    const checked = parseHostMessage(message);
    assert.ok(checked.ok, `the host sent an invalid message: ${checked.ok ? '' : checked.error}`);
    posted.push(message);
  });
  return explorer;
}

/** Polls until the condition holds (the panel's messages are handled asynchronously). */
export async function until(condition: () => boolean, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > 60_000) throw new Error(`${what}: not met within a minute`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
