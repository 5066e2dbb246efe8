// Activation stays light (the extension activates on eight languages, so in nearly every window): the real
// bundle, dist/extension.js, activated in its own process, requires nothing but `vscode` and Node's own
// modules and opens no file but itself — no explorer bundle, no onnxruntime-node, no tokenizer, no model — and still
// registers every command package.json contributes. The first command run requires the explorer bundle
// (dist/explorer.js: the controller and the commands' handlers) and still no onnxruntime-node, tokenizer or model.
// How long activation takes is printed, not asserted (speed lives in bench/ and the real VS Code test).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '..', '..');
const BUNDLE = join(ROOT, 'dist', 'extension.js');
const EXPLORER = join(ROOT, 'dist', 'explorer.js');

interface Loaded {
  required: string[];
  opened: string[];
}

/** The modules `loaded` required, Node's own left out, each once. */
const modules = (loaded: Loaded) => [...new Set(loaded.required.filter((name) => !name.startsWith('node:')))];

describe('activation (dist/extension.js)', () => {
  let activation: Loaded & { subscriptions: number; commands: string[]; ms: number; command: Loaded };

  before(async () => {
    assert.ok(existsSync(BUNDLE) && existsSync(EXPLORER), 'run npm run build first');
    const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, 'activate-bundle.cjs')]);
    activation = JSON.parse(stdout);
    console.log(`      activated in ${activation.ms.toFixed(1)} ms (require and activate, outside VS Code)`);
  });

  it('loads neither the explorer bundle nor onnxruntime-node nor the tokenizer nor a model, and registers every command', () => {
    assert.deepEqual(modules(activation), [BUNDLE, 'vscode']);
    assert.deepEqual(activation.opened.filter((file) => file !== BUNDLE), []);
    const contributed = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).contributes.commands.map((command: { command: string }) => command.command);
    assert.deepEqual([...activation.commands].sort(), [...contributed].sort());
    assert.ok(activation.subscriptions >= 20, `only ${activation.subscriptions} registrations: activation stopped half-way?`);
  });

  it('requires the explorer bundle when a command first runs, and still neither onnxruntime-node nor the tokenizer nor a model', () => {
    assert.deepEqual(modules(activation.command), [EXPLORER, 'vscode']);
    assert.deepEqual(activation.command.opened.filter((file) => file !== EXPLORER), []);
  });
});
