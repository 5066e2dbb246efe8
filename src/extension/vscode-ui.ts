// The controller's notifications, progress and log, shown the VS Code way: an output channel
// "GPT-2 Explorer", error notifications whose buttons run the fix, progress notifications.

import * as vscode from 'vscode';
import type { ControllerUi, SavedFile } from './ports';
import type { UserAction } from './common/failures';

/** The buttons' words; the Download button's also says how much it fetches (`downloadLabel`, from the settings). */
export const BUTTON_LABELS: Record<Exclude<UserAction, 'downloadModel'>, string> = {
  importModel: 'Import Folder…',
  chooseModel: 'Choose Model…',
  openSettings: 'Open Settings',
  reloadModel: 'Reload Model',
  useInt8Weights: 'Use 8-bit Weights',
};

export class VsCodeUi implements ControllerUi {
  constructor(
    private readonly output: vscode.OutputChannel,
    private readonly actions: Record<UserAction, () => unknown>,
    private readonly downloadLabel: () => string,
  ) {}

  log(line: string): void {
    logLine(this.output, line);
  }

  problem(message: string, actions: UserAction[]): void {
    const show = actions.length > 0 ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    const labels: Record<UserAction, string> = { ...BUTTON_LABELS, downloadModel: this.downloadLabel() };
    void show(message, ...actions.map((action) => labels[action])).then((label) => {
      const chosen = actions.find((action) => labels[action] === label);
      if (chosen) this.run(chosen);
    });
  }

  note(message: string): void {
    void vscode.window.showInformationMessage(message);
  }

  run(action: UserAction): void {
    void Promise.resolve(this.actions[action]()).catch((error: unknown) => this.log(`${action} failed: ${String(error)}`));
  }

  progress<T>(title: string, task: (report?: (message: string) => void) => Promise<T>): Promise<T> {
    return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, (progress) => task((message) => progress.report({ message }))));
  }

  async save(file: SavedFile): Promise<string | null> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const filters: Record<string, string[]> = file.kind === 'json' ? { 'GPT-2 Explorer data': ['json'] } : { 'PNG image': ['png'] };
    const target = await vscode.window.showSaveDialog({ defaultUri: folder && vscode.Uri.joinPath(folder, file.name), filters, title: `Save ${file.name}` });
    if (!target) return null;
    await vscode.workspace.fs.writeFile(target, file.bytes);
    return target.fsPath;
  }
}

/** One line of the output channel "GPT-2 Explorer", stamped with its time. */
export function logLine(output: vscode.OutputChannel, line: string): void {
  output.appendLine(`[${new Date().toISOString()}] ${line}`);
}
