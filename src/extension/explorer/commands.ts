// The gpt2Explorer.* commands of the explorer. Each checks its input (command-args.ts), opens the explorer when it
// needs it, and hands the work to the controller. Commands resolve when their work is done, so tests
// and the walkthrough can await them.

import * as vscode from 'vscode';
import type { CommandHandlers, EXPLORER_COMMANDS } from '../contributes';
import type { PromptPlace, TextOrigin } from '../ports';
import { analyzeTextArguments, emptyTextProblem, parseTemperature, presetArgument, temperatureArgument, temperatureInputProblem, uiPatchArgument } from './command-args';
import { openAnalysis } from './analysis-open';
import type { ExplorerController } from './controller';
import { ExplorerPanel } from './panel';
import { formatTemperature } from './status-text';
import { MAX_TEXT } from '../../protocol/views';

type ExplorerCommand = (typeof EXPLORER_COMMANDS)[number];

export interface CommandContext {
  extensionUri: vscode.Uri;
  controller: ExplorerController;
  log: (line: string) => void;
}

/** The explorer's handlers, by command id (contributes.ts EXPLORER_COMMANDS; activate() registers them). */
export function explorerCommands(context: CommandContext): CommandHandlers<ExplorerCommand> {
  const { controller } = context;
  const open = () => ExplorerPanel.createOrShow(context.extensionUri, controller, vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active);
  return {
    'gpt2Explorer.openExplorer': () => void open(),
    'gpt2Explorer.analyzeSelection': () => analyzeSelection(controller, open),
    'gpt2Explorer.analyzeText': (text, source, place) => analyzeText(controller, open, text, source, place),
    'gpt2Explorer.compareWith': () => compareWith(controller, open),
    'gpt2Explorer.step': () => withSession(controller, open, () => controller.step()),
    'gpt2Explorer.sample': () => withSession(controller, open, () => controller.sample()),
    'gpt2Explorer.reset': () => withSession(controller, open, () => controller.reset()),
    'gpt2Explorer.setTemperature': (value) => setTemperature(controller, value),
    'gpt2Explorer.choosePreset': (id) => choosePreset(controller, open, id),
    'gpt2Explorer.showWalkthrough': () => vscode.commands.executeCommand('gpt2Explorer.lesson.focus'),
    'gpt2Explorer.applyUi': (patch) => applyUi(controller, open, patch, context.log),
    'gpt2Explorer.saveAnalysis': () => controller.saveAnalysis(),
    'gpt2Explorer.openAnalysis': (uri) => openAnalysis(controller, open, uri),
  };
}

async function analyzeSelection(controller: ExplorerController, open: () => void): Promise<boolean> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showWarningMessage('Open a file and select some text first, then run GPT-2: Analyze Selection.');
    return false;
  }
  const text = editor.document.getText(editor.selection);
  const empty = emptyTextProblem(text);
  if (empty) {
    void vscode.window.showWarningMessage(empty);
    return false;
  }
  const start = editor.document.offsetAt(editor.selection.start);
  const offsets = Array.from({ length: text.length + 1 }, (_, i) => start + i);
  open();
  return controller.analyze(text, 'selection', selectIn(editor.document.uri, offsets));
}

/** The analyzed sentence beside the editor's selection, on the Compare tab (patching needs the same token count). */
async function compareWith(controller: ExplorerController, open: () => void): Promise<boolean> {
  const editor = vscode.window.activeTextEditor;
  const text = editor ? editor.document.getText(editor.selection) : '';
  const empty = editor ? emptyTextProblem(text) : 'Open a file and select some text first, then run GPT-2: Compare With….';
  if (empty) {
    void vscode.window.showWarningMessage(empty);
    return false;
  }
  open();
  if (!controller.state.session) {
    void vscode.window.showInformationMessage('Nothing is analyzed yet to compare the selection with: pick a sentence in the explorer (or analyze one), then run GPT-2: Compare With… again.');
    return false;
  }
  await controller.compareWith(text.slice(0, MAX_TEXT));
  return true;
}

