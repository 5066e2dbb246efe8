// Activation stays light (the extension activates on eight languages, so in nearly every window): the real
// bundle, dist/extension.js, activated in its own process, requires nothing but `vscode` and Node's own
// modules and opens no file but itself — no onnxruntime-node, no tokenizer, no model — and still registers its
// commands and views. How long it takes is printed, not asserted (speed lives in bench/ and the real VS Code test).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '..', '..');

describe('activation (dist/extension.js)', () => {
  it('loads neither onnxruntime-node nor the tokenizer nor a model, and registers the commands', async () => {
    assert.ok(existsSync(join(ROOT, 'dist', 'extension.js')), 'run npm run build first');
    const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, 'activate-bundle.cjs')]);
    const { required, opened, subscriptions, ms } = JSON.parse(stdout) as { required: string[]; opened: string[]; subscriptions: number; ms: number };
    console.log(`      activated in ${ms.toFixed(1)} ms (require and activate, outside VS Code)`);
    assert.deepEqual([...new Set(required.filter((name) => !name.startsWith('node:')))], [join(ROOT, 'dist', 'extension.js'), 'vscode']);
    assert.deepEqual(opened.filter((file) => file !== join(ROOT, 'dist', 'extension.js')), []);
    assert.ok(subscriptions >= 20, `only ${subscriptions} registrations: activation stopped half-way?`);
  });
});
