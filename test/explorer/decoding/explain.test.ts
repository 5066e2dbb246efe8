// The decoding chain explained (explain.ts) against a by-hand reading in this test: a float64 softmax,
// every id sorted (probability down, id up), top-k as the first k, top-p as the shortest prefix whose
// renormalised mass reaches p, the draw as the cdf interval over what is kept. Logits with ties.
import assert from 'node:assert/strict';
import { SeededRandom } from '../../../src/engine/random';
import { explainDraw, explainFilters } from '../../../src/explorer/decoding/explain';
import { decodingDistribution } from '../../../src/explorer/decoding/next-token';
import { softmax, topK } from '../../../src/explorer/decoding/logits';

const V = 2000;
const random = new SeededRandom(5);
const LOGITS = Float32Array.from({ length: V }, () => Math.round(random.next() * 400) / 40); // 401 levels: many ties

function byHand(logits: Float32Array, T: number) {
  const max = Math.max(...logits);
  const weights = Array.from(logits, (logit) => Math.exp((logit - max) / T));
  const sum = weights.reduce((a, b) => a + b, 0);
  const probs = weights.map((w) => w / sum);
  const order = Array.from({ length: logits.length }, (_, id) => id).sort((a, b) => probs[b] - probs[a] || a - b);
  return { probs, order };
}

function nucleus(order: number[], probs: (id: number) => number, p: number): number {
  let mass = 0;
  for (let i = 0; i < order.length; i++) if ((mass += probs(order[i])) >= p) return i + 1;
  return order.length;
}

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);

