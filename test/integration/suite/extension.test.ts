// The extension inside a real extension host: its commands, Analyze Selection and Step on a real model
// (the test model from gpt2Explorer.modelPath), and the CodeLens provider on real documents.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import packageJson from '../../../package.json';
import { explorerPanelOpen, extensionApi, LESSON_SENTENCE, openFile, until } from './fixtures';

/** Every command package.json contributes: each must be registered at activation. */
const COMMANDS = packageJson.contributes.commands.map((entry) => entry.command);

describe('GPT-2 Explorer in the extension host', () => {
  it('registers every command of package.json', async () => {
    await extensionApi();
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(COMMANDS.filter((command) => !registered.has(command)), []);
  });

  it('Analyze Selection opens the explorer panel and analyzes the selected sentence', async () => {
    const { controller } = await extensionApi();
    const editor = await openFile('lesson.txt', `Some text before.\n${LESSON_SENTENCE}\nSome text after.`);
    const line = editor.document.lineAt(1).range;
    editor.selection = new vscode.Selection(line.start, line.end);
    const analyzed = await vscode.commands.executeCommand<boolean>('gpt2Explorer.analyzeSelection');
    assert.equal(analyzed, true, 'the command reports that it analyzed the selection');
    await until('the explorer panel is open', explorerPanelOpen);
    const session = controller.state.session;
    assert.ok(session, `a session after Analyze Selection (model: ${controller.state.model})`);
    assert.equal(session.sentence.source, 'selection');
    assert.equal(session.sentence.text, LESSON_SENTENCE);
    assert.equal(session.tokens.length, 12);
    assert.equal(session.generated, 0);
  });

  it('Step appends one token and advances the counter', async () => {
    const { controller } = await extensionApi();
    const before = controller.state.session;
    assert.ok(before, 'the previous test analyzed a sentence');
    await vscode.commands.executeCommand('gpt2Explorer.step');
    const after = controller.state.session!;
    assert.equal(after.generated, before.generated + 1);
    assert.equal(after.tokens.length, before.tokens.length + 1);
    assert.equal(after.tokens.at(-1)!.generated, true);
    assert.equal(after.tokens.at(-1)!.id, before.next.top[0].id, 'Step takes the top candidate');
  });

  it('Set Temperature resolves once the session has the value, and writes no setting', async () => {
    const { controller } = await extensionApi();
    assert.equal(await vscode.commands.executeCommand('gpt2Explorer.setTemperature', 0.3), true);
    assert.equal(controller.state.session?.settings.temperature, 0.3, 'the worker had it when the command resolved');
    assert.equal(controller.state.decoding.temperature, 0.3);
    const setting = vscode.workspace.getConfiguration('gpt2Explorer').inspect('temperature');
    assert.deepEqual([setting?.globalValue, setting?.workspaceValue], [undefined, undefined], 'settings.json keeps the user\'s default');
    assert.equal(await vscode.commands.executeCommand('gpt2Explorer.setTemperature', 7), false, 'out of range: refused');
    assert.equal(controller.state.decoding.temperature, 0.3);
  });

  it('the walkthrough Do-it commands drive the panel: applyUi reaches the webview state', async () => {
    const { controller } = await extensionApi();
    assert.equal(await vscode.commands.executeCommand('gpt2Explorer.applyUi', { tab: 'generation' }), true);
    await until('the webview echoes the Generation tab', () => controller.state.ui?.tab === 'generation', 30_000);
  });

  it('the CodeLens provider finds a prompt in TypeScript and runs Analyze on exactly its text', async () => {
    const editor = await openFile('prompts.ts', 'const systemPrompt = "You are a helpful assistant.";\nconst other = "not a prompt";\n');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
    const ours = lenses.filter((lens) => lens.command?.command === 'gpt2Explorer.analyzeText');
    assert.equal(ours.length, 1, `one lens above the prompt, got ${JSON.stringify(lenses.map((lens) => lens.command))}`);
    assert.equal(ours[0].range.start.line, 0);
    assert.equal(ours[0].command!.arguments![0], 'You are a helpful assistant.');
  });

  it('the CodeLens provider finds every paragraph of a .prompt file', async () => {
    const editor = await openFile('story.prompt', 'First paragraph.\n\nSecond paragraph,\nstill second.\n');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
    const lines = lenses.filter((lens) => lens.command?.command === 'gpt2Explorer.analyzeText').map((lens) => lens.range.start.line);
    assert.deepEqual(lines, [0, 2]);
  });
});
