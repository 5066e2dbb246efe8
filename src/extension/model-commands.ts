// GPT-2: Download Model and GPT-2: Import Model Folder. The download itself (pinned revision, resume,
// sha256, atomic rename) is the model store's; this is its progress notification and cancel button.
// Importing points gpt2Explorer.modelPath at a folder that holds the two files, without copying 550 MB.

import * as vscode from 'vscode';
import { DownloadError, downloadModel, type DownloadProgress } from '../engine/model-store';
import type { ExplorerController } from './controller';
import { describeMissing, locateModel } from './model-location';
import type { ExtensionSettings } from './settings';

export interface ModelCommandContext {
  controller: ExplorerController;
  settings: () => ExtensionSettings;
  storageDir: string;
  log: (line: string) => void;
}

export async function downloadModelCommand(context: ModelCommandContext): Promise<void> {
  const targetDir = context.settings().modelPath || context.storageDir;
  context.log(`Downloading GPT-2 into ${targetDir}`);
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'GPT-2: downloading the model', cancellable: true },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return downloadModel({ targetDir, signal: abort.signal, onProgress: reporter(progress) });
      },
    );
  } catch (error) {
    return downloadFailed(error, context);
  }
  context.log(`GPT-2 is in ${targetDir}`);
  void vscode.window.showInformationMessage(`GPT-2 is downloaded to ${targetDir}.`);
  await context.controller.reloadModel();
}

/**
 * Turns byte counts into the notification's bar (it adds increments up) and a readable line. The bar
 * follows the weights file only (config.json is tiny): 0–90 % while downloading, 90–100 % while checking it.
 */
function reporter(progress: vscode.Progress<{ message?: string; increment?: number }>): (update: DownloadProgress) => void {
  let shown = 0;
  return (update) => {
    const fraction = update.total > 0 ? update.bytes / update.total : 0;
    const bar = update.file !== 'model.safetensors' ? shown : update.phase === 'download' ? 90 * fraction : 90 + 10 * fraction;
    const mb = (bytes: number) => (bytes / 1e6).toFixed(0);
    const speed = update.bytesPerSecond > 0 ? `, ${mb(update.bytesPerSecond)} MB/s` : '';
    const verb = { download: 'downloading', verify: 'checking', check: 'checking the tensors of' }[update.phase];
    progress.report({ increment: Math.max(0, bar - shown), message: `${verb} ${update.file}: ${mb(update.bytes)} of ${mb(update.total)} MB${speed}` });
    shown = Math.max(shown, bar);
  };
}

function downloadFailed(error: unknown, context: ModelCommandContext): void {
  const message = error instanceof Error ? error.message : String(error);
  context.log(`Download failed: ${message}`);
  if (error instanceof DownloadError && error.code === 'cancelled') {
    void vscode.window.showInformationMessage('Download cancelled. Run GPT-2: Download Model again to resume where it stopped.');
    return;
  }
  void vscode.window.showErrorMessage(`GPT-2 could not be downloaded: ${message}`, 'Retry', 'Import Folder…').then((choice) => {
    if (choice === 'Retry') void vscode.commands.executeCommand('gpt2Explorer.downloadModel');
    if (choice === 'Import Folder…') void vscode.commands.executeCommand('gpt2Explorer.importModel');
  });
}

/** Asks for a folder (or takes one as argument), checks it holds the files, and makes it the model folder. */
export async function importModelCommand(context: ModelCommandContext, folder?: unknown): Promise<void> {
  const dir = typeof folder === 'string' ? folder : await pickFolder();
  if (!dir) return;
  const location = await locateModel(dir, context.storageDir);
  if (location.kind === 'missing') {
    const choice = await vscode.window.showErrorMessage(describeMissing({ ...location, fromSetting: false }), 'Choose Another Folder…', 'Download (≈550 MB)');
    if (choice === 'Choose Another Folder…') return importModelCommand(context);
    if (choice === 'Download (≈550 MB)') return downloadModelCommand(context);
    return;
  }
  const unchanged = context.settings().modelPath === dir;
  await vscode.workspace.getConfiguration('gpt2Explorer').update('modelPath', dir, vscode.ConfigurationTarget.Global);
  context.log(`Model folder set to ${dir}`);
  // A changed setting reloads through the configuration listener; the same folder again must reload here.
  if (unchanged) await context.controller.reloadModel();
}

async function pickFolder(): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    openLabel: 'Use This Model Folder',
    title: 'Import GPT-2: a folder with config.json and model.safetensors',
  });
  return picked?.[0]?.fsPath;
}
