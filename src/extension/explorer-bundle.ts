// The explorer bundle's entry (dist/explorer.js, scripts/build.mjs): the controller and everything that only runs once
// the explorer is asked for — the session client, the panel, the commands' handlers, the model commands and their
// download code, the token surprise. activate() (extension.ts) leaves all of it out of the activation bundle and
// requires this the first time a command runs, the panel is restored or the API's controller is read
// (explorer/lazy-explorer.ts): compiling it cost every window about half of activation.

import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { CommandHandlers, CommandId } from './contributes';
import type { ExtensionSettings } from './common/settings';
import { downloadLabel } from './model/choices';
import { modelCommands } from './model/commands';
import { SurpriseFeature, surpriseCommands } from './surprise/feature';
import { VsCodeUi } from './vscode-ui';
import type { PairView } from '../protocol/compare';
import type { PresetView } from '../protocol/views';
import { explorerCommands } from './explorer/commands';
import { ExplorerController } from './explorer/controller';
import type { DecodingMemory } from './explorer/decoding-store';
import { ExplorerPanel } from './explorer/panel';

/** What activate() hands the explorer: the extension's context and the pieces it made at activation. */
export interface ExplorerStart {
  context: vscode.ExtensionContext;
  output: vscode.OutputChannel;
  settings: () => ExtensionSettings;
  decodingMemory: DecodingMemory;
  storageDir: string; // the model folder when gpt2Explorer.modelPath is empty
  presets: readonly PresetView[];
  pairs: readonly PairView[];
}

/** The started explorer: its controller, every command's handler, the restored panel's taker, and its end. */
export interface Explorer {
  controller: ExplorerController;
  commands: CommandHandlers<CommandId>;
  revive(panel: vscode.WebviewPanel): void;
  dispose(): Promise<void>;
}

export function startExplorer(start: ExplorerStart): Explorer {
  const { context, settings, storageDir } = start;
  const run = (command: string, ...args: unknown[]) => vscode.commands.executeCommand(command, ...args);
  const ui = new VsCodeUi(start.output, {
    downloadModel: () => run('gpt2Explorer.downloadModel'),
    importModel: () => run('gpt2Explorer.importModel'),
    chooseModel: () => run('gpt2Explorer.chooseModel'),
    openSettings: () => run('workbench.action.openSettings', 'gpt2Explorer'),
    reloadModel: (): Promise<void> => controller.reloadModel(),
    useInt8Weights: () => vscode.workspace.getConfiguration('gpt2Explorer').update('weights', 'int8', vscode.ConfigurationTarget.Global),
  }, () => downloadLabel(settings()));
  const log = (line: string) => ui.log(line);
  const controller: ExplorerController = new ExplorerController({
    spawnWorker: () => new Worker(join(context.extensionPath, 'dist', 'session-worker.js')),
    presets: start.presets,
    pairs: start.pairs,
    settings,
    decodingMemory: start.decodingMemory,
    storageDir,
    ui,
  });
  const surprise = new SurpriseFeature(controller);
  return {
    controller,
    commands: {
      ...explorerCommands({ extensionUri: context.extensionUri, controller, log }),
      ...surpriseCommands(surprise),
      ...modelCommands({ explorer: controller, settings, storageDir, secrets: context.secrets, log }),
    },
    revive: (panel) => void ExplorerPanel.revive(panel, context.extensionUri, controller),
    dispose: async () => {
      surprise.dispose();
      await controller.dispose();
    },
  };
}
