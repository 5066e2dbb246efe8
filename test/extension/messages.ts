// One valid example of every protocol message, and mutations that must make any message invalid.
// Shared by the protocol validation test and the fuzz test of the panel's receive path.

import type { ExplorerMessage, HostMessage } from '../../src/protocol/explorer';
import type { WalkthroughHostMessage, WalkthroughMessage } from '../../src/protocol/walkthrough';
import * as compare from '../webview/fixtures/compare';
import * as lesson from '../webview/fixtures/lesson';

const ui = { tab: 'attention', layer: 6, head: 0, slider: 12, token: 11, showQkv: true, lensLayer: 11, trackId: 6342 } as const;

export const explorerExamples: ExplorerMessage[] = [
  { type: 'ready' },
  { type: 'selectSentence', id: 'capitals' },
  { type: 'step' },
  { type: 'sample' },
  { type: 'sampleAppend' },
  { type: 'reset' },
  { type: 'setDecoding', patch: { temperature: 0.7, topK: 40, topP: 0.9, maxNewTokens: 10, seed: 7 } },
  { type: 'requestAttention', layer: 6, head: 0 },
  { type: 'requestQkv', layer: 11, head: 3, token: 11 },
  { type: 'requestLens', layer: 4, token: 11, trackId: null },
  { type: 'revealToken', index: 3 },
  { type: 'uiState', ui },
  { type: 'runCommand', command: 'downloadModel' },
  { type: 'requestCompare', corrupt: 'The capital of Germany is Berlin. The capital of Italy is', pair: 'pair-capital' },
  { type: 'requestPatch', corrupt: 'A D C', what: ['resid', 'heads'], target: 6342, versus: 10598 },
  { type: 'cancelPatch' },
];

export const hostExamples: HostMessage[] = [
  lesson.init,
  lesson.ready,
  lesson.session('capitals', 2),
  lesson.attention(6, 0, 12),
  lesson.qkv(11, 0, 11),
  lesson.lens(6, 11, 6342),
  { type: 'tally', tally: { counts: { '6342': 2, '3576': 1 }, total: 3, last: { id: 6342, text: ' Paris', prob: 0.5 } } },
  { type: 'ui', patch: { tab: 'generation', slider: 0 } },
  { type: 'error', message: 'The model folder /x has no model.safetensors.', action: 'importModel' },
  compare.compare,
  compare.patchProgress,
  compare.patching,
];

export const walkthroughExamples: WalkthroughMessage[] = [
  { type: 'ready' },
  { type: 'runStep', id: 'pick-sentence' },
  { type: 'goto', id: 'slider' },
  { type: 'resetProgress' },
];

export const walkthroughHostExamples: WalkthroughHostMessage[] = [
  { type: 'lesson', title: 'Layers, Logits, Decoding', steps: [{ id: 'pick-sentence', title: 'Pick the sentence', todo: 'Pick it.', notice: 'Twelve tokens.', button: 'Pick' }] },
  { type: 'progress', current: 'slider', done: ['pick-sentence'], modelReady: true },
];

type Json = unknown;

/**
 * Every way to break `message` at one place: each value (at any depth) replaced by NaN, which no
 * schema accepts, and an unknown field added to each object. Each mutant must be rejected.
 */
export function* mutants(message: Json): Generator<{ where: string; value: Json }> {
  yield* replaceEach(message, '', () => NaN);
  yield* addFieldToEach(message, '');
}

function* replaceEach(value: Json, path: string, make: () => Json): Generator<{ where: string; value: Json }> {
  if (path !== '.type') yield { where: path || 'message', value: make() };
  if (Array.isArray(value)) {
    for (let i = 0; i < Math.min(value.length, 3); i++) {
      for (const inner of replaceEach(value[i], `${path}[${i}]`, make)) yield { where: inner.where, value: value.map((item, j) => (j === i ? inner.value : item)) };
    }
  } else if (isObject(value)) {
    for (const key of Object.keys(value)) {
      for (const inner of replaceEach(value[key], `${path}.${key}`, make)) yield { where: inner.where, value: { ...value, [key]: inner.value } };
    }
  }
}

function* addFieldToEach(value: Json, path: string): Generator<{ where: string; value: Json }> {
  if (Array.isArray(value)) {
    for (let i = 0; i < Math.min(value.length, 3); i++) {
      for (const inner of addFieldToEach(value[i], `${path}[${i}]`)) yield { where: inner.where, value: value.map((item, j) => (j === i ? inner.value : item)) };
    }
  } else if (isObject(value)) {
    yield { where: `${path}+unexpected`, value: { ...value, unexpected: NaN } };
    for (const key of Object.keys(value)) {
      for (const inner of addFieldToEach(value[key], `${path}.${key}`)) yield { where: inner.where, value: { ...value, [key]: inner.value } };
    }
  }
}

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
