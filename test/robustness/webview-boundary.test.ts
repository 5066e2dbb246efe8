// Issue 7, protocol and security: what a compromised or buggy webview can make the host do. The webview
// can only post messages; these tests send every message type with hostile strings and indices through
// the controller on a real worker, and watch the host's file system calls and the worker's requests.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { relative, resolve } from 'node:path';
import { findStep } from '../../src/extension/walkthrough/lesson';
import { parseExplorerMessage } from '../../src/protocol/explorer';
import { parseWalkthroughMessage } from '../../src/protocol/walkthrough';
import type { WorkerEnvelope } from '../../src/protocol/worker';
import { LESSON_SENTENCE, tinyModel } from '../extension/worker-harness';
import { openExplorer, until, type Explorer } from './harness';
import { closeIdleChromium } from '../webview/page-pool';

/** Strings a hostile page would try where the host might use them as a path, a URL or a command. */
const HOSTILE_STRINGS = [
  '../../../../etc/passwd',
  '/etc/shadow',
  'file:///etc/hosts',
  '\\\\?\\C:\\Windows\\System32\\config\\SAM',
  '~/.ssh/id_rsa',
  '../model.safetensors',
  'command:workbench.action.terminal.new',
  'https://example.com/x',
  '__proto__',
  'constructor',
  '\u0000/etc/passwd',
];
const HOSTILE_INDICES = [0, 11, 12, 63, 64, 1023, 4096, -1, 4097, 1.5, NaN, Infinity, 2 ** 53, -0];

/** Records the first argument of every fs call (sync, callback and promise forms); calls through unchanged. */
class FsObserver {
  readonly paths: string[] = [];
  private readonly restore: (() => void)[] = [];

  constructor() {
    const load = createRequire(__filename); // the modules themselves, not an import's read-only namespace
    for (const module of [load('node:fs'), load('node:fs/promises')] as Record<string, unknown>[]) {
      for (const [name, original] of Object.entries(module)) {
        if (typeof original !== 'function' || /^[A-Z]/.test(name)) continue;
        const paths = this.paths;
        const observed = function (this: unknown, ...args: unknown[]) {
          const first = args[0];
          if (typeof first === 'string' || first instanceof URL || Buffer.isBuffer(first)) paths.push(String(first));
          return (original as (...a: unknown[]) => unknown).apply(this, args);
        };
        const descriptor = Object.getOwnPropertyDescriptor(module, name);
        if (!descriptor?.writable && !descriptor?.set) continue;
        module[name] = observed;
        this.restore.push(() => (module[name] = original));
      }
    }
  }

  dispose(): void {
    for (const undo of this.restore.splice(0)) undo();
  }
}

/** Every string anywhere inside a value (a worker request). */
function strings(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) strings(item, into);
  return into;
}

/** Each explorer message type, filled with hostile strings and indices where it has a field. */
function hostileMessages(): unknown[] {
  const messages: unknown[] = [{ type: 'ready' }, { type: 'step' }, { type: 'sample' }, { type: 'sampleAppend' }, { type: 'reset' }];
  for (const text of HOSTILE_STRINGS) {
    messages.push({ type: 'selectSentence', id: text });
    messages.push({ type: 'runCommand', command: text });
    messages.push({ type: 'setDecoding', patch: { temperature: text } });
  }
  for (const index of HOSTILE_INDICES) {
    messages.push({ type: 'revealToken', index });
    messages.push({ type: 'requestAttention', layer: index, head: 0 }, { type: 'requestAttention', layer: 0, head: index });
    messages.push({ type: 'requestQkv', layer: 0, head: 0, token: index });
    messages.push({ type: 'requestLens', layer: 1, token: index, trackId: index });
    messages.push({ type: 'uiState', ui: { tab: 'tokens', layer: index, head: 0, slider: 0, token: index, showQkv: false, lensLayer: 0, trackId: null } });
  }
  for (const command of ['downloadModel', 'importModel', 'openSettings']) messages.push({ type: 'runCommand', command });
  return messages;
}

