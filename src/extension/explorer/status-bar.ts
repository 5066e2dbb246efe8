// "$(hubot) GPT-2: ready (GPT-2 124M) · T 1" in the status bar; a click sets the temperature.

import * as vscode from 'vscode';
import type { ExplorerController } from './controller';
import { statusText } from './status-text';

/** Reads the explorer before its controller starts too (lazy-explorer.ts): only what it shows. */
export function createStatusBar(controller: Pick<ExplorerController, 'state' | 'modelInfo' | 'onDidChangeState'>): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('gpt2Explorer.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'GPT-2 Explorer';
  item.command = 'gpt2Explorer.setTemperature';
  const update = () => {
    const { text, tooltip } = statusText(controller.state.model, controller.modelInfo, controller.state.decoding.temperature);
    item.text = text;
    item.tooltip = tooltip;
  };
  update();
  item.show();
  const subscription = controller.onDidChangeState(update);
  return { dispose: () => (subscription.dispose(), item.dispose()) };
}
