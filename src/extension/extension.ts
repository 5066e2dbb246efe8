// Activation: only on our commands, views, the explorer panel's restore and the CodeLens languages
// (package.json activationEvents) — never at start-up, but in nearly every window. So this bundle only registers:
// the commands (their handlers are in the explorer bundle, dist/explorer.js, required when one first runs:
// explorer/lazy-explorer.ts), the CodeLens, the status bar, the lesson view and the panel's restore. The model
// loads in the session worker the first time the explorer needs it.

import { join } from 'node:path';
import * as vscode from 'vscode';
import { PAIRS, PRESETS } from '../explorer/presets';
import { PROMPT_DOCUMENTS, PromptCodeLensProvider } from './codelens/provider';
import { explainIncompleteInstall, extensionsQuery, SHOW_IN_EXTENSIONS } from './common/incomplete-install';
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

/** The explorer bundle, beside this one (scripts/build.mjs), relative to the extension's folder. */
const EXPLORER_BUNDLE = 'dist/explorer.js';

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
    start: () => requireExplorerBundle(context, log)?.startExplorer(start) ?? null,
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
    // A panel the explorer cannot draw (its bundle will not load) is closed, not left blank.
    vscode.window.registerWebviewPanelSerializer(EXPLORER_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => {
        const explorer = lazy.explorer;
        if (explorer) explorer.revive(panel);
        else panel.dispose();
      },
    }),
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
    ...COMMANDS.map((id) => vscode.commands.registerCommand(id, (...args: unknown[]) => lazy.explorer?.commands[id](...args))),
  );
  stopExplorer = () => lazy.dispose();
  return {
    get controller() {
      const explorer = lazy.explorer;
      if (!explorer) throw new Error(`GPT-2 Explorer's ${EXPLORER_BUNDLE} could not be loaded`);
      return explorer.controller;
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
 * The explorer bundle, or null when it will not load (a VSIX unpacked half-way, a file deleted or damaged): the user
 * then reads what broke and how to mend it, with a button to the extension in the Extensions view, instead of Node's
 * "Cannot find module" from every command; the full error goes to the output channel.
 */
function requireExplorerBundle(context: vscode.ExtensionContext, log: (line: string) => void): { startExplorer: typeof startExplorer } | null {
  try {
    return require(join(context.extensionPath, ...EXPLORER_BUNDLE.split('/'))) as { startExplorer: typeof startExplorer };
  } catch (error) {
    log(`${EXPLORER_BUNDLE} could not be loaded: ${error instanceof Error ? error.stack : String(error)}`);
    void vscode.window.showErrorMessage(explainIncompleteInstall(EXPLORER_BUNDLE, error), SHOW_IN_EXTENSIONS).then((choice) => {
      if (choice === SHOW_IN_EXTENSIONS) void vscode.commands.executeCommand('workbench.extensions.search', extensionsQuery(context.extension.id));
    });
    return null;
  }
}

/**
 * VS Code awaits this (it does not await disposables): the worker finishes the pass it is in and
 * disposes its model, instead of being torn down mid-inference with the extension host.
 */
export function deactivate(): Promise<void> | undefined {
  return stopExplorer?.();
}
