// 10,000 random and malformed messages through the explorer panel's receive path (the very function
// the panel's onDidReceiveMessage calls): it never throws, rejects each one and logs each one.

import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededRandom } from '../../../src/engine/random';
import { ExplorerController } from '../../../src/extension/explorer/controller';
import { receiveExplorerMessage } from '../../../src/extension/explorer/panel-messages';
import type { ControllerUi } from '../../../src/extension/ports';
import { DEFAULT_DECODING } from '../../../src/protocol/decoding';
import * as lesson from '../../webview/fixtures/lesson';
import { explorerExamples, mutants } from '../messages';

const TYPES = explorerExamples.map((message) => message.type);

/** The sampler's own seeded mulberry32, so a run can be replayed from its seed. */
function random(seed: number): () => number {
  const generator = new SeededRandom(seed);
  return () => generator.next();
}

class Fuzzer {
  private readonly rand: () => number;
  private readonly mutated: unknown[];

  constructor(seed: number) {
    this.rand = random(seed);
    this.mutated = explorerExamples.flatMap((example) => [...mutants(example)].map((mutant) => mutant.value));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rand() * items.length)];
  }

  /** Any JSON-like value; objects always carry a field no message has, so none can be valid. */
  value(depth = 0): unknown {
    const kind = this.pick(depth > 3 ? ['number', 'string', 'null', 'bool'] : ['number', 'string', 'null', 'bool', 'array', 'object', 'object']);
    switch (kind) {
      case 'number':
        return this.pick([0, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 53, -0, 1e308, this.rand() * 1e6]);
      case 'string':
        return this.pick(['', 'step', '\u0000', '😀'.repeat(3), 'x'.repeat(5000), '<script>alert(1)</script>', '__proto__']);
      case 'null':
        return this.pick([null, undefined]);
      case 'bool':
        return this.rand() < 0.5;
      case 'array':
        return Array.from({ length: Math.floor(this.rand() * 4) }, () => this.value(depth + 1));
      default:
        return this.object(depth);
    }
  }

  private object(depth: number): Record<string, unknown> {
    const result: Record<string, unknown> = { [`junk${Math.floor(this.rand() * 100)}`]: this.value(depth + 1) };
    if (this.rand() < 0.7) result.type = this.rand() < 0.8 ? this.pick(TYPES) : this.value(depth + 1);
    for (const key of ['layer', 'head', 'token', 'index', 'id', 'patch', 'ui', 'command', 'trackId']) {
      if (this.rand() < 0.2) result[key] = this.value(depth + 1);
    }
    return result;
  }

  /** Values no JSON can hold, and objects that fight back. */
  hostile(): unknown {
    const circular: Record<string, unknown> = { type: 'uiState' };
    circular.ui = circular;
    const variants = [
      () => Object.defineProperty({}, 'type', { enumerable: true, get: () => { throw new Error('getter'); } }),
      () => new Proxy({ type: 'step' }, { ownKeys: () => { throw new Error('ownKeys'); } }),
      () => new Proxy({}, { get: () => { throw new Error('get'); }, getPrototypeOf: () => Object.prototype }),
      () => circular,
      () => ({ type: 'selectSentence', id: 'x'.repeat(1_000_000) }),
      () => ({ type: 'requestLens', layer: 1, token: 1, trackId: 10n }),
      () => new Date(),
      () => new Map([['type', 'step']]),
      () => Object.assign(Object.create({ inherited: true }), { type: 'step' }),
      () => Buffer.from('{"type":"step"}'),
      () => () => 'step',
      () => Symbol('step'),
      () => JSON.stringify({ type: 'step' }),
      () => ({ type: 'setDecoding', patch: nested(10_000) }),
    ];
    return this.pick(variants)();
  }

  message(i: number): unknown {
    if (i % 10 === 0) return this.hostile();
    if (i % 3 === 0) return this.pick(this.mutated);
    return this.value();
  }
}

function nested(depth: number): unknown {
  let value: unknown = {};
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('explorer panel receive path, fuzzed', () => {
  it('rejects and logs 10,000 random and malformed messages without throwing', async () => {
    const logged: string[] = [];
    const shown: string[] = [];
    const ui: ControllerUi = {
      log: (line) => logged.push(line),
      problem: (message) => shown.push(message),
      note: (message) => shown.push(message),
      run: (action) => shown.push(action),
      progress: (_title, task) => task(),
      save: async (file) => (shown.push(`saved ${file.name}`), null),
    };
    const controller = new ExplorerController({
      spawnWorker: () => {
        throw new Error('no malformed message may reach the worker');
      },
      presets: lesson.presets,
      settings: () => ({ modelPath: '', model: '', provider: 'cpu', threads: 0, weights: 'float32', decoding: DEFAULT_DECODING, codeLensEnabled: true }),
      storageDir: join(tmpdir(), 'gpt2-explorer-fuzz-no-model'),
      ui,
    });
    const posted: unknown[] = [];
    controller.attachPanel((message) => posted.push(message));
    const fuzzer = new Fuzzer(20261129);
    const total = 10_000;
    let accepted = 0;
    for (let i = 0; i < total; i++) {
      if (controller.receive(fuzzer.message(i))) accepted++;
    }
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(accepted, 0);
    assert.equal(logged.length, total, 'each rejected message is logged once');
    assert.ok(logged.every((line) => line.startsWith('Rejected a message from the explorer view: ')));
    assert.deepEqual(shown, [], 'no notification for a malformed message');
    assert.deepEqual(posted, [], 'nothing was answered');
    assert.equal(controller.state.model, 'none');
    await controller.dispose();
  });

  it('hands valid messages on, and logs a handler that throws or rejects instead of throwing', async () => {
    const logged: string[] = [];
    const handled: string[] = [];
    assert.equal(receiveExplorerMessage({ type: 'step' }, { log: (line) => logged.push(line), handle: (message) => void handled.push(message.type) }), true);
    assert.equal(receiveExplorerMessage({ type: 'reset' }, { log: (line) => logged.push(line), handle: () => { throw new Error('sync failure'); } }), true);
    assert.equal(receiveExplorerMessage({ type: 'sample' }, { log: (line) => logged.push(line), handle: () => Promise.reject(new Error('async failure')) }), true);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(handled, ['step']);
    assert.equal(logged.length, 2);
    assert.match(logged[0], /Handling "reset" from the explorer view failed: Error: sync failure/);
    assert.match(logged[1], /Handling "sample" from the explorer view failed: Error: async failure/);
  });
});
