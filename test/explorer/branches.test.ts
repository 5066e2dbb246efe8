// The decoding tree in a real session (tiny generated model, real ORT): branch, revisit, continue. Every
// distribution and view after a move is checked against the independent float64 reference run on the path's
// whole text from scratch; the passes the model ran are counted, so a move runs none and continuing a revisited
// node never reads the prompt again. The draw's uniform number is checked against mulberry32 written here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Gpt2Model } from '../../src/engine/model';
import type { KvCache } from '../../src/engine/types';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { ExplorerSession } from '../../src/explorer/session';
import type { DecodingPatch } from '../../src/protocol/decoding';
import type { SessionView } from '../../src/protocol/views';
import { parseWorkerResult } from '../../src/protocol/worker';
import { loadReferenceModel, referenceForward, referenceLens, type ReferenceModel } from '../engine/reference';
import { testModel, TINY } from '../engine/models';

const PROMPT = 'The capital of France is';
const V = 50257;
const TOLERANCE = 1e-4;

/** mulberry32, as published (Tommy Ettinger): the stream a seed must give. */
function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the decoding tree in a session (tiny model, real ORT, against the reference)', function () {
  let model: Gpt2Model;
  let tokenizer: Gpt2Tokenizer;
  let reference: ReferenceModel;
  let promptIds: number[];
  let passes: { tokens: number; past: number }[] = [];
  const passCount = () => passes.length; // read through a function: TypeScript narrows the array to [] after assert.deepEqual
  const open: ExplorerSession[] = [];

  before(async function () {
    const dir = await testModel(TINY);
    [model, tokenizer] = await Promise.all([Gpt2Model.load(dir, { threads: 1 }), Gpt2Tokenizer.fromModelDir(dir)]);
    reference = loadReferenceModel(dir);
    promptIds = tokenizer.encode(PROMPT).map((t) => t.id);
    const forward = model.forward.bind(model);
    (model as { forward: Gpt2Model['forward'] }).forward = (ids: number[], past?: KvCache) => (passes.push({ tokens: ids.length, past: past?.length ?? 0 }), forward(ids, past));
  });
  beforeEach(() => (passes = []));
  afterEach(() => open.splice(0).forEach((s) => s.dispose()));
  after(async () => model?.dispose());

  const session = async (settings: DecodingPatch = {}) => {
    const created = await ExplorerSession.create(model, tokenizer, { sentence: { id: 'test', text: PROMPT, source: 'custom' }, settings: { maxNewTokens: 20, ...settings } });
    open.push(created);
    passes = [];
    return created;
  };

  /** The reference's softmax at the end of `ids` (temperature 1), in float64. */
  function referenceNext(ids: number[]): Float64Array {
    const logits = referenceForward(reference, ids).logits.subarray((ids.length - 1) * V);
    const max = Math.max(...logits);
    const exps = Float64Array.from(logits, (x) => Math.exp(x - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    return exps.map((x) => x / sum);
  }
  const byProb = (probs: Float64Array) => Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a] || a - b);

  /** The view shows the text `ids` and the reference's next-token distribution after it. */
  function assertShows(view: SessionView, ids: number[]): void {
    assert.deepEqual(view.tokens.map((t) => t.id), ids, 'the text of the node');
    assert.equal(view.generated, ids.length - promptIds.length, 'the counter');
    const expected = referenceNext(ids);
    assert.deepEqual(view.next.top.map((c) => c.id), byProb(expected).slice(0, 10));
    for (const c of view.next.top) assert.ok(Math.abs(c.prob - expected[c.id]) < TOLERANCE, `p(${c.id}) ${c.prob} vs ${expected[c.id]}`);
    const checked = parseWorkerResult('step', { session: view, projection: { layers: 3, tokens: ids.length, points: new Array(3 * ids.length * 2).fill(0), last: ids.length - 1 } });
    assert.ok(checked.ok, checked.ok ? '' : checked.error);
  }

  it('branches at an earlier step, revisits both branches and continues each, as from-scratch runs say', async function () {
    const s = await session();
    await s.step();
    await s.step();
    await s.step();
    const a = s.view().tokens.map((t) => t.id); // prompt + 3 greedy tokens: nodes 0, 1, 2
    assert.deepEqual(s.view().tree!.nodes.map((n) => [n.id, n.parent, n.how]), [[0, null, 'step'], [1, 0, 'step'], [2, 1, 'step']]);

    passes = [];
    assertShows(await s.select(0), a.slice(0, promptIds.length + 1));
    assert.equal(passCount(), 0, 'a move runs no pass');
    const second = byProb(referenceNext(a.slice(0, promptIds.length + 1)))[1];
    const forced = await s.force(second);
    const b = [...a.slice(0, promptIds.length + 1), second];
    assertShows(forced, b);
    assert.deepEqual(forced.tree!.nodes.map((n) => [n.id, n.parent, n.token.id, n.how]).at(-1), [3, 0, second, 'forced']);
    assert.equal(forced.tree!.current, 3);
    assert.ok(passes.every((pass) => pass.past >= promptIds.length), `the prompt is never read again: ${JSON.stringify(passes)}`);

    passes = [];
    assertShows(await s.select(2), a);
    assert.equal(passCount(), 0, 'back on the first branch: no pass');
    const continued = await s.step();
    assertShows(continued, [...a, continued.tokens.at(-1)!.id]);
    assert.deepEqual(passes, [{ tokens: 1, past: a.length }], 'node 2 kept its cache: one position');
    assert.deepEqual(continued.tree!.nodes.map((n) => n.parent), [null, 0, 1, 0, 2]);

    assertShows(await s.select(3), b);
    passes = [];
    const onB = await s.step();
    assertShows(onB, [...b, onB.tokens.at(-1)!.id]);
    assert.equal(passCount(), 1);
    assert.ok(passes.every((pass) => pass.past >= promptIds.length), 'continued from a kept cache or the prompt’s, never from scratch');

    assertShows(await s.select(null), promptIds);
    assert.equal((await s.select(null)).tree!.current, null);
  });

  it('the views follow the node shown: attention, Q/K/V, lens and the projection cover its text', async function () {
    const s = await session();
    await s.step();
    await s.step();
    const view = await s.select(0);
    const ids = view.tokens.map((t) => t.id);
    assert.equal((await s.attention(0, 0)).size, ids.length);
    assert.equal(s.projection().tokens, ids.length);
    const last = ids.length - 1;
    const run = referenceForward(reference, ids);
    const [H, d] = [4, 48]; // TINY
    const dh = d / H;
    const q = s.qkv(1, 2, last).q;
    const expectedQ = run.q.subarray(((1 * H + 2) * ids.length + last) * dh, ((1 * H + 2) * ids.length + last + 1) * dh);
    q.forEach((x, i) => assert.ok(Math.abs(x - expectedQ[i]) < TOLERANCE, `q[${i}]`));
    const lens = await s.lens(1, last, null);
    const residual = run.hidden.subarray((1 * ids.length + last) * d, (1 * ids.length + last + 1) * d);
    const lensLogits = referenceLens(reference, residual, 1);
    const best = byProb(Float64Array.from(lensLogits)).slice(0, 10);
    assert.deepEqual(lens.top.map((c) => c.id), best, 'the lens reads the revisited node’s own residual');
  });

  it('a Sample & append tells its seed, the number of the draw, u and the interval the token came from', async function () {
    const s = await session({ seed: 1234, topK: 7 });
    const first = await s.sampleAppend();
    const second = await s.sampleAppend();
    const stream = mulberry32(1234);
    const [u0, u1, u2] = [stream(), stream(), stream()];
    const pick = second.tree!.pick!;
    assert.equal(pick.how, 'sample');
    assert.deepEqual([pick.draw!.seed, pick.draw!.index], [1234, 1]);
    assert.equal(pick.draw!.u, u1);
    // By hand: the reference's top 7 after the first token, renormalised, their cdf best first.
    const ids = first.tokens.map((t) => t.id);
    const probs = referenceNext(ids);
    const kept = byProb(probs).slice(0, 7);
    const mass = kept.reduce((sum, id) => sum + probs[id], 0);
    let low = 0;
    const index = kept.findIndex((id) => (low += probs[id] / mass) > u1);
    assert.equal(second.tokens.at(-1)!.id, kept[index]);
    assert.ok(Math.abs(pick.draw!.high - low) < TOLERANCE && Math.abs(pick.draw!.low - (low - probs[kept[index]] / mass)) < TOLERANCE);
    assert.deepEqual(pick.filters.map((f) => [f.filter, f.before, f.kept]), [['temperature', V, V], ['top-k', V, 7]]);
    assert.deepEqual(pick.filters[1].removedBest.map((c) => c.id), byProb(probs).slice(7, 12), 'the next five in line');
    assert.deepEqual(pick.settings, { temperature: 1, topK: 7, topP: 1, maxNewTokens: 20, seed: 1234 });
    const rolled = s.sample(); // a roll that is not appended tells its number too
    assert.deepEqual(rolled.roll, { seed: 1234, index: 2, u: u2 });
    assert.equal((await s.select(0)).tree!.pick!.draw!.u, u0, 'each node keeps its own draw');
  });

  it('one child per token, limits and stops: the same token moves to its node; bad nodes and ids are refused; Reset clears the tree', async function () {
    const s = await session({ maxNewTokens: 2 });
    const stepped = await s.step();
    const top = stepped.tokens.at(-1)!.id;
    await s.select(null);
    passes = [];
    const again = await s.force(top);
    assert.equal(again.tree!.nodes.length, 1, 'the same token at the same place is the same node');
    assert.equal(again.tree!.current, 0);
    assert.equal(passCount(), 0);
    const done = await s.step();
    assert.equal(done.stop, 'max_tokens');
    assert.equal(done.tree!.pick!.stop, 'max_tokens', 'the pick tells the stop it caused');
    assert.equal((await s.force(1)).tree!.nodes.length, 2, 'a stopped node takes no token');
    await assert.rejects(s.select(9), RangeError);
    await assert.rejects(async () => s.force(V), RangeError);
    const reset = await s.reset();
    assert.deepEqual(reset.tree, { nodes: [], current: null, pick: null });
  });

  it('the chain ends with the stops checked after the token, and names the one that ended generation', async function () {
    const context = (JSON.parse(readFileSync(join(await testModel(TINY), 'config.json'), 'utf8')) as { n_positions: number }).n_positions;
    const THE = tokenizer.encode(' the')[0].id;
    const s = await session({ maxNewTokens: 3 });
    const first = (await s.force(THE)).tree!.pick!;
    assert.deepEqual([first.stops, first.stop], [{ generated: 1, maxNewTokens: 3, tokens: promptIds.length + 1, context }, null]);
    const eos = (await s.force(50256)).tree!.pick!; // <|endoftext|>
    assert.deepEqual([eos.stops.generated, eos.stop], [2, 'eos']);
    await s.select(0);
    const lowered = s.setDecoding({ maxNewTokens: 1 }).tree!.pick!; // the stops follow the settings now, as the session's stop does
    assert.deepEqual([lowered.stops.maxNewTokens, lowered.stop], [1, 'max_tokens']);
    assert.equal(s.setDecoding({ maxNewTokens: 3 }).tree!.pick!.stop, null, 'raising the maximum resumes it');

    const text = ' a'.repeat(context - 1); // one token short of the context
    const full = await ExplorerSession.create(model, tokenizer, { sentence: { id: 'full', text, source: 'custom' }, settings: { maxNewTokens: 20 } });
    open.push(full);
    assert.equal(tokenizer.encode(text).length, context - 1);
    const last = (await full.force(THE)).tree!.pick!;
    assert.deepEqual([last.stops.tokens, last.stops.generated, last.stop], [context, 1, 'context_full']);
  });
});
