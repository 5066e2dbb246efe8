// GPT-2: Download Model, GPT-2: Import Model Folder and GPT-2: Set Hugging Face Token. Where the
// download goes is download-plan.ts's (the Hugging Face cache); the download itself (pinned revision,
// resume, sha256, atomic rename, the token only to the Hub) is the engine's; this is its progress
// notification and cancel button. Importing checks a folder the user
// already has and points gpt2Explorer.modelPath at it (no 550 MB copy).

import * as vscode from 'vscode';
import { DownloadError, importModelFolder, ModelFolderError, tokenProblem, type ImportedModel } from '../../engine/model-store';
import type { CommandHandlers, MODEL_COMMANDS } from '../contributes';
import type { ModelReloader } from '../ports';
import type { ExtensionSettings } from '../common/settings';
import { downloadLabel } from './choices';
import { chooseModelCommand } from './choose';
import { downloadPlan, planTarget, runDownloadPlan, type DownloadPlan } from './download-plan';
import { findHubToken, keepEnteredToken, type Secrets } from './hub-credentials';
import { reporter } from './progress-reporter';

export interface ModelCommandContext {
  explorer: ModelReloader; // loads the new files once they are in place
  settings: () => ExtensionSettings;
  storageDir: string;
  secrets: Secrets; // VS Code's SecretStorage: the token the user entered
  log: (line: string) => void;
}

/** The model commands' handlers, by command id (contributes.ts MODEL_COMMANDS; activate() registers them). */
export function modelCommands(context: ModelCommandContext): CommandHandlers<(typeof MODEL_COMMANDS)[number]> {
  return {
    'gpt2Explorer.downloadModel': () => downloadModelCommand(context),
    'gpt2Explorer.importModel': (folder) => importModelCommand(context, folder),
    'gpt2Explorer.setHuggingFaceToken': () => setTokenCommand(context),
    'gpt2Explorer.chooseModel': () => chooseModelCommand(context),
  };
}

async function downloadModelCommand(context: ModelCommandContext): Promise<void> {
  let plan: DownloadPlan;
  try {
    plan = downloadPlan(context.settings());
  } catch (error) {
    return downloadFailed(error, context);
  }
  const target = planTarget(plan);
  const hubToken = await findHubToken(context.secrets, context.log);
  context.log(`Downloading ${plan.source.repo} into ${target}${hubToken ? ` with the Hugging Face token from ${hubToken.source} (sent to the Hub only)` : ''}`);
  let dir: string;
  try {
    dir = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `GPT-2: downloading ${plan.source.repo}`, cancellable: true },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return runDownloadPlan(plan, { signal: abort.signal, onProgress: reporter(progress), token: hubToken });
      },
    );
  } catch (error) {
    return downloadFailed(error, context);
  }
  context.log(`${plan.source.repo} is in ${dir}`);
  void vscode.window.showInformationMessage(`${plan.source.repo} is downloaded to ${target}.`);
  await context.explorer.reloadModel();
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

/**
 * Asks for a folder (or takes one as argument), checks all of it (config, every tensor's name, shape,
 * dtype and values, the tokenizer) under a cancellable progress notification, and makes it the model
 * folder. In Restricted Mode the folder comes from the user's own dialog only: the argument could come
 * from the untrusted workspace, and the folder goes into the user's settings.
 */
async function importModelCommand(context: ModelCommandContext, folder?: unknown): Promise<void> {
  const dir = typeof folder === 'string' && vscode.workspace.isTrusted ? folder : await pickFolder();
  if (!dir) return;
  let imported: ImportedModel;
  try {
    imported = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `GPT-2: checking ${dir}`, cancellable: true },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return importModelFolder(dir, { signal: abort.signal, onProgress: reporter(progress) });
      },
    );
  } catch (error) {
    return importFailed(error, dir, context);
  }
  context.log(`Imported ${dir}: ${imported.dtypes.join('/')} weights, ${imported.pinned ? "byte for byte OpenAI's GPT-2 small" : 'not the pinned GPT-2 small file'}, ${imported.tokenizer} tokenizer`);
  const unchanged = context.settings().modelPath === dir;
  await vscode.workspace.getConfiguration('gpt2Explorer').update('modelPath', dir, vscode.ConfigurationTarget.Global);
  // A changed setting reloads through the configuration listener; the same folder again must reload here.
  if (unchanged) await context.explorer.reloadModel();
}

async function importFailed(error: unknown, dir: string, context: ModelCommandContext): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  context.log(`Import of ${dir} failed: ${message}`);
  if (!(error instanceof ModelFolderError)) {
    if (error instanceof Error && error.name === 'AbortError') return; // cancelled: nothing to say
    void vscode.window.showErrorMessage(`GPT-2 could not check ${dir}: ${message}`);
    return;
  }
  const download = downloadLabel(context.settings());
  const choice = await vscode.window.showErrorMessage(`This folder cannot be imported: ${message}.`, 'Choose Another Folder…', download);
  if (choice === 'Choose Another Folder…') return importModelCommand(context);
  if (choice === download) return downloadModelCommand(context);
}

/** Asks for a token in a password box; an empty answer removes the stored one. Neither is logged. */
async function setTokenCommand(context: ModelCommandContext): Promise<void> {
  const typed = await vscode.window.showInputBox({
    title: 'GPT-2: Set Hugging Face Token',
    prompt: 'For gated or private models: a token from huggingface.co/settings/tokens. It is kept in VS Code\'s secret storage and sent to huggingface.co only. Leave empty to remove it.',
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? undefined : tokenProblem(value.trim())),
  });
  if (typed === undefined) return; // cancelled
  const kept = await keepEnteredToken(context.secrets, typed);
  context.log(kept === 'stored' ? 'A Hugging Face token was stored in the secret storage' : 'The stored Hugging Face token was removed');
  void vscode.window.showInformationMessage(kept === 'stored' ? 'The Hugging Face token is stored; downloads send it to huggingface.co only.' : 'The Hugging Face token is removed.');
}

async function pickFolder(): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    openLabel: 'Use This Model Folder',
    title: 'Import GPT-2: a folder with config.json and model.safetensors',
  });
  const folder = picked?.[0];
  // A virtual workspace's dialog opens on its own file system; the worker reads this computer's disk.
  if (folder && folder.scheme !== 'file') {
    void vscode.window.showErrorMessage(`GPT-2 reads a model from this computer's disk, and ${folder.toString()} is not on it: choose a local folder (Show Local in the dialog).`);
    return undefined;
  }
  return folder?.fsPath;
}
