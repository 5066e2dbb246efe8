// GPT-2: Show Token Surprise inside a real extension host, on the test model of gpt2Explorer.modelPath:
// the command scores the document, a hover reads what the model made of a token, an edit takes the old
// hovers off at once and the live update brings new ones, and the same command turns it off.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extensionApi, openFile } from './fixtures';

/** The surprise hover's Markdown at `position`, or '' when there is none. */
async function surpriseHover(document: vscode.TextDocument, position: vscode.Position): Promise<string> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position)) ?? [];
  const texts = hovers.flatMap((hover) => hover.contents).map((content) => (typeof content === 'string' ? content : content.value));
  return texts.find((text) => text.includes('· token id')) ?? '';
}

/** The surprise summary CodeLens of the document, or ''. */
async function summaryLens(document: vscode.TextDocument): Promise<string> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri)) ?? [];
  return lenses.map((lens) => lens.command?.title ?? '').find((title) => title.startsWith('GPT-2 surprise:')) ?? '';
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((wake) => setTimeout(wake, 100));
  }
}

describe('GPT-2: Show Token Surprise in the extension host', () => {
  it('scores the whole document, hovers a token, follows an edit, and turns off with the same command', async () => {
    await extensionApi();
    const editor = await openFile('surprise.txt', 'The capital of France is Paris.');
    editor.selection = new vscode.Selection(0, 0, 0, 0); // nothing selected: the whole document
    assert.equal(await vscode.commands.executeCommand<boolean>('gpt2Explorer.showTokenSurprise'), true, 'scored and shown');

    const capital = await surpriseHover(editor.document, new vscode.Position(0, 6)); // inside " capital" (id 3139)
    assert.match(capital, /^\*\*" capital"\*\* · token id 3139$/m);
    assert.match(capital, /^Probability \*\*.+\*\* given the text before it \(surprise \d+\.\d\d bits\) · rank \*\*[\d,]+\*\*, (in the top|beyond)/m);
    assert.match(capital, /^Logit lens: (first ranked first at layer \*\*\d+\*\* of 0–\d+|no layer ranks it first)/m, 'the lens layer, asked of the worker on hover');
    assert.equal(capital.split('\n').filter((line) => /^\| .+ \| \d+ \| .+ \|$/.test(line)).length, 5, 'the top 5 rows');
    assert.match(await surpriseHover(editor.document, new vscode.Position(0, 1)), /The first token of the text/);
    assert.match(await summaryLens(editor.document), /^GPT-2 surprise: 7 tokens · mean \d+\.\d\d bits\/token · most surprising ".+" \(\d+\.\d\d bits, rank [\d,]+\)$/);

    await editor.edit((edit) => edit.insert(new vscode.Position(0, 31), ' And Berlin.'));
    assert.equal(await surpriseHover(editor.document, new vscode.Position(0, 6)), '', 'the old scores are off the new text at once');
    await eventually('the edited text is scored again', async () => /token id/.test(await surpriseHover(editor.document, new vscode.Position(0, 36))));

    assert.equal(await vscode.commands.executeCommand<boolean>('gpt2Explorer.showTokenSurprise'), false, 'the same command turns it off');
    assert.equal(await surpriseHover(editor.document, new vscode.Position(0, 6)), '');
    assert.equal(await summaryLens(editor.document), '', 'the summary goes with it');
  });
});
