// Issue 7, security: the webviews' CSP, what the built bundles contain, and proof that a whole explorer
// session (load, analyze, views, Step, Sample, Reset) opens no network connection, in the host or the worker.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { huggingFacePolicy } from '../../src/engine/download-policy';
import { contentSecurityPolicy, makeNonce, renderWebviewHtml } from '../../src/extension/common/webview-html';
import { LESSON_SENTENCE, exited, tinyModel, workerBundle } from '../extension/worker-harness';
import { openExplorer, until } from './harness';

const DIST = resolve(__dirname, '..', '..', 'dist');

function bundle(name: string): string {
  const file = join(DIST, name);
  assert.ok(existsSync(file), `${file} is missing: run npm run build first`);
  return readFileSync(file, 'utf8');
}

/** The CSP's directives by name, each with its sources. */
function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((part) => part.trim().split(/\s+/)).filter((words) => words[0]).map(([name, ...sources]) => [name, sources]));
}

describe('webview content security policy', () => {
  const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';

  it('allows scripts only with this load’s nonce: no unsafe-eval, no unsafe-inline, no remote or wildcard source', () => {
    const nonce = makeNonce();
    const policy = directives(contentSecurityPolicy(cspSource, nonce));
    assert.deepEqual(policy.get('default-src'), ["'none'"]);
    assert.deepEqual(policy.get('script-src'), [`'nonce-${nonce}'`]);
    for (const [name, sources] of policy) {
      for (const source of sources) {
        assert.ok(!/unsafe-(eval|inline|hashes)|wasm-unsafe-eval|strict-dynamic/.test(source), `${name} allows ${source}`);
        assert.ok(source !== '*' && !source.startsWith('*') && source !== 'https:' && source !== 'http:' && source !== 'blob:', `${name} allows any host: ${source}`);
        assert.ok(!/^https?:\/\//.test(source) || source === cspSource, `${name} allows a remote origin ${source}`);
      }
    }
    assert.ok(!policy.has('connect-src'), 'no fetch or WebSocket target (default-src none covers it)');
    assert.ok(!policy.has('frame-src') && !policy.has('child-src') && !policy.has('worker-src'));
  });

  it('draws a page whose only script carries the nonce and has no inline code, with a fresh 128-bit nonce each load', () => {
    const nonces = new Set(Array.from({ length: 100 }, makeNonce));
    assert.equal(nonces.size, 100);
    for (const nonce of nonces) assert.equal(Buffer.from(nonce, 'base64').length, 16);
    const html = renderWebviewHtml({ title: '<script>alert(1)</script>', cspSource, scriptUri: `${cspSource}/dist/webview/explorer.js?"><script>alert(1)</script>`, styleUris: [`${cspSource}/x.css"onload="alert(1)`] });
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1, 'one script element: the injected ones are escaped');
    const nonce = /nonce-([^']+)'/.exec(html)![1];
    assert.match(scripts[0][1], new RegExp(`nonce="${nonce.replace(/[+/=]/g, '\\$&')}"`));
    assert.equal(scripts[0][2], '', 'no inline code');
    assert.ok(!/\son[a-z]+="/i.test(html), 'no event handler attribute');
  });
});

describe('built bundles', () => {
  it('webview bundles hold no eval or new Function the CSP would block (one guarded globalThis fallback)', () => {
    for (const name of ['webview/explorer.js', 'webview/walkthrough.js']) {
      const code = bundle(name);
      const uses = [...code.matchAll(/\beval\s*\(|\bnew\s+Function\s*\(|[^.\w$]Function\s*\(\s*["'`]|setTimeout\s*\(\s*["'`]|setInterval\s*\(\s*["'`]/g)];
      for (const use of uses) {
        const around = code.slice(Math.max(0, use.index! - 700), use.index! + 60);
        const guardedFallback = /new Function\("return this"\)\(\)/.test(around) && /typeof globalThis !== "undefined"/.test(around) && /try \{\s*return new Function/.test(around);
        assert.ok(guardedFallback, `${name} evaluates code the CSP blocks: …${code.slice(use.index! - 80, use.index! + 80)}…`);
      }
    }
  });

  it('extension (activation and explorer), worker and CLI bundles name no network host but the pinned Hugging Face download', () => {
    const allowedDocs = new Set(['https://github.com/belladoreai/llama-tokenizer-js']); // a comment in @huggingface/tokenizers
    for (const name of ['extension.js', 'explorer.js', 'session-worker.js', 'cli.js']) {
      const urls = [...bundle(name).matchAll(/\b(?:https?|wss?):\/\/[^\s"'`)<>\\]+/g)].map((match) => match[0].replace(/[.,;]+$/, ''));
      for (const url of urls) {
        assert.ok(allowedDocs.has(url) || huggingFacePolicy.allows(new URL(url)), `${name} names ${url}`);
      }
    }
    assert.match(bundle('explorer.js'), /https:\/\/huggingface\.co/, "the download is in the extension's explorer bundle");
  });

  it("only the extension's explorer bundle and the CLI load http(s), for downloads (the CLI: `--model ID`); activation and the worker load no network module", () => {
    const networkModule = /require\(["'](?:node:)?(http|https|http2|net|tls|dgram|dns|undici|ws|child_process)["']\)|\bfetch\s*\(|new WebSocket\b|XMLHttpRequest/g;
    const found = (name: string) => [...new Set([...bundle(name).matchAll(networkModule)].map((match) => match[1] ?? match[0]))].sort();
    assert.deepEqual(found('extension.js'), []);
    assert.deepEqual(found('explorer.js'), ['http', 'https']);
    assert.deepEqual(found('session-worker.js'), []);
    assert.deepEqual(found('cli.js'), ['http', 'https']);
  });
});

/**
 * Runs the session worker's bundle behind a preamble that counts every network call the thread makes
 * (http/https request and get, net/tls connect, dns lookups, dgram sockets, fetch, WebSocket) in a shared
 * counter, then calls through: it observes and changes nothing.
 */
const OBSERVED_WORKER = `
const { workerData } = require('node:worker_threads');
const calls = new Int32Array(workerData.counter);
const count = (module, name) => {
  const original = module[name];
  if (typeof original !== 'function') return;
  module[name] = function (...args) { Atomics.add(calls, 0, 1); return original.apply(this, args); };
};
for (const name of ['request', 'get']) { count(require('node:http'), name); count(require('node:https'), name); count(require('node:http2'), name === 'get' ? 'connect' : name); }
for (const name of ['connect', 'createConnection']) { count(require('node:net'), name); count(require('node:tls'), name); }
for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6']) count(require('node:dns'), name);
count(require('node:dgram'), 'createSocket');
count(globalThis, 'fetch');
count(globalThis, 'WebSocket');
require(workerData.bundle);
`;

function observedSpawner(bundlePath: string) {
  const counter = new SharedArrayBuffer(4);
  const workers: Worker[] = [];
  return {
    calls: () => Atomics.load(new Int32Array(counter), 0),
    workers,
    spawn: (file = bundlePath) => {
      const worker = new Worker(OBSERVED_WORKER, { eval: true, workerData: { bundle: file, counter } });
      workers.push(worker);
      return worker;
    },
  };
}

/** The same counting in the host's own thread, restored by the returned function. */
function observeHostNetwork(): { calls: () => number; restore: () => void } {
  const load = createRequire(__filename);
  let calls = 0;
  const undo: (() => void)[] = [];
  const count = (module: Record<string, unknown>, name: string) => {
    const original = module[name];
    if (typeof original !== 'function') return;
    module[name] = function (this: unknown, ...args: unknown[]) {
      calls++;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
    undo.push(() => (module[name] = original));
  };
  for (const name of ['request', 'get']) for (const id of ['node:http', 'node:https']) count(load(id), name);
  for (const name of ['connect', 'createConnection']) for (const id of ['node:net', 'node:tls']) count(load(id), name);
  count(load('node:http2'), 'connect');
  for (const name of ['lookup', 'resolve']) count(load('node:dns'), name);
  count(load('node:dgram'), 'createSocket');
  count(globalThis as unknown as Record<string, unknown>, 'fetch');
  return { calls: () => calls, restore: () => undo.forEach((step) => step()) };
}

describe('no network use in an explorer session', function () {
  it('the observers count a worker and a host that do open connections (so a zero below means something)', async () => {
    const spawner = observedSpawner('');
    const probe = spawner.spawn(join(__dirname, 'fixtures', 'calls-network.js'));
    await exited(probe);
    assert.ok(spawner.calls() >= 3, `https.request, net.connect and fetch were counted (${spawner.calls()} calls: https also connects through tls)`);
    const host = observeHostNetwork();
    try {
      createRequire(__filename)('node:https').request({ host: '127.0.0.1', port: 1 }).on('error', () => undefined).end();
    } finally {
      host.restore();
    }
    assert.ok(host.calls() >= 1, 'and the host-side observer counts a request too');
  });

  it('load, analyze, every view, Step, Sample, Sample & append and Reset open no connection in the host or the worker', async () => {
    const spawner = observedSpawner(await workerBundle());
    const host = observeHostNetwork();
    const explorer = await openExplorer(await tinyModel(), { temperature: 1 }, () => spawner.spawn());
    try {
      const controller = explorer.controller;
      controller.receive({ type: 'ready' });
      await until(() => controller.state.session !== null, 'the lesson sentence analyzed');
      assert.equal(await controller.analyze(LESSON_SENTENCE, 'selection'), true);
      controller.receive({ type: 'requestAttention', layer: 1, head: 2 });
      controller.receive({ type: 'requestQkv', layer: 0, head: 1, token: 11 });
      controller.receive({ type: 'requestLens', layer: 1, token: 11, trackId: 13 });
      await until(() => ['attentionMap', 'qkv', 'lens'].every((type) => explorer.posted.some((message) => message.type === type)), 'the views answered');
      for (let i = 0; i < 3; i++) await controller.step();
      await controller.sample();
      await controller.sampleAppend();
      await controller.reset();
      await controller.setDecoding({ temperature: 0.5, topK: 5 });
      assert.equal(spawner.workers.length, 1, 'the session ran on the observed worker');
      assert.equal(controller.state.session!.generated, 0);
      assert.deepEqual(explorer.ui.problems, []);
    } finally {
      host.restore();
      await explorer.controller.dispose();
    }
    assert.equal(spawner.calls(), 0, 'the worker opened no connection');
    assert.equal(host.calls(), 0, 'the host opened no connection');
  });
});