async function analyzeText(controller: ExplorerController, open: () => void, text: unknown, source: unknown, place: unknown): Promise<boolean> {
  const checked = analyzeTextArguments(text, source);
  if (!checked.ok) {
    void vscode.window.showWarningMessage(checked.error);
    return false;
  }
  open();
  const origin = isPlace(place, checked.value.text) ? selectIn(vscode.Uri.parse(place.uri), place.offsets) : null;
  return controller.analyze(checked.value.text, checked.value.source, origin);
}

function isPlace(place: unknown, text: string): place is PromptPlace {
  const candidate = place as Partial<PromptPlace> | null;
  return typeof candidate?.uri === 'string' && Array.isArray(candidate.offsets) && candidate.offsets.length === text.length + 1 && candidate.offsets.every(Number.isInteger);
}

/** Selects text[start, end) in its document: `offsets` gives each character's place there. */
function selectIn(uri: vscode.Uri, offsets: number[]): TextOrigin {
  return {
    select: (start, end) =>
      void (async () => {
        const document = await vscode.workspace.openTextDocument(uri);
        const visible = vscode.window.visibleTextEditors.find((editor) => editor.document === document);
        const editor = await vscode.window.showTextDocument(document, { viewColumn: visible?.viewColumn, preserveFocus: false });
        const range = new vscode.Range(document.positionAt(offsets[start]), document.positionAt(offsets[end]));
        editor.selection = new vscode.Selection(range.start, range.end);
        editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      })().catch(() => undefined), // the document may be gone: selecting is a courtesy
  };
}

/**
 * Step, Sample and Reset act on the analyzed sentence. Without one, the explorer opens (a new panel
 * starts on the lesson sentence by itself); a panel that was already open and empty gets a hint.
 */
async function withSession(controller: ExplorerController, open: () => void, act: () => Promise<void>): Promise<void> {
  const wasOpen = ExplorerPanel.isOpen;
  open();
  if (controller.state.session) return act();
  if (wasOpen) void vscode.window.showInformationMessage('Nothing is analyzed yet: pick a sentence in the explorer, or select text and run GPT-2: Analyze Selection.');
}

async function setTemperature(controller: ExplorerController, value: unknown): Promise<boolean> {
  const temperature = value === undefined ? await askTemperature(controller.state.decoding.temperature) : checkedTemperature(value);
  // The live value, not settings.json (the user's default); resolves once the worker has it.
  return temperature !== undefined && controller.setDecoding({ temperature });
}

/** The command's argument, if it is a temperature; otherwise the user is told why not. */
function checkedTemperature(value: unknown): number | undefined {
  const checked = temperatureArgument(value);
  if (!checked.ok) void vscode.window.showErrorMessage(checked.error);
  return checked.ok ? checked.value : undefined;
}

/** The input box, starting at the live temperature; undefined when cancelled. */
async function askTemperature(current: number): Promise<number | undefined> {
  const typed = await vscode.window.showInputBox({
    title: 'GPT-2: Set Temperature',
    prompt: '0 always picks the most likely token; 1 follows the model; up to 2 takes more risks',
    value: formatTemperature(current),
    validateInput: temperatureInputProblem,
  });
  const parsed = typed === undefined ? undefined : parseTemperature(typed);
  return parsed?.ok ? parsed.value : undefined;
}

async function choosePreset(controller: ExplorerController, open: () => void, id: unknown): Promise<boolean> {
  let preset;
  if (id !== undefined) {
    const checked = presetArgument(id, controller.presets);
    if (!checked.ok) {
      void vscode.window.showErrorMessage(checked.error);
      return false;
    }
    preset = checked.value;
  } else {
    const items = controller.presets.map((candidate) => ({ label: candidate.text, detail: candidate.note, preset: candidate }));
    preset = (await vscode.window.showQuickPick(items, { title: 'GPT-2: Choose Preset Prompt', matchOnDetail: true }))?.preset;
    if (!preset) return false;
  }
  open();
  return controller.choosePreset(preset);
}

function applyUi(controller: ExplorerController, open: () => void, patch: unknown, log: (line: string) => void): boolean {
  const checked = uiPatchArgument(patch);
  if (!checked.ok) {
    log(checked.error);
    return false;
  }
  open();
  controller.applyUi(checked.value);
  return true;
}
