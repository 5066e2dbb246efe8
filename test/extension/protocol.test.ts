import assert from 'node:assert/strict';
import { parseExplorerMessage, parseHostMessage } from '../../src/protocol/explorer';
import type { Result } from '../../src/protocol/schema';
import { parseWalkthroughHostMessage, parseWalkthroughMessage } from '../../src/protocol/walkthrough';
import { explorerExamples, hostExamples, mutants, walkthroughExamples, walkthroughHostExamples } from './messages';

const directions: { name: string; parse: (raw: unknown) => Result<unknown>; examples: { type: string }[]; types: string[] }[] = [
  {
    name: 'explorer webview → host',
    parse: parseExplorerMessage,
    examples: explorerExamples,
    types: ['ready', 'selectSentence', 'step', 'sample', 'sampleAppend', 'reset', 'setDecoding', 'requestAttention', 'requestQkv', 'requestLens', 'revealToken', 'uiState', 'runCommand', 'requestCompare', 'requestPatch', 'cancelPatch'],
  },
  { name: 'host → explorer webview', parse: parseHostMessage, examples: hostExamples, types: ['init', 'status', 'session', 'attention', 'qkv', 'lens', 'tally', 'ui', 'error', 'compare', 'patchProgress', 'patching'] },
  { name: 'walkthrough view → host', parse: parseWalkthroughMessage, examples: walkthroughExamples, types: ['ready', 'runStep', 'goto', 'resetProgress'] },
  { name: 'host → walkthrough view', parse: parseWalkthroughHostMessage, examples: walkthroughHostExamples, types: ['lesson', 'progress'] },
];

describe('protocol validation', () => {
  for (const { name, parse, examples, types } of directions) {
    describe(name, () => {
      it('has a valid example of every message type, and each is accepted', () => {
        assert.deepEqual(examples.map((example) => example.type).sort(), [...types].sort());
        for (const example of examples) {
          const result = parse(structuredClone(example));
          assert.ok(result.ok, `${example.type}: ${result.ok ? '' : result.error}`);
        }
      });

      it('rejects every message with one value broken or one unknown field added, naming where', () => {
        let count = 0;
        for (const example of examples) {
          for (const { where, value } of mutants(example)) {
            const result = parse(value);
            assert.equal(result.ok, false, `${example.type} with ${where} broken was accepted`);
            count++;
          }
        }
        assert.ok(count >= examples.length * 2);
      });

      it('rejects unknown types and things that are not messages', () => {
        for (const raw of [undefined, null, 0, 'step', [], [{ type: 'ready' }], {}, { type: 'nope' }, { type: 42 }, { type: 'toString' }, { type: '__proto__' }]) {
          assert.equal(parse(raw).ok, false, JSON.stringify(raw));
        }
      });
    });
  }

  it('keeps numbers in their ranges', () => {
    const bad: unknown[] = [
      { type: 'setDecoding', patch: { temperature: 2.5 } },
      { type: 'setDecoding', patch: { temperature: -0.1 } },
      { type: 'setDecoding', patch: { temperature: Infinity } },
      { type: 'setDecoding', patch: { topP: 1.5 } },
      { type: 'setDecoding', patch: { maxNewTokens: 0 } },
      { type: 'setDecoding', patch: { topK: 2.5 } },
      { type: 'requestAttention', layer: -1, head: 0 },
      { type: 'requestAttention', layer: 1.5, head: 0 },
      { type: 'requestQkv', layer: 0, head: 0, token: 5000 },
      { type: 'revealToken', index: '3' },
      { type: 'selectSentence', id: 'x'.repeat(201) },
      { type: 'runCommand', command: 'workbench.action.openSettings' },
    ];
    for (const raw of bad) assert.equal(parseExplorerMessage(raw).ok, false, JSON.stringify(raw));
    assert.ok(parseExplorerMessage({ type: 'setDecoding', patch: {} }).ok, 'an empty patch changes nothing and is fine');
    assert.ok(parseExplorerMessage({ type: 'setDecoding', patch: { temperature: 0 } }).ok);
    assert.ok(parseExplorerMessage({ type: 'setDecoding', patch: { temperature: 2 } }).ok);
  });

  it('says what is wrong and where', () => {
    const result = parseExplorerMessage({ type: 'requestQkv', layer: 11, head: 3, token: -1 });
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.error, /token/);
  });
});
