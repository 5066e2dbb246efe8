// GPT-2: Open Analysis — a file written by Save Analysis, shown in the explorer without the model
// (read-only). A file that cannot be read, is not JSON, is another format or version, or is damaged is
// refused with a message naming the file and what is wrong (protocol/export-format.ts says which).

import * as vscode from 'vscode';
import { readAnalysis } from '../../protocol/export-format';
import type { ExplorerController } from './controller';

export async function openAnalysis(controller: ExplorerController, open: () => void, given?: unknown): Promise<boolean> {
  const picked = given instanceof vscode.Uri ? [given] : await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'GPT-2 Explorer analysis': ['json'] }, title: 'Open a saved GPT-2 analysis' });
  const target = picked?.[0];
  if (!target) return false;
  const name = target.path.split('/').pop() || 'the analysis';
  const refuse = (why: string) => (void vscode.window.showErrorMessage(`Cannot open ${name}: ${why}`), false);
  let text: string;
  try {
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
  } catch (error) {
    return refuse(error instanceof Error ? error.message : String(error));
  }
  const read = readAnalysis(text);
  if (!read.ok) return refuse(read.error);
  open();
  const problem = controller.showAnalysis(read.value, name);
  return problem ? refuse(problem) : true;
}
