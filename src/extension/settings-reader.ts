// gpt2Explorer.* read the VS Code way. Every value is checked (common/settings.ts); a bad one is told
// once per window, with a button to the setting. In Restricted Mode the settings that say where a model
// comes from (common/trust.ts) take the user's own value only, and when the workspace sets one the user
// is told once — a notification, not only a log line: the folder tried to point the model elsewhere,
// the explorer may therefore say "no model" where the folder expected one, and the fix (trusting the
// folder) is one button away. An untrusted workspace that sets none gets a log line only.

import * as vscode from 'vscode';
import { readSettings, type ExtensionSettings } from './common/settings';
import { isRestricted, RESTRICTED_SETTINGS, restrictedNotice, restrictedSettingsIn, restrictedValue } from './common/trust';

/** A settings file larger than this is not read for the notice (VS Code's own parse still applies). */
const MAX_SETTINGS_BYTES = 1024 * 1024;

export class SettingsReader {
  private readonly toldProblems = new Set<string>();
  private readonly toldIgnored = new Set<string>(); // restricted settings already said to be ignored
  private toldRestricted = false;

  constructor(private readonly log: (line: string) => void) {}

  read(): ExtensionSettings {
    const config = vscode.workspace.getConfiguration('gpt2Explorer');
    const trusted = vscode.workspace.isTrusted;
    const ignored: string[] = [];
    const { settings, problems } = readSettings((key) => {
      if (!isRestricted(key)) return config.get(key);
      const chosen = restrictedValue({ effective: config.get(key), ...config.inspect(key) }, trusted);
      if (chosen.ignored) ignored.push(key);
      return chosen.value;
    });
    for (const problem of problems) this.tellProblem(problem);
    if (!trusted) void this.tellRestricted(ignored);
    return settings;
  }

  private tellProblem(problem: string): void {
    this.log(`Setting ignored: ${problem}`);
    if (this.toldProblems.has(problem)) return;
    this.toldProblems.add(problem);
    const key = /^gpt2Explorer\.[\w.]+?(?= |$)/.exec(problem)?.[0] ?? 'gpt2Explorer';
    void vscode.window.showWarningMessage(`Setting ignored: ${problem}`, 'Open Settings').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', key);
    });
  }

  /** `seen`: ignored values inspect() showed; VS Code hides most, so the workspace's file is read too. */
  private async tellRestricted(seen: string[]): Promise<void> {
    const set = new Set([...seen, ...(await workspaceRestrictedSettings(this.log))]);
    const untold = RESTRICTED_SETTINGS.filter((key) => set.has(key) && !this.toldIgnored.has(key));
    if (!this.toldRestricted) this.log(`Restricted Mode: where the model comes from (${RESTRICTED_SETTINGS.map((key) => `gpt2Explorer.${key}`).join(', ')}) is read from your user settings only`);
    this.toldRestricted = true;
    if (untold.length === 0) return;
    for (const key of untold) this.toldIgnored.add(key);
    const notice = restrictedNotice(untold);
    this.log(notice);
    void vscode.window.showInformationMessage(notice, 'Manage Workspace Trust').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  }
}

/** The restricted settings the workspace's own settings file sets (its .code-workspace, else the folder's). */
async function workspaceRestrictedSettings(log: (line: string) => void): Promise<string[]> {
  const file = vscode.workspace.workspaceFile;
  const folder = vscode.workspace.workspaceFolders?.[0];
  const place: { uri: vscode.Uri; kind: 'workspace' | 'folder' } | undefined =
    file && file.scheme !== 'untitled' ? { uri: file, kind: 'workspace' }
    : folder ? { uri: vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json'), kind: 'folder' }
    : undefined;
  if (!place) return [];
  try {
    if ((await vscode.workspace.fs.stat(place.uri)).size > MAX_SETTINGS_BYTES) return [];
    return restrictedSettingsIn(new TextDecoder().decode(await vscode.workspace.fs.readFile(place.uri)), place.kind);
  } catch (error) {
    if (!(error instanceof vscode.FileSystemError && error.code === 'FileNotFound')) log(`Could not read ${place.uri.toString()}: ${String(error)}`);
    return [];
  }
}
