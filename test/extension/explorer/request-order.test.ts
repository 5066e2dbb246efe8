// Messages from the panel reach the worker in the order they came, even when the model check before each
// (an asynchronous stat of the weights file) ends in another order. Seen on a loaded machine: the decoding
// tree's "show the parent, then force this token" ran swapped, so the token went in at the wrong node. Here
// the checks are made to end newest first, on the real controller and worker: no timing is involved.

import assert from 'node:assert/strict';
import { ExplorerController } from '../../../src/extension/explorer/controller';
import type { ModelKeeper } from '../../../src/extension/model/keeper';
import type { ExtensionSettings } from '../../../src/extension/common/settings';
import { DEFAULT_DECODING } from '../../../src/protocol/decoding';
import type { HostMessage } from '../../../src/protocol/explorer';
import * as lesson from '../../webview/fixtures/lesson';
import { panelSessions } from './panel-sessions';
import { LESSON_SENTENCE, RecordingUi, tinyModel, workerBundle, WorkerSpawner } from '../worker-harness';

describe('explorer controller: the order of the panel’s requests (real worker, tiny model)', () => {
  let controller: ExplorerController;
  const posted: HostMessage[] = [];

  before(async () => {
    const spawner = new WorkerSpawner(await workerBundle());
    const settings: ExtensionSettings = { modelPath: await tinyModel(), model: '', provider: 'cpu', threads: 1, weights: 'float32', decoding: { ...DEFAULT_DECODING, temperature: 0 }, codeLensEnabled: true };
    controller = new ExplorerController({ spawnWorker: spawner.spawn, presets: lesson.presets, settings: () => settings, storageDir: settings.modelPath, ui: new RecordingUi() });
    controller.attachPanel((message) => posted.push(message));
    assert.equal(await controller.analyze(LESSON_SENTENCE, 'selection'), true);
  });
  after(() => controller.dispose());

  it('forces two tokens in the order they were clicked when their model checks end the other way round', async () => {
    const keeper = (controller as unknown as { worker: { model: ModelKeeper } }).worker.model;
    // The model is loaded (before); each check now waits for the test to end it, which it does newest first.
    const held: (() => void)[] = [];
    keeper.ensure = () => new Promise<boolean>((end) => held.push(() => end(true)));
    const [first, second] = [1000, 2000];
    const answered = posted.length;
    controller.receive({ type: 'forceToken', id: first });
    controller.receive({ type: 'forceToken', id: second });
    const sessions = () => posted.slice(answered).filter((message) => message.type === 'session');
    while (sessions().length < 2) {
      await new Promise((wake) => setImmediate(wake));
      held.pop()?.(); // the newest check waiting ends first
    }
    const last = panelSessions(posted)[panelSessions(posted.slice(0, answered)).length + 1];
    assert.deepEqual(last.tokens.slice(-2).map((token) => token.id), [first, second]);
  });
});
