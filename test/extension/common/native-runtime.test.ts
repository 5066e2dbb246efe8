// When onnxruntime-node cannot load: the words for each way it fails, then the real thing through the
// controller — the session worker bundle beside an onnxruntime-node whose binding is another architecture's,
// which dlopen refuses — one clear message, no restart loop. (Not a binding without its libonnxruntime:
// once another test loaded the real one, the loader finds that library by name and the load succeeds.)

import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { explainNativeFailure, NATIVE_TARGETS } from '../../../src/extension/common/native-runtime';
import { ExplorerController } from '../../../src/extension/explorer/controller';
import { DEFAULT_DECODING } from '../../../src/protocol/decoding';
import * as lesson from '../../webview/fixtures/lesson';
import { LESSON_SENTENCE, RecordingUi, tinyModel, workerBundle } from '../worker-harness';

const ROOT = resolve(__dirname, '..', '..', '..');
const crash = (stack: string) => `The GPT-2 worker stopped unexpectedly: it threw ${stack}`;

describe('a native binding that cannot load', () => {
  it('a VSIX of another platform: names this platform and the VSIX to install', () => {
    const failure = explainNativeFailure(crash("Error: Cannot find module '../bin/napi-v6/win32/arm64/onnxruntime_binding.node'\nRequire stack:\n- x"), 'win32', 'arm64');
    assert.match(failure!.message, /built for another platform and has no ONNX Runtime for win32-arm64.*-win32-arm64\.vsix.*lesson and the commands still work/);
  });

  it('a missing system library: the loader\'s words and what this platform needs', () => {
    const linux = explainNativeFailure(crash('node:internal/modules/cjs/loader:1661\n  return process.dlopen(module)\n\nError: libstdc++.so.6: version `GLIBCXX_3.4.22\' not found (required by /x/libonnxruntime.so.1)\n    at Object..node'), 'linux', 'arm64');
    assert.match(linux!.message, /could not load on linux-arm64: libstdc\+\+\.so\.6: version `GLIBCXX_3\.4\.22' not found \(required by \/x\/libonnxruntime\.so\.1\)\. It needs glibc 2\.28/);
    const windows = explainNativeFailure(crash('Error: The specified module could not be found.\r\n\\\\?\\C:\\x\\onnxruntime_binding.node'), 'win32', 'x64');
    assert.match(windows!.message, /win32-x64: The specified module could not be found.*Visual C\+\+ 2015–2022 Redistributable for x64 \(from Microsoft.s download site\)/s);
    const mac = explainNativeFailure(crash('Error: dlopen(/x/onnxruntime_binding.node, 0x0001): Symbol not found'), 'darwin', 'arm64');
    assert.match(mac!.message, /darwin-arm64: dlopen.*It needs macOS 14 or later/);
  });

  it('a platform onnxruntime-node has no build for: says so, and which it has', () => {
    const failure = explainNativeFailure(crash("Error: Cannot find module '../bin/napi-v6/darwin/x64/onnxruntime_binding.node'"), 'darwin', 'x64');
    assert.match(failure!.message, /no build for darwin-x64: onnxruntime-node ships one for linux-x64, linux-arm64, darwin-arm64, win32-x64, win32-arm64 only/);
    assert.ok(!NATIVE_TARGETS.includes('darwin-x64'));
  });

  it('any other crash is not explained as one', () => {
    assert.equal(explainNativeFailure(crash('RangeError: Array buffer allocation failed\n    at model.ts:1'), 'linux', 'x64'), null);
    assert.equal(explainNativeFailure('The GPT-2 worker stopped unexpectedly: it exited with code 134', 'linux', 'x64'), null);
  });

  describe('through the controller, with the real worker and a binding this machine cannot load', () => {
    let dir: string;
    const started: Worker[] = [];

    before(async function () {
      const folder = (target: string) => join('node_modules', 'onnxruntime-node', 'bin', 'napi-v6', ...target.split('-'));
      const here = `${process.platform}-${process.arch}`;
      if (!NATIVE_TARGETS.includes(here)) return this.skip();
      const others = NATIVE_TARGETS.filter((target) => target !== here);
      const foreign = others.find((target) => target.startsWith(`${process.platform}-`)) ?? others[0];
      dir = await mkdtemp(join(tmpdir(), 'gpt2-native-'));
      await cp(await workerBundle(), join(dir, 'dist', 'session-worker.js'));
      for (const part of ['onnxruntime-node/package.json', 'onnxruntime-node/dist', 'onnxruntime-common']) await cp(join(ROOT, 'node_modules', part), join(dir, 'node_modules', part), { recursive: true });
      await mkdir(join(dir, folder(here)), { recursive: true });
      await cp(join(ROOT, folder(foreign), 'onnxruntime_binding.node'), join(dir, folder(here), 'onnxruntime_binding.node'));
    });

    after(() => dir && rm(dir, { recursive: true, force: true }));

    it('tells the user once per try, names the platform and what it needs, and restarts no worker', async () => {
      const ui = new RecordingUi();
      const modelDir = await tinyModel(); // a real model folder: only the engine fails
      const controller = new ExplorerController({
        spawnWorker: () => started[started.push(new Worker(join(dir, 'dist', 'session-worker.js'))) - 1],
        presets: lesson.presets,
        settings: () => ({ modelPath: modelDir, model: '', provider: 'cpu', threads: 1, weights: 'float32', decoding: DEFAULT_DECODING, codeLensEnabled: true }),
        storageDir: dir,
        ui,
      });
      controller.attachPanel(() => undefined); // a panel is open: an ordinary crash would be restarted
      try {
        assert.equal(await controller.analyze(LESSON_SENTENCE, 'selection'), false);
        assert.equal(started.length, 1, 'a worker that cannot load the engine is not restarted');
        assert.equal(ui.problems.length, 1);
        assert.match(ui.problems[0].message, new RegExp(`could not load on ${process.platform}-${process.arch}: .*onnxruntime_binding\\.node.*\\. It needs `));
        assert.equal(controller.state.model, 'error');
        assert.equal(await controller.analyze(LESSON_SENTENCE, 'selection'), false, 'the command answers again, with the same message');
        assert.equal(ui.problems.length, 2);
        assert.equal(ui.problems[1].message, ui.problems[0].message);
      } finally {
        await controller.dispose();
      }
    });
  });
});
