// `sample` as a user runs it: the tally of N rolls against the reference's probabilities.
import assert from 'node:assert/strict';
import { argmax, topK } from '../../src/explorer/decoding/logits';
import { chiSquare } from '../explorer/chi-square';
import { SESSION_PROMPT, sessionFixture, type SessionFixture } from './fixtures';
import { json } from './run-cli';

describe('gpt2-explorer sample', function () {
  let model: string;
  let nextProbs: SessionFixture['nextProbs'];

  before(async function () {
    ({ model, nextProbs } = await sessionFixture());
  });

  it('sample --n 2000: counts add up, probs are the reference\'s, and the tally passes a chi-square test', async function () {
    const out = await json(['sample', '--model', model, '--n', '2000', '--seed', '3', SESSION_PROMPT]);
    assert.deepEqual(Object.keys(out), ['counts', 'probs']);
    assert.equal(Object.values<number>(out.counts).reduce((a, b) => a + b, 0), 2000);
    assert.deepEqual(Object.keys(out.probs).sort(), Object.keys(out.counts).sort());
    const expected = nextProbs([]);
    for (const [id, p] of Object.entries<number>(out.probs)) assert.ok(Math.abs(p - expected[Number(id)]) < 1e-4, `id ${id}`);
    const bins = new Map(topK(expected, 100).filter((id) => expected[id] * 2000 >= 5).map((id) => [id, expected[id]]));
    const counts = new Map(Object.entries<number>(out.counts).map(([id, n]) => [Number(id), n]));
    const test = chiSquare(counts, bins, 2000);
    assert.ok(test.statistic < test.critical, `χ² = ${test.statistic.toFixed(1)} ≥ ${test.critical.toFixed(1)}`);
    assert.deepEqual(await json(['sample', '--model', model, '--n', '2000', '--seed', '3', SESSION_PROMPT]), out);
  });

  it('sample --temperature 0 always draws the top token', async function () {
    const out = await json(['sample', '--model', model, '--n', '50', '--temperature', '0', SESSION_PROMPT]);
    assert.deepEqual(out, { counts: { [argmax(nextProbs([]))]: 50 }, probs: { [argmax(nextProbs([]))]: 1 } });
  });
});