describe('the webview boundary (real worker, tiny model)', function () {
  let explorer: Explorer;
  let modelDir: string;
  let requests: WorkerEnvelope[];
  let observer: FsObserver | null = null;

  beforeEach(async () => {
    modelDir = await tinyModel();
    explorer = await openExplorer(modelDir);
    requests = [];
    explorer.onSpawn = (worker) => {
      const post = worker.postMessage.bind(worker);
      worker.postMessage = (envelope: WorkerEnvelope) => (requests.push(envelope), post(envelope));
    };
  });

  afterEach(async () => {
    observer?.dispose();
    observer = null;
    await explorer.controller.dispose();
  });

  it('lets no webview message make the host or the worker touch a file outside the model folder', async () => {
    await closeIdleChromium(); // a browser the browser tests before left in this process removes its profile when it closes
    observer = new FsObserver();
    await explorer.controller.analyze(LESSON_SENTENCE, 'selection', { select: () => undefined });
    const messages = hostileMessages();
    let accepted = 0;
    for (const message of messages) if (explorer.controller.receive(message)) accepted++;
    await explorer.controller.step(); // the worker answers in order: this comes after everything the messages asked for
    // Views asked of a session a later message replaced are dropped (the panel asks the new one anew): one of this one.
    assert.ok(explorer.controller.receive({ type: 'requestLens', layer: 0, token: 0, trackId: null }));
    await until(() => explorer.posted.some((message) => message.type === 'lens'), 'a view request was answered');
    observer.dispose();

    assert.ok(accepted > 20, `valid messages got through (${accepted}), so the test watched real work`);
    const outside = observer.paths.filter((path) => relative(modelDir, resolve(path)).startsWith('..'));
    assert.deepEqual(outside, [], 'the host touched only the model folder');
    assert.ok(observer.paths.length > 0, 'the observer saw the model folder being checked');
    for (const hostile of HOSTILE_STRINGS) {
      assert.ok(!observer.paths.some((path) => path.includes(hostile)), `no fs call used "${hostile}"`);
    }
    const withPaths = requests.filter((envelope) => strings(envelope.request).some((text) => text.includes('/')));
    assert.deepEqual(withPaths.map((envelope) => envelope.request.type), ['load'], 'only `load` carries a path to the worker');
    assert.deepEqual(withPaths.map((envelope) => (envelope.request as { modelDir: string }).modelDir), [modelDir], "and it is the setting's folder");
    for (const envelope of requests) {
      for (const text of strings(envelope.request)) {
        assert.ok(!HOSTILE_STRINGS.includes(text), `the worker never received "${text}" from the webview`);
      }
    }
    assert.deepEqual(explorer.ui.ran, ['downloadModel', 'importModel', 'openSettings'], 'runCommand runs only the three named actions, with no argument');
    assert.deepEqual(explorer.ui.problems, [], 'no notification for hostile input');
  });

  it('reveals only the analyzed tokens in their own editor, whatever index the webview sends', async () => {
    const selected: [number, number][] = [];
    await explorer.controller.analyze(LESSON_SENTENCE, 'selection', { select: (start, end) => selected.push([start, end]) });
    await explorer.controller.step(); // token 12 is generated: it is in no editor
    for (const index of HOSTILE_INDICES) explorer.controller.receive({ type: 'revealToken', index });
    await explorer.controller.step();
    const chips = explorer.controller.state.session!.tokens;
    const inPrompt = HOSTILE_INDICES.filter((index) => Number.isInteger(index) && index >= 0 && index < 12); // 0, 11 and -0
    assert.deepEqual(selected, inPrompt.map((index) => [chips[index].start, chips[index].end]), 'prompt chips select their characters; the rest nothing');
    assert.ok(selected.every(([start, end]) => start >= 0 && end <= LESSON_SENTENCE.length));
  });

  it('runs walkthrough steps only from the lesson, never by an id the webview makes up', () => {
    for (const id of [...HOSTILE_STRINGS, 'toString', 'hasOwnProperty']) {
      const parsed = parseWalkthroughMessage({ type: 'runStep', id });
      if (parsed.ok) assert.equal(findStep(id), undefined, `"${id}" names no lesson step`);
    }
    assert.ok(findStep('sentence'), 'a real step id is found');
  });

  it('rejects huge and deep messages, logging each, without touching the worker', async () => {
    const deep = (depth: number) => {
      let value: unknown = { type: 'step' };
      for (let i = 0; i < depth; i++) value = { type: 'uiState', ui: value };
      return value;
    };
    const manyKeys = Object.fromEntries(Array.from({ length: 1_000_000 }, (_, i) => [`k${i}`, i]));
    const huge: [string, unknown][] = [
      ['a 10 MB sentence id', { type: 'selectSentence', id: 'x'.repeat(10 * 1024 * 1024) }],
      ['a 10 MB type', { type: 'step'.repeat(2_621_440) }],
      ['a 1e6-element array as the decoding patch', { type: 'setDecoding', patch: new Array(1_000_000).fill(0.5) }],
      ['a 1e6-element array as the message', new Array(1_000_000).fill({ type: 'step' })],
      ['an object with 1e6 fields', { type: 'step', ...manyKeys }],
      ['1e6 fields in the patch', { type: 'setDecoding', patch: manyKeys }],
      ['100,000 nested levels', deep(100_000)],
      ['a 10 MB JSON string of a valid message', JSON.stringify({ type: 'step', pad: 'x'.repeat(10 * 1024 * 1024) })],
    ];
    for (const [name, message] of huge) {
      assert.equal(explorer.controller.receive(message), false, name);
      assert.equal(parseExplorerMessage(message).ok, false, name);
    }
    assert.equal(explorer.ui.logged.filter((line) => line.startsWith('Rejected a message from the explorer view: ')).length, huge.length);
    assert.ok(explorer.ui.logged.every((line) => line.length < 1000), 'a log line quotes at most a short piece of a huge value');
    assert.equal(explorer.spawner.started.length, 0, 'no worker was started');
  });

  it('leaves Object.prototype clean after __proto__ and constructor payloads, and rejects them as message types', async () => {
    await explorer.controller.analyze(LESSON_SENTENCE, 'selection');
    const payloads = [
      '{"__proto__": {"polluted": "yes"}}',
      '{"type": "__proto__"}',
      '{"type": "constructor"}',
      '{"type": "toString"}',
      '{"type": "hasOwnProperty"}',
      '{"type": "setDecoding", "patch": {"__proto__": {"polluted": "yes"}}}',
      '{"type": "uiState", "ui": {"__proto__": {"polluted": "yes"}}}',
      '{"type": "constructor", "prototype": {"polluted": "yes"}}',
    ];
    for (const payload of payloads) explorer.controller.receive(JSON.parse(payload));
    for (const type of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      assert.equal(parseExplorerMessage(JSON.parse(`{"type": "${type}"}`)).ok, false, `type "${type}" is no message`);
    }
    await explorer.controller.step();
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched');
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
    assert.equal(explorer.controller.state.session!.generated, 1, 'the session still works');
  });

  it('rejects messages that carry __proto__, constructor or another Object.prototype name as an extra field', () => {
    const payloads = [
      '{"type": "step", "__proto__": {"polluted": "yes"}}',
      '{"type": "step", "constructor": {"prototype": {"polluted": "yes"}}}',
      '{"type": "revealToken", "index": 1, "hasOwnProperty": 1}',
      '{"type": "setDecoding", "patch": {"temperature": 0.5, "__proto__": {"maxNewTokens": 0}}}',
      '{"type": "setDecoding", "patch": {"temperature": 0.5, "toString": "x"}}',
    ];
    for (const payload of payloads) assert.equal(parseExplorerMessage(JSON.parse(payload)).ok, false, payload);
  });

  it('keeps webview-chosen fields out of the session the worker holds and the host posts back', async () => {
    await explorer.controller.analyze(LESSON_SENTENCE, 'selection');
    explorer.controller.receive(JSON.parse('{"type": "setDecoding", "patch": {"temperature": 0.5, "__proto__": {"x": 1}, "constructor": "x"}}'));
    await explorer.controller.step();
    assert.deepEqual(Object.keys(explorer.controller.state.session!.settings).sort(), ['maxNewTokens', 'seed', 'temperature', 'topK', 'topP']);
  });
});
