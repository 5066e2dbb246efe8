// The side-panel walkthrough inside a real extension host: its view opens and is sent the lesson, "Do it"
// drives the explorer, the lesson's progress follows what happens there, and its temperature experiment
// changes the live value without touching the learner's settings.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extensionApi, until } from './fixtures';

describe('the lesson walkthrough', () => {
  it('Show Walkthrough reveals the lesson view, and its page gets the lesson', async () => {
    const { lesson } = await extensionApi();
    await vscode.commands.executeCommand('gpt2Explorer.showWalkthrough');
    await until('the lesson view is shown and has the lesson', () => lesson.visible, 30_000);
  });

  it('does the first steps: the France preset on the Self-Attention tab, slider at 0, both ticked', async () => {
    const { controller, lesson } = await extensionApi();
    await lesson.runStep('sentence');
    await lesson.runStep('red-dot');
    await until('the webview is on the Self-Attention tab at slider 0', () => controller.state.ui?.tab === 'attention' && controller.state.ui.slider === 0, 30_000);
    assert.equal(controller.state.session?.sentence.id, 'france');
    await until('the lesson ticks both steps', () => ['sentence', 'red-dot'].every((id) => lesson.progress.done.includes(id)), 30_000);
  });

  it('tries temperature 0 and 1.5 on the live value, and leaves settings.json alone', async () => {
    const { controller, lesson } = await extensionApi();
    await lesson.runStep('temperature');
    assert.equal(controller.state.session?.settings.temperature, 1.5, 'the session samples at 1.5');
    assert.equal(controller.state.decoding.temperature, 1.5);
    assert.ok(lesson.progress.done.includes('temperature'), 'the step is ticked');
    const setting = vscode.workspace.getConfiguration('gpt2Explorer').inspect('temperature');
    assert.deepEqual([setting?.globalValue, setting?.workspaceValue], [undefined, undefined], 'no temperature was written to the settings');
  });
});
