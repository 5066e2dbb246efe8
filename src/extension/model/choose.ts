// GPT-2: Choose Model — the known models with their size, whether each is on this machine and the
// memory it will take, plus Import Folder…. A model that is not here is downloaded into the Hugging
// Face cache first (progress and cancel, the token as Download Model sends it). When float32 does not
// fit the free memory, the user is told before loading and offered the 8-bit weights. The choice goes
// into gpt2Explorer.model (and clears gpt2Explorer.modelPath); the settings listener reloads the
// model, and the explorer keeps its sentence and its decoding settings across the switch.

import { gb } from '../../engine/memory';
import * as vscode from 'vscode';
import { availableMemory, DownloadError, downloadToCache, hubEnvironment, KNOWN_MODELS, knownModel, type KnownModel } from '../../engine/model-store';
import type { ExtensionSettings } from '../common/settings';
import type { ModelReloader } from '../ports';
import { modelChoices, modelPathLeftWarning, type ModelChoice } from './choices';
import { findHubToken, type Secrets } from './hub-credentials';
import { reporter } from './progress-reporter';

export interface ChooseContext {
  explorer: ModelReloader;
  settings: () => ExtensionSettings;
  storageDir: string;
  secrets: Secrets;
  log: (line: string) => void;
}

type Item = vscode.QuickPickItem & { choice?: ModelChoice };

export async function chooseModelCommand(context: ChooseContext): Promise<void> {
  const { modelPath, model } = context.settings();
  const running = modelPath === '' ? (knownModel(model || KNOWN_MODELS[0].id)?.id ?? model) : undefined;
  const choices = await modelChoices({ storageDir: context.storageDir, available: availableMemory(), running });
  const items: Item[] = [
    ...choices.map((choice) => ({ label: choice.label, description: choice.description, detail: choice.detail, choice })),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(folder-opened) Import Folder…', detail: 'a folder with config.json and model.safetensors of any GPT-2' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'GPT-2: Choose Model', placeHolder: 'The model the explorer runs', matchOnDescription: true, matchOnDetail: true });
  if (!picked) return;
  if (!picked.choice) return void vscode.commands.executeCommand('gpt2Explorer.importModel');
  await switchTo(picked.choice, context);
}

async function switchTo(choice: ModelChoice, context: ChooseContext): Promise<void> {
  const { model } = choice;
  if (choice.where === 'absent' && !(await download(model, choice, context))) return;
  const weights = await weightsFor(choice, context.settings().weights);
  if (!weights) return;
  const config = vscode.workspace.getConfiguration('gpt2Explorer');
  const id = choice.where === 'storage' ? '' : model.id; // GPT-2 small in the extension's storage: the default
  const before = context.settings();
  context.log(`Choose Model: ${model.id} (${choice.where === 'absent' ? 'downloaded' : choice.where}), ${weights} weights`);
  // model first: while modelPath still wins that reload keeps the old folder; clearing modelPath first would load
  // the default GPT-2 small for a moment (and say it is missing, when it is not here).
  await config.update('model', id || undefined, vscode.ConfigurationTarget.Global);
  await config.update('modelPath', undefined, vscode.ConfigurationTarget.Global);
  if (weights !== before.weights) await config.update('weights', weights, vscode.ConfigurationTarget.Global);
  // A changed setting reloads through the configuration listener; the same model again must reload here.
  if (before.modelPath === '' && before.model === id && weights === before.weights) await context.explorer.reloadModel();
  // A folder set where the user's settings do not reach (a remote window's or a workspace's settings) still wins.
  const warning = modelPathLeftWarning(config.inspect<string>('modelPath'), model.id);
  if (warning) void vscode.window.showWarningMessage(warning, 'Open Settings').then((choice) => choice && vscode.commands.executeCommand('workbench.action.openSettings', 'gpt2Explorer.modelPath'));
}

/** Downloads the model into the Hugging Face cache under a cancellable notification; false when it did not arrive. */
async function download(model: KnownModel, choice: ModelChoice, context: ChooseContext): Promise<boolean> {
  const hub = hubEnvironment();
  const size = `${(choice.bytes / 1e6).toFixed(0)} MB`;
  const go = await vscode.window.showInformationMessage(`${model.label} is not on this machine. Download it (${size}) into the Hugging Face cache ${hub.cacheDir}?`, { modal: true }, 'Download');
  if (go !== 'Download') return false;
  const token = await findHubToken(context.secrets, context.log);
  context.log(`Downloading ${model.id} into ${hub.cacheDir}${token ? ` with the Hugging Face token from ${token.source}` : ''}`);
  try {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `GPT-2: downloading ${model.id}`, cancellable: true }, (progress, cancel) => {
      const abort = new AbortController();
      cancel.onCancellationRequested(() => abort.abort());
      return downloadToCache({ source: model.source, hub, token, signal: abort.signal, onProgress: reporter(progress), retryWith: 'GPT-2: Choose Model' });
    });
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    context.log(`Download of ${model.id} failed: ${message}`);
    if (error instanceof DownloadError && error.code === 'cancelled') void vscode.window.showInformationMessage('Download cancelled. Choose the model again to resume where it stopped.');
    else void vscode.window.showErrorMessage(`${model.label} could not be downloaded: ${message}`);
    return false;
  }
}

/** float32 when it fits the free memory (or the user insists), else the 8-bit weights if the user takes them. */
async function weightsFor(choice: ModelChoice, current: ExtensionSettings['weights']): Promise<ExtensionSettings['weights'] | undefined> {
  if (choice.fits || current === 'int8') return current;
  const answer = await vscode.window.showWarningMessage(
    `${choice.model.label} needs about ${gb(choice.memory.float32)} of memory with float32 weights, more than is free now. With 8-bit weights it needs about ${gb(choice.memory.int8)} (every number shown is then the 8-bit model's).`,
    { modal: true },
    'Use 8-bit Weights',
    'Load float32 Anyway',
  );
  if (answer === 'Use 8-bit Weights') return 'int8';
  return answer === 'Load float32 Anyway' ? 'float32' : undefined;
}