describe('explaining a draw: the filters in order, and where the uniform number fell', () => {
  it('temperature, then top-k, then top-p: how many each removed, their mass and the most likely of them', () => {
    const T = 0.7;
    const { probs, order } = byHand(LOGITS, T);
    const k = 50;
    const topKMass = order.slice(0, k).reduce((sum, id) => sum + probs[id], 0);
    const renormalised = (id: number) => probs[id] / topKMass;
    // The sampler's rule today (filtered.ts): top-p counts the whole softmax's mass within the top k, so
    // with the top 50 holding less than 0.6 it keeps all 50. (Hugging Face's warpers renormalise first.)
    assert.ok(topKMass < 0.6, `the top ${k} hold ${topKMass}`);
    const n = nucleus(order.slice(0, k), (id) => probs[id], 0.6);
    assert.equal(n, k);
    const steps = explainFilters(LOGITS, { temperature: T, topK: k, topP: 0.6 });
    assert.deepEqual(steps.map((step) => [step.filter, step.setting, step.kept, step.removed]), [['temperature', T, V, 0], ['top-k', k, k, V - k], ['top-p', 0.6, n, k - n]]);
    const tight = explainFilters(LOGITS, { temperature: T, topK: k, topP: 0.2 })[2]; // reached within the top k
    const m = nucleus(order.slice(0, k), (id) => probs[id], 0.2);
    assert.ok(m < k && m > 1, `${m} kept`);
    assert.deepEqual([tight.kept, tight.removed], [m, k - m]);
    assert.deepEqual(tight.removedBest.map((entry) => entry.id), order.slice(m, m + 5));
    tight.removedBest.forEach((entry) => close(entry.prob, renormalised(entry.id), 'a removed probability before top-p (renormalised over the top k)'));
    close(tight.removedMass, order.slice(m, k).reduce((sum, id) => sum + renormalised(id), 0), 'the mass top-p removed');
    assert.deepEqual(steps[1].removedBest.map((entry) => entry.id), order.slice(k, k + 5), 'top-k removed the next 5 in line');
    steps[1].removedBest.forEach((entry) => close(entry.prob, probs[entry.id], 'a removed probability before top-k'));
    close(steps[1].removedMass, 1 - topKMass, 'the mass top-k removed');
    assert.deepEqual(steps[2].removedBest, []);
    close(steps[2].removedMass, 0, 'nothing removed');
    assert.deepEqual(steps.map((step) => step.before), [V, V, k], 'each filter starts from what the one before it left');
    assert.deepEqual(steps[0].keptBest.map((entry) => entry.id), order.slice(0, 5), 'the best after temperature');
    steps[0].keptBest.forEach((entry) => close(entry.prob, probs[entry.id], 'a probability after temperature'));
    steps[1].keptBest.forEach((entry) => close(entry.prob, renormalised(entry.id), 'a probability after top-k (renormalised)'));
    const tightMass = order.slice(0, m).reduce((sum, id) => sum + probs[id], 0);
    assert.deepEqual(tight.keptBest.map((entry) => entry.id), order.slice(0, Math.min(5, m)));
    tight.keptBest.forEach((entry) => close(entry.prob, probs[entry.id] / tightMass, 'a probability after top-p (renormalised over what it kept)'));
  });

  it('top-p alone starts from the whole softmax; filters that are off are not listed', () => {
    const { probs, order } = byHand(LOGITS, 1);
    const n = nucleus(order, (id) => probs[id], 0.3);
    const steps = explainFilters(LOGITS, { temperature: 1, topK: 0, topP: 0.3 });
    assert.deepEqual(steps.map((step) => [step.filter, step.kept, step.removed]), [['temperature', V, 0], ['top-p', n, V - n]]);
    assert.deepEqual(steps[1].removedBest.map((entry) => entry.id), order.slice(n, n + 5));
    assert.deepEqual(explainFilters(LOGITS, { temperature: 1, topK: 0, topP: 1 }).map((step) => step.filter), ['temperature']);
    assert.deepEqual(explainFilters(LOGITS, { temperature: 1, topK: V, topP: 1 }).map((step) => step.filter), ['temperature'], 'top-k of every id is off');
  });

  it('with nothing filtered, the temperature step is the sampler’s own distribution: the very numbers of a whole softmax, with or without it given', () => {
    for (const T of [0.7, 1, 1.6]) {
      const filter = { temperature: T, topK: 0, topP: 1 };
      const probs = softmax(LOGITS, T); // what the step was read from before it reused the distribution
      const expected = topK(probs, 5).map((id) => ({ id, prob: probs[id] }));
      const made = decodingDistribution(LOGITS, filter);
      for (const steps of [explainFilters(LOGITS, filter), explainFilters(LOGITS, filter, made)]) {
        assert.deepEqual(steps, [{ filter: 'temperature', setting: T, before: V, kept: V, removed: 0, removedMass: 0, removedBest: [], keptBest: expected }], `T = ${T}`);
      }
      assert.deepEqual(expected.map((entry) => entry.id), byHand(LOGITS, T).order.slice(0, 5), 'ties to the lower id');
    }
    for (const filter of [{ temperature: 0.7, topK: 50, topP: 1 }, { temperature: 0.7, topK: 50, topP: 0.2 }, { temperature: 1, topK: 0, topP: 0.3 }, { temperature: 0, topK: 0, topP: 1 }]) {
      assert.deepEqual(explainFilters(LOGITS, filter, decodingDistribution(LOGITS, filter)), explainFilters(LOGITS, filter), JSON.stringify(filter));
    }
  });

  it('temperature 0 keeps the first of the tied best tokens and names the others it removed', () => {
    const logits = Float32Array.from([1, 5, 2, 5, 5, 0]);
    const [step] = explainFilters(logits, { temperature: 0, topK: 0, topP: 1 });
    assert.deepEqual([step.filter, step.kept, step.removed], ['temperature', 1, 5]);
    assert.deepEqual(step.removedBest.map((entry) => entry.id), [3, 4, 2, 0, 5]);
    close(step.removedMass, 1 - byHand(logits, 1).probs[1], 'all but the kept token');
    assert.deepEqual([step.before, step.keptBest], [6, [{ id: 1, prob: 1 }]]);
  });

  it('the draw: the token whose interval of the kept cdf (best first) holds u, and that interval', () => {
    const filter = { temperature: 0.7, topK: 50, topP: 0.2 };
    const { probs, order } = byHand(LOGITS, filter.temperature);
    const kept = order.slice(0, explainFilters(LOGITS, filter)[2].kept);
    const mass = kept.reduce((sum, id) => sum + probs[id], 0);
    const distribution = decodingDistribution(LOGITS, filter);
    for (const u of [0, 0.1, 0.5, 0.999999]) {
      let low = 0;
      const index = kept.findIndex((id) => (low += probs[id] / mass) > u);
      const draw = explainDraw(distribution, u);
      assert.equal(draw.id, kept[index], `u = ${u}`);
      assert.equal(draw.id, distribution.draw(u), 'the token the sampler draws');
      close(draw.high, low, 'the interval ends');
      close(draw.low, low - probs[kept[index]] / mass, 'the interval starts');
      assert.ok(draw.low <= u && u < draw.high);
    }
  });
});
