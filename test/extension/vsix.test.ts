// The VSIX as users get it: packaged by vsce from the built dist/, it holds what runs and nothing
// else, and its own session worker loads onnxruntime-node from its own node_modules and runs a model.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { SessionClient } from '../../src/extension/explorer/session-client';
import { DEFAULT_DECODING } from '../../src/protocol/decoding';
import { LESSON_SENTENCE, tinyModel } from './worker-harness';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');

describe('VSIX package', () => {
  let dir: string;
  let vsix: string;
  let files: string[];

  before(async function () {
    for (const bundle of ['extension.js', 'session-worker.js', 'webview/explorer.js', 'webview/walkthrough.js']) {
      assert.ok(existsSync(join(ROOT, 'dist', bundle)), `dist/${bundle} is missing: run npm run build first`);
    }
    dir = await mkdtemp(join(tmpdir(), 'gpt2-vsix-'));
    vsix = join(dir, 'gpt2-explorer.vsix');
    const vsce = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
    await run(process.execPath, [vsce, 'package', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', vsix], { cwd: ROOT });
    const { stdout } = await run('unzip', ['-Z1', vsix], { maxBuffer: 16 << 20 });
    files = stdout.split('\n').filter(Boolean);
  });

  after(() => rm(dir, { recursive: true, force: true }));

  it('holds the bundles, the tokenizer, the media and the linux-x64 runtime', () => {
    for (const file of [
      'extension/package.json',
      'extension/readme.md', // vsce writes the README under this name
      'extension/LICENSE.txt',
      'extension/dist/extension.js',
      'extension/dist/session-worker.js',
      'extension/dist/webview/explorer.js',
      'extension/dist/webview/explorer.css',
      'extension/dist/webview/walkthrough.js',
      'extension/models/gpt2/tokenizer.json',
      'extension/models/gpt2/config.json',
      'extension/media/icons/gpt2.svg',
      'extension/node_modules/onnxruntime-node/dist/index.js',
      'extension/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
      'extension/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1',
      'extension/node_modules/onnxruntime-common/dist/cjs/index.js',
      'extension/node_modules/onnxruntime-common/dist/cjs/package.json',
    ]) {
      assert.ok(files.includes(file), `${file} is not in the VSIX`);
    }
  });

  it('leaves out sources, tests, source maps and other platforms\' binaries', async () => {
    const unwanted = files.filter((file) =>
      /^extension\/(src|test|bench|scripts|webview|\.ci|\.vscode|\.test-models|\.cache|out)\//.test(file) ||
      /\.(map|ts|tsx)$/.test(file) ||
      /napi-v6\/(darwin|win32|linux\/arm64)\//.test(file) ||
      /node_modules\/(adm-zip|global-agent|onnxruntime-web|esbuild|typescript|preact)\//.test(file),
    );
    assert.deepEqual(unwanted, []);
    const size = (await stat(vsix)).size;
    console.log(`      ${files.length} files, ${(size / 1e6).toFixed(1)} MB`);
    assert.ok(size < 40e6, `the VSIX is ${size} bytes: other platforms' binaries got in?`);
  });

  it('runs: its session worker loads onnxruntime-node from the package and analyzes the lesson sentence', async () => {
    const unpacked = join(dir, 'unpacked');
    await run('unzip', ['-q', vsix, '-d', unpacked]);
    const client = SessionClient.forBundle(join(unpacked, 'extension', 'dist', 'session-worker.js'));
    try {
      await client.request({ type: 'load', modelDir: await tinyModel(), threads: 1, weights: 'float32' });
      const analyzed = await client.request({ type: 'analyze', sentence: { id: 'selection', text: LESSON_SENTENCE, source: 'selection' }, settings: DEFAULT_DECODING });
      assert.equal(analyzed.session.tokens.length, 12);
    } finally {
      await client.dispose();
    }
  });
});
