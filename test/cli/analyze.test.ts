// `analyze` as a user runs it, checked against the independent float64 reference: the tokens, the
// next-token top 10, the logit lens, --full's internals, --temperature and the readable table.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { softmax, topK } from '../../src/explorer/decoding/logits';
import { maxAbsDiff } from '../engine/models';
import { loadReferenceModel, referenceForward, referenceLens, type ReferenceModel } from '../engine/reference';
import { cliMadeModel, PROMPT } from './fixtures';
import { cli } from './run-cli';

describe('gpt2-explorer analyze', function () {
  let dir: string;
  let model: string;
  let reference: ReferenceModel;

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'gpt2-cli-'));
    model = await cliMadeModel(dir);
    reference = loadReferenceModel(model);
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('analyze --json: tokens with their ranges, next and lens top 10 that agree with the reference', async function () {
    const run = await cli(['analyze', '--model', model, '--json', PROMPT]);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(out), ['tokens', 'next', 'lens']);
    assert.equal(out.tokens.map((t: { start: number; end: number }) => PROMPT.slice(t.start, t.end)).join(''), PROMPT);
    const ids: number[] = out.tokens.map((t: { id: number }) => t.id);
    const expected = referenceForward(reference, ids);
    const T = ids.length;
    const V = 50257;
    const probs = softmax(expected.logits.subarray((T - 1) * V));
    assert.deepEqual(out.next.map((c: { id: number }) => c.id), topK(probs, 10));
    assert.ok(maxAbsDiff(out.next.map((c: { prob: number }) => c.prob), topK(probs, 10).map((id) => probs[id])) <= 1e-4);
    assert.equal(typeof out.next[0].text, 'string');
    assert.deepEqual(out.lens.map((entry: { layer: number }) => entry.layer), [0, 1, 2]);
    const lastPerLayer = [0, 1, 2].flatMap((layer) => Array.from(expected.hidden.subarray((layer * T + T - 1) * 24, (layer * T + T) * 24)));
    const lensLogits = referenceLens(reference, lastPerLayer, 3);
    for (const { layer, top } of out.lens) {
      const layerProbs = softmax(lensLogits.subarray(layer * V, (layer + 1) * V));
      assert.deepEqual(top.map((c: { id: number }) => c.id), topK(layerProbs, 10), `lens layer ${layer}`);
    }
  });

  it('analyze --json --full adds hidden, attention, q, k, v as nested arrays equal to the reference', async function () {
    const run = await cli(['analyze', '--model', model, '--json', '--full', 'a prompt never seen before']);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    const ids: number[] = out.tokens.map((t: { id: number }) => t.id);
    const T = ids.length;
    const expected = referenceForward(reference, ids);
    assert.deepEqual([out.hidden.length, out.hidden[0].length, out.hidden[0][0].length], [3, T, 24]);
    assert.deepEqual([out.attention.length, out.attention[0].length, out.attention[0][0].length, out.attention[0][0][0].length], [2, 3, T, T]);
    for (const key of ['hidden', 'attention', 'q', 'k', 'v'] as const) {
      assert.ok(maxAbsDiff(out[key].flat(3), expected[key]) <= 1e-4, key);
    }
  });

  it('analyze --temperature changes the probabilities; 0 puts everything on the top token', async function () {
    const probsAt = async (temperature: string) => JSON.parse((await cli(['analyze', '--model', model, '--json', '--temperature', temperature, PROMPT])).stdout).next;
    const [one, cold, greedy] = await Promise.all([probsAt('1'), probsAt('0.5'), probsAt('0')]);
    assert.equal(cold[0].id, one[0].id);
    assert.ok(cold[0].prob > one[0].prob);
    assert.equal(greedy[0].prob, 1);
    assert.deepEqual(greedy.map((c: { id: number }) => c.id), one.map((c: { id: number }) => c.id), 'the same ranking, by logit');
    assert.ok(greedy.slice(1).every((c: { prob: number }) => c.prob === 0));
  });

  it('analyze without --json prints a readable table', async function () {
    const run = await cli(['analyze', '--model', model, 'Hello world']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Tokens \(2\)[\s\S]*"Hello"[\s\S]*" world"[\s\S]*Next token \(temperature 1\)[\s\S]*layer  2/);
  });
});
