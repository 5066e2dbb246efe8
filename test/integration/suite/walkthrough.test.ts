// The side-panel walkthrough inside a real extension host: its view opens, and the lesson's progress
// follows what happens in the explorer.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extensionApi, until } from './fixtures';

describe('the lesson walkthrough', () => {
  it('Show Walkthrough reveals the lesson view', async () => {
    await extensionApi();
    await vscode.commands.executeCommand('gpt2Explorer.showWalkthrough');
  });

  it('does the first steps: the France preset on the Self-Attention tab, slider at 0', async () => {
    const { controller } = await extensionApi();
    assert.equal(await vscode.commands.executeCommand('gpt2Explorer.choosePreset', 'france'), true);
    await vscode.commands.executeCommand('gpt2Explorer.applyUi', { tab: 'attention', slider: 0 });
    await until('the webview is on the Self-Attention tab', () => controller.state.ui?.tab === 'attention' && controller.state.ui.slider === 0, 30_000);
    assert.equal(controller.state.session?.sentence.id, 'france');
  });
});
