// What the integration tests share: the extension's API, a scratch folder, documents and waiting.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension/extension';

export const EXTENSION_ID = 'gpt2-explorer.gpt2-explorer';
export const LESSON_SENTENCE = 'The capital of Germany is Berlin. The capital of France is';

export async function extensionApi(): Promise<ExtensionApi> {
  const extension = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed in this VS Code`);
  return extension.activate();
}

const scratch = mkdtempSync(join(tmpdir(), 'gpt2-integration-'));

/** Writes `content` to a fresh file and opens it in an editor. */
export async function openFile(name: string, content: string): Promise<vscode.TextEditor> {
  mkdirSync(scratch, { recursive: true });
  const path = join(scratch, name);
  writeFileSync(path, content);
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(path));
  return vscode.window.showTextDocument(document);
}

/** Waits until `check` holds (the controller answers asynchronously); fails with `what` after the timeout. */
export async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((wake) => setTimeout(wake, 100));
  }
}

/** True when the explorer panel is open in some editor group. */
export function explorerPanelOpen(): boolean {
  return vscode.window.tabGroups.all.some((group) =>
    group.tabs.some((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('gpt2Explorer.explorer')),
  );
}
