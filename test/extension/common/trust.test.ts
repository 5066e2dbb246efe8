// Restricted Mode's settings logic: which value of a path-like setting is used, trusted or not, set by
// the user or by the workspace; and which restricted settings a workspace's settings file sets.

import assert from 'node:assert/strict';
import { parseJsonc, RESTRICTED_SETTINGS, restrictedNotice, restrictedSettingsIn, restrictedValue } from '../../../src/extension/common/trust';

describe('Restricted Mode settings', () => {
  const user = '/my/own/gpt2';
  const workspace = '/evil/elsewhere';

  it('uses the usual value in a trusted workspace, where a workspace value wins', () => {
    assert.deepEqual(restrictedValue({ effective: workspace, globalValue: user, workspaceValue: workspace }, true), { value: workspace, ignored: false });
    assert.deepEqual(restrictedValue({ effective: user, globalValue: user }, true), { value: user, ignored: false });
    assert.deepEqual(restrictedValue({ effective: undefined }, true), { value: undefined, ignored: false });
  });

  it("uses only the user's value in Restricted Mode, and says a workspace's or folder's value was ignored", () => {
    assert.deepEqual(restrictedValue({ effective: workspace, globalValue: user, workspaceValue: workspace }, false), { value: user, ignored: true });
    assert.deepEqual(restrictedValue({ effective: workspace, workspaceFolderValue: workspace }, false), { value: undefined, ignored: true }, 'no user value: the default (the extension storage)');
    assert.deepEqual(restrictedValue({ effective: user, globalValue: user }, false), { value: user, ignored: false });
    assert.deepEqual(restrictedValue({ effective: undefined }, false), { value: undefined, ignored: false });
  });

  it('finds a restricted setting in a folder settings.json written with comments and trailing commas', () => {
    const text = `{
      // "gpt2Explorer.modelPath": "/in/a/comment",
      /* a block comment, with "quotes" and a , } */
      "files.exclude": { "**/a//b": true, "c/*d": true, },
      "gpt2Explorer.modelPath": "${workspace}", // the redirection
      "gpt2Explorer.temperature": 0.5,
    }`;
    assert.deepEqual(parseJsonc(text), { 'files.exclude': { '**/a//b': true, 'c/*d': true }, 'gpt2Explorer.modelPath': workspace, 'gpt2Explorer.temperature': 0.5 });
    assert.deepEqual(restrictedSettingsIn(text, 'folder'), ['modelPath']);
    assert.deepEqual(restrictedSettingsIn('{ "gpt2Explorer.temperature": 0 }', 'folder'), []);
    assert.deepEqual(restrictedSettingsIn('{ "note": "say \\"hi\\" // not a comment", "gpt2Explorer.modelPath": "x" }', 'folder'), ['modelPath'], 'an escaped quote does not end the string');
    assert.deepEqual(restrictedSettingsIn('{ "note": "gpt2Explorer.modelPath is named in a value" }', 'folder'), []);
  });

  it("finds it in a .code-workspace file's settings only, and nothing in a file that is not JSON", () => {
    assert.deepEqual(restrictedSettingsIn(`{ "folders": [{ "path": "." }], "settings": { "gpt2Explorer.modelPath": "${workspace}" } }`, 'workspace'), ['modelPath']);
    assert.deepEqual(restrictedSettingsIn(`{ "gpt2Explorer.modelPath": "${workspace}" }`, 'workspace'), [], 'a workspace file keeps its settings under "settings"');
    for (const broken of ['', 'not json', '{ "gpt2Explorer.modelPath": ', '[1, 2]', 'null', '"gpt2Explorer.modelPath"']) assert.deepEqual(restrictedSettingsIn(broken, 'folder'), [], broken);
  });

  it('reads a long settings file in linear time (a workspace could hand it anything)', () => {
    const text = `{ "a": [${'0, '.repeat(200_000)}0] ${' '.repeat(200_000)}, "gpt2Explorer.modelPath": "x" }`;
    const started = Date.now();
    assert.deepEqual(restrictedSettingsIn(text, 'folder'), ['modelPath']);
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms (a quadratic scan takes minutes)`);
  });

  it('tells the user which settings were ignored and what the explorer uses instead', () => {
    assert.deepEqual(RESTRICTED_SETTINGS, ['modelPath', 'model']);
    assert.match(restrictedNotice(['modelPath']), /^Restricted Mode: this workspace sets gpt2Explorer\.modelPath, which GPT-2 Explorer ignores until you trust it\. .*your own model/);
  });
});
