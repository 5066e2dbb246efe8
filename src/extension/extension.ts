// Activation: only on our commands, views, the explorer panel's restore and the CodeLens languages
// (package.json activationEvents) — never at start-up, but in nearly every window. So this bundle only registers:
// the commands (their handlers are in the explorer bundle, dist/explorer.js, required when one first runs:
// explorer/lazy-explorer.ts), the CodeLens, the status bar, the lesson view and the panel's restore. The model
// loads in the session worker the first time the explorer needs it.

import { join } from 'node:path';
import * as vscode from 'vscode';
import { PAIRS, PRESETS } from '../explorer/presets';
import { PROMPT_DOCUMENTS, PromptCodeLensProvider } from './codelens/provider';
import { COMMANDS, EXPLORER_VIEW_TYPE } from './contributes';
import type { ExplorerController } from './explorer/controller';
import { LazyExplorer } from './explorer/lazy-explorer';
import type { ExplorerStart, startExplorer } from './explorer-bundle';
import { createStatusBar } from './explorer/status-bar';
import { SettingsReader } from './settings-reader';
import { logLine } from './vscode-ui';
import { registerWalkthroughView, type LessonApi } from './walkthrough/lesson-view';

/** Where workspaceState keeps the live decoding values (explorer/decoding-store.ts). */
const DECODING_KEY = 'gpt2Explorer.liveDecoding';

/** Set by the bundle's first and last lines (scripts/build.mjs BUNDLE_CLOCK); absent when run from source. */
declare const __gpt2ExplorerBundleStart: number | undefined;
declare const __gpt2ExplorerBundleEnd: number | undefined;

/** The explorer's dispose, set by activate for deactivate. */
let stopExplorer: (() => Promise<void>) | undefined;

/** What activate returns: the integration tests reach the controller (reading it starts the explorer) and the lesson. */
export interface ExtensionApi {
  readonly controller: ExplorerController;
  lesson: LessonApi;
  activationMs: number; // how long activate() took: it runs in nearly every window
  bundleLoadMs?: number; // the bundle's modules running, first line to last: their own start-up (absent from source)
  /** Whether the explorer bundle has been required yet (activation must not). */
  readonly explorerStarted: boolean;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  const bundleLoadMs = typeof __gpt2ExplorerBundleStart === 'number' ? __gpt2ExplorerBundleEnd! - __gpt2ExplorerBundleStart : undefined;
  const output = vscode.window.createOutputChannel('GPT-2 Explorer');
  const log = (line: string) => logLine(output, line);
  const reader = new SettingsReader(log);
  let settings = reader.read();
  const decodingMemory = { recall: () => context.workspaceState.get(DECODING_KEY), keep: (saved: unknown) => void context.workspaceState.update(DECODING_KEY, saved) };
  const start: ExplorerStart = { context, output, settings: () => settings, decodingMemory, storageDir: join(context.globalStorageUri.fsPath, 'gpt2'), presets: PRESETS, pairs: PAIRS };
  const lazy = new LazyExplorer({
    start: () => (require(join(context.extensionPath, 'dist', 'explorer.js')) as { startExplorer: typeof startExplorer }).startExplorer(start),
    settings: () => settings,
    decodingMemory,
    presets: PRESETS,
  });
  const codeLens = new PromptCodeLensProvider(() => settings.codeLensEnabled);
  const walkthrough = registerWalkthroughView(context, lazy, log);
  const settingsMoved = () => {
    settings = reader.read();
    codeLens.refresh();
    lazy.settingsChanged();
  };

  context.subscriptions.push(
    output,
    codeLens,
    // Registered at activation so VS Code can restore the panel after a window reload.
    vscode.window.registerWebviewPanelSerializer(EXPLORER_VIEW_TYPE, { deserializeWebviewPanel: async (panel) => lazy.explorer.revive(panel) }),
    vscode.languages.registerCodeLensProvider(PROMPT_DOCUMENTS, codeLens),
    createStatusBar(lazy),
    walkthrough.disposable,
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('gpt2Explorer')) settingsMoved();
    }),
    // Trusted now: the workspace's own model settings apply (a changed model folder reloads).
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log('The workspace is trusted now: its gpt2Explorer settings apply');
      settingsMoved();
    }),
    ...COMMANDS.map((id) => vscode.commands.registerCommand(id, (...args: unknown[]) => lazy.explorer.commands[id](...args))),
  );
  stopExplorer = () => lazy.dispose();
  return {
    get controller() {
      return lazy.explorer.controller;
    },
    get explorerStarted() {
      return lazy.isStarted;
    },
    lesson: walkthrough.lesson,
    activationMs: performance.now() - started,
    bundleLoadMs,
  };
}

/**
 * VS Code awaits this (it does not await disposables): the worker finishes the pass it is in and
 * disposes its model, instead of being torn down mid-inference with the extension host.
 */
export function deactivate(): Promise<void> | undefined {
  return stopExplorer?.();
}
