// `generate` as a user runs it, checked against the independent float64 reference: the JSON
// contract, greedy and sampled generations with their probabilities, seeds and stops.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readExport } from '../../src/protocol/export-format';
import { EOS_ID, type Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { argmax, softmax, topK } from '../../src/explorer/decoding/logits';
import { testModel, TINY } from '../engine/models';
import { referenceForward, type ReferenceModel } from '../engine/reference';
import { SESSION_PROMPT, sessionFixture, type SessionFixture, V } from './fixtures';
import { cli, json } from './run-cli';

describe('gpt2-explorer generate', function () {
  let model: string;
  let reference: ReferenceModel;
  let tokenizer: Gpt2Tokenizer;
  let promptIds: number[];
  let nextProbs: SessionFixture['nextProbs'];

  before(async function () {
    ({ model, reference, tokenizer, promptIds, nextProbs } = await sessionFixture());
  });

  it('generate --json --temperature 0: the contract, and the reference\'s greedy tokens', async function () {
    const out = await json(['generate', '--model', model, '--temperature', '0', '--max-tokens', '8', SESSION_PROMPT]);
    assert.deepEqual(Object.keys(out), ['prompt_tokens', 'generated', 'text', 'stop']);
    assert.deepEqual(out.prompt_tokens, tokenizer.encode(SESSION_PROMPT).map(({ id, text }) => ({ id, text })));
    const ids: number[] = [];
    for (let i = 0; i < 8; i++) ids.push(argmax(nextProbs(ids)));
    assert.deepEqual(out.generated.map((t: { id: number }) => t.id), ids);
    for (const token of out.generated) {
      assert.deepEqual(Object.keys(token), ['id', 'text', 'prob']);
      assert.equal(token.text, tokenizer.tokenText(token.id));
      assert.equal(token.prob, 1, 'greedy draws from a distribution with all the mass on the top token');
    }
    assert.equal(out.text, tokenizer.decode(ids));
    assert.equal(out.stop, 'max_tokens');
  });

  it('generate --tree FILE: the run as the decoding tree, in the Save Data file, its tokens the reference\'s', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'gpt2-tree-'));
    try {
      const file = join(dir, 'tree.json');
      const out = await json(['generate', '--model', model, '--temperature', '0', '--max-tokens', '3', '--tree', file, '--json', SESSION_PROMPT]);
      const read = readExport(readFileSync(file, 'utf8'));
      assert.ok(read.ok, read.ok ? '' : read.error);
      const saved = read.value;
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) ids.push(argmax(nextProbs(ids)));
      assert.deepEqual(out.generated.map((t: { id: number }) => t.id), ids);
      assert.equal(saved.panel.type, 'tree');
      const tree = (saved.panel as Extract<typeof saved.panel, { type: 'tree' }>).view;
      assert.deepEqual(tree.nodes.map((node) => [node.id, node.parent, node.token.id, node.token.text]), ids.map((id, i) => [i, i === 0 ? null : i - 1, id, tokenizer.tokenText(id)]), 'one path, the greedy tokens');
      assert.equal(tree.current, 2);
      const context = (JSON.parse(readFileSync(join(model, 'config.json'), 'utf8')) as { n_positions: number }).n_positions;
      assert.deepEqual([tree.pick!.stop, tree.pick!.stops], ['max_tokens', { generated: 3, maxNewTokens: 3, tokens: promptIds.length + 3, context }]);
      assert.deepEqual(saved.prompt.tokens.map((t) => t.id), [...promptIds, ...ids]);
      assert.deepEqual(saved.decoding, { temperature: 0, topK: 0, topP: 1, maxNewTokens: 3, seed: 0 });
      const notJson = await cli(['generate', '--model', model, '--tree', join(dir, 'tree.txt'), SESSION_PROMPT]);
      assert.notEqual(notJson.code, 0);
      assert.match(notJson.stderr, /--tree writes a \.json file, got /);
      const nowhere = await cli(['generate', '--model', model, '--max-tokens', '1', '--tree', join(dir, 'missing', 'tree.json'), SESSION_PROMPT]);
      assert.notEqual(nowhere.code, 0);
      assert.match(nowhere.stderr, /--tree could not write .*tree\.json: ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('generate --ids: the prompt as token ids gives what its text gives', async function () {
    const ids = tokenizer.encode(SESSION_PROMPT).map((token) => token.id);
    const [fromIds, fromText] = [await json(['generate', '--model', model, '--max-tokens', '4', '--ids', ids.join(',')]), await json(['generate', '--model', model, '--max-tokens', '4', SESSION_PROMPT])];
    assert.deepEqual(fromIds, fromText);
  });

  it('generate with a seed: reproducible, another seed differs, each prob is the reference\'s', async function () {
    const args = ['generate', '--model', model, '--max-tokens', '6', '--seed', '11', SESSION_PROMPT];
    const [a, b] = [await json(args), await json(args)];
    assert.deepEqual(a, b);
    const other = await json(['generate', '--model', model, '--max-tokens', '6', '--seed', '12', SESSION_PROMPT]);
    assert.notDeepEqual(other.generated, a.generated);
    const ids: number[] = [];
    for (const token of a.generated) {
      const expected = nextProbs(ids)[token.id];
      assert.ok(Math.abs(token.prob - expected) < 1e-4, `prob ${token.prob} vs reference ${expected}`);
      ids.push(token.id);
    }
  });

  it('generate --top-k 3 --temperature 0.5: every token from the top 3, prob renormalised over them', async function () {
    const out = await json(['generate', '--model', model, '--max-tokens', '5', '--top-k', '3', '--temperature', '0.5', '--seed', '4', SESSION_PROMPT]);
    const ids: number[] = [];
    for (const token of out.generated) {
      const ids3 = [...promptIds, ...ids];
      const logits = referenceForward(reference, ids3).logits.subarray((ids3.length - 1) * V);
      const probs = softmax(logits, 0.5);
      const best = topK(probs, 3);
      assert.ok(best.includes(token.id), `${token.id} is not in the top 3 ${best}`);
      const mass = best.reduce((sum, id) => sum + probs[id], 0);
      assert.ok(Math.abs(token.prob - probs[token.id] / mass) < 1e-4);
      ids.push(token.id);
    }
  });

  it('generate stops with eos on a model that favours <|endoftext|>', async function () {
    const favouring = await testModel({ ...TINY, seed: 13, favourToken: EOS_ID });
    const out = await json(['generate', '--model', favouring, SESSION_PROMPT]);
    assert.equal(out.stop, 'eos');
    assert.deepEqual(out.generated.map((t: { id: number; text: string }) => [t.id, t.text]), [[EOS_ID, '<|endoftext|>']]);
    assert.ok(out.generated[0].prob > 0.99);
  });
});
