// Activation in a real extension host (first of the suite: files run in name order). The extension activates on
// eight languages, so in nearly every window: activating must load neither the explorer bundle (dist/explorer.js,
// required by the first command), nor onnxruntime, nor a model, nor the tokenizer — the session worker does that
// when the explorer is first asked. How long activation takes is reported
// for the closing notes (speed targets live in bench/, not in tests): all of extension.activate() when this suite
// is first to activate it (VS Code reading and compiling the bundle, its modules' start-up, activate()), and the
// two parts the extension measures itself. What is loaded is asserted, and that what is left out of the activation
// bundle to be required on first use is there.
import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension/extension';
import { EXTENSION_ID } from './fixtures';

describe('activation in the extension host', () => {
  it('loads no onnxruntime, model or tokenizer, and reports how long it took', async () => {
    const extension = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in this VS Code`);
    const wasActive = extension.isActive;
    const started = performance.now();
    const api = await extension.activate();
    const whole = wasActive ? 'already active' : `${(performance.now() - started).toFixed(1)} ms in all`;
    assert.equal(typeof api.bundleLoadMs, 'number', 'the installed extension is the bundle, whose first line starts its clock');
    console.log(`activation: ${whole}; ${api.bundleLoadMs!.toFixed(1)} ms the bundle's modules, ${api.activationMs.toFixed(1)} ms in activate()`);
    const heavy = Object.keys(require.cache).filter((path) => /onnxruntime|[\\/]tokenizers[\\/]|tokenizer\.json|model\.safetensors/.test(path));
    assert.deepEqual(heavy, [], 'activation loaded a module the session worker alone should load');
    assert.equal(api.explorerStarted, false, 'activation started the explorer: its bundle waits for the first command');
    assert.ok(!Object.keys(require.cache).includes(join(extension.extensionPath, 'dist', 'explorer.js')), 'the explorer bundle is not loaded yet');
    // The extension's bundles leave the tokenizer library out (scripts/build.mjs LAZY_IN_EXTENSION); the explorer bundle
    // requires it when a model folder is imported: the installed extension must carry it where that require looks.
    const lazy = require.resolve('@huggingface/tokenizers', { paths: [join(extension.extensionPath, 'dist')] });
    const own = realpathSync(join(extension.extensionPath, 'node_modules')); // resolve answers real paths (a checkout's node_modules may be a link)
    assert.ok(lazy.startsWith(own) && lazy.endsWith('.cjs'), `the tokenizer library resolves to ${lazy}, not the extension's own CommonJS build in ${own}`);
    assert.ok(!Object.keys(require.cache).includes(lazy), 'resolving it loaded nothing');
  });
});
