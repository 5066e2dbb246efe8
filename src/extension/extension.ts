// Activation: only on our commands, views, the explorer panel's restore and the CodeLens languages
// (package.json activationEvents) — never at start-up. Nothing heavy happens here: the model loads in
// the session worker the first time the explorer needs it.

import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { PAIRS, PRESETS } from '../explorer/presets';
import { PROMPT_DOCUMENTS, PromptCodeLensProvider } from './codelens/provider';
import { registerCommands } from './explorer/commands';
import { ExplorerController } from './explorer/controller';
import { ExplorerPanel } from './explorer/panel';
import { createStatusBar } from './explorer/status-bar';
import { registerModelCommands } from './model/commands';
import { SettingsReader } from './settings-reader';
import { registerSurprise } from './surprise/feature';
import { downloadLabel } from './model/choices';
import { VsCodeUi } from './vscode-ui';
import { registerWalkthroughView, type LessonApi } from './walkthrough/lesson-view';

/** Where workspaceState keeps the live decoding values (explorer/decoding-store.ts). */
const DECODING_KEY = 'gpt2Explorer.liveDecoding';

/** Set by the bundle's first and last lines (scripts/build.mjs BUNDLE_CLOCK); absent when run from source. */
declare const __gpt2ExplorerBundleStart: number | undefined;
declare const __gpt2ExplorerBundleEnd: number | undefined;

/** The controller's dispose, set by activate for deactivate. */
let stopController: (() => Promise<void>) | undefined;

/** What activate returns: the integration tests reach the controller and the lesson through it. */
export interface ExtensionApi {
  controller: ExplorerController;
  lesson: LessonApi;
  activationMs: number; // how long activate() took: it runs in nearly every window
  bundleLoadMs?: number; // the bundle's modules running, first line to last: their own start-up (absent from source)
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  const bundleLoadMs = typeof __gpt2ExplorerBundleStart === 'number' ? __gpt2ExplorerBundleEnd! - __gpt2ExplorerBundleStart : undefined;
  const output = vscode.window.createOutputChannel('GPT-2 Explorer');
  const ui = new VsCodeUi(output, {
    downloadModel: () => vscode.commands.executeCommand('gpt2Explorer.downloadModel'),
    importModel: () => vscode.commands.executeCommand('gpt2Explorer.importModel'),
    chooseModel: () => vscode.commands.executeCommand('gpt2Explorer.chooseModel'),
    openSettings: () => vscode.commands.executeCommand('workbench.action.openSettings', 'gpt2Explorer'),
    reloadModel: (): Promise<void> => controller.reloadModel(),
    useInt8Weights: () => vscode.workspace.getConfiguration('gpt2Explorer').update('weights', 'int8', vscode.ConfigurationTarget.Global),
  }, () => downloadLabel(settings));
  const log = (line: string) => ui.log(line);
  const reader = new SettingsReader(log);
  let settings = reader.read();
  const storageDir = join(context.globalStorageUri.fsPath, 'gpt2');
  const controller: ExplorerController = new ExplorerController({
    spawnWorker: () => new Worker(join(context.extensionPath, 'dist', 'session-worker.js')),
    presets: PRESETS,
    pairs: PAIRS,
    settings: () => settings,
    decodingMemory: { recall: () => context.workspaceState.get(DECODING_KEY), keep: (saved) => void context.workspaceState.update(DECODING_KEY, saved) },
    storageDir,
    ui,
  });
  const codeLens = new PromptCodeLensProvider(() => settings.codeLensEnabled);
  const walkthrough = registerWalkthroughView(context, controller, log);
  const settingsMoved = () => {
    settings = reader.read();
    codeLens.refresh();
    void controller.settingsChanged();
  };

  context.subscriptions.push(
    output,
    codeLens,
    // Registered at activation so VS Code can restore the panel after a window reload.
    vscode.window.registerWebviewPanelSerializer(ExplorerPanel.viewType, {
      deserializeWebviewPanel: async (panel) => void ExplorerPanel.revive(panel, context.extensionUri, controller),
    }),
    vscode.languages.registerCodeLensProvider(PROMPT_DOCUMENTS, codeLens),
    createStatusBar(controller),
    walkthrough.disposable,
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('gpt2Explorer')) settingsMoved();
    }),
    // Trusted now: the workspace's own model settings apply (a changed model folder reloads).
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log('The workspace is trusted now: its gpt2Explorer settings apply');
      settingsMoved();
    }),
    ...registerCommands({ extensionUri: context.extensionUri, controller, log }),
    ...registerSurprise(controller),
    ...registerModelCommands({ explorer: controller, settings: () => settings, storageDir, secrets: context.secrets, log }),
  );
  stopController = () => controller.dispose();
  return { controller, lesson: walkthrough.lesson, activationMs: performance.now() - started, bundleLoadMs };
}

/**
 * VS Code awaits this (it does not await disposables): the worker finishes the pass it is in and
 * disposes its model, instead of being torn down mid-inference with the extension host.
 */
export function deactivate(): Promise<void> | undefined {
  return stopController?.();
}
