// "Explore with GPT-2" above every prompt (detection: prompt-detection.ts). Clicking it runs
// gpt2Explorer.analyzeText on exactly that text, with where it came from so chips can select it.

import * as vscode from 'vscode';
import type { PromptPlace } from '../ports';
import { findPrompts, promptDocumentKind, quotePrompt } from './prompt-detection';

/** Documents that may hold prompts; promptDocumentKind decides for each one. */
export const PROMPT_DOCUMENTS: vscode.DocumentSelector = [
  { pattern: '**/*.prompt' },
  { pattern: '**/*.prompt.md' },
  { language: 'typescript' },
  { language: 'typescriptreact' },
  { language: 'javascript' },
  { language: 'javascriptreact' },
  { language: 'python' },
];

export class PromptCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly enabled: () => boolean) {}

  /** The setting changed: VS Code asks for the lenses again. */
  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const kind = promptDocumentKind(document.fileName, document.languageId);
    if (!this.enabled() || !kind) return [];
    const prompts = findPrompts(document.getText(), kind);
    const lines = prompts.map((prompt) => document.positionAt(prompt.start).line);
    return prompts.map((prompt, i) => {
      const at = document.positionAt(prompt.start);
      const place: PromptPlace = { uri: document.uri.toString(), offsets: prompt.offsets };
      const shared = lines.filter((line) => line === lines[i]).length > 1; // VS Code shows them side by side
      return new vscode.CodeLens(new vscode.Range(at, at), {
        title: shared ? `Explore with GPT-2: ${quotePrompt(prompt.text)}` : 'Explore with GPT-2',
        tooltip: `Open the GPT-2 explorer on ${quotePrompt(prompt.text, 80)}`,
        command: 'gpt2Explorer.analyzeText',
        arguments: [prompt.text, 'codelens', place],
      });
    });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
