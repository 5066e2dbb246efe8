// ExplorerSession on real ORT sessions of tiny generated models, checked against full re-runs of
// the engine and against the independent float64 reference (test/engine/reference.ts).
import assert from 'node:assert/strict';
import { Gpt2Model } from '../../src/engine/model';
import { EOS_ID, Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { argmax, softmax, topK } from '../../src/explorer/decoding/logits';
import { ExplorerSession, type SessionOptions } from '../../src/explorer/session';
import type { DecodingPatch } from '../../src/protocol/decoding';
import { parseHostMessage, type HostMessage } from '../../src/protocol/explorer';
import { loadReferenceModel, referenceForward, referenceLens, type ReferenceModel } from '../engine/reference';
import { maxAbsDiff, testModel, TINY } from '../engine/models';
import { chiSquare } from './chi-square';

const LESSON = 'The capital of Germany is Berlin. The capital of France is';
const TOLERANCE = 1e-4;

const options = (text: string, settings: DecodingPatch = {}): SessionOptions => ({ sentence: { id: 'test', text, source: 'custom' }, settings });
const ids = (session: ExplorerSession) => session.view().tokens.map((token) => token.id);

describe('ExplorerSession (tiny model, real ORT)', function () {
  let model: Gpt2Model;
  let tokenizer: Gpt2Tokenizer;
  let reference: ReferenceModel;
  const open: ExplorerSession[] = [];
  const session = async (text = LESSON, settings: DecodingPatch = {}) => {
    const created = await ExplorerSession.create(model, tokenizer, options(text, settings));
    open.push(created);
    return created;
  };

  before(async function () {
    const dir = await testModel(TINY);
    [model, tokenizer] = await Promise.all([Gpt2Model.load(dir, { threads: 1 }), Gpt2Tokenizer.fromModelDir(dir)]);
    reference = loadReferenceModel(dir);
  });
  afterEach(() => open.splice(0).forEach((s) => s.dispose()));
  after(async () => model?.dispose());

  it('starts on the bare prompt: its tokens, 0 generated, defaults, the full distribution', async function () {
    const view = (await session()).view();
    assert.deepEqual(view.tokens.map((t) => t.text), ['The', ' capital', ' of', ' Germany', ' is', ' Berlin', '.', ' The', ' capital', ' of', ' France', ' is']);
    assert.equal(view.tokens.map((t) => LESSON.slice(t.start, t.end)).join(''), LESSON);
    assert.ok(view.tokens.every((t, i) => t.index === i && !t.generated));
    assert.equal(view.promptLength, 12);
    assert.equal(view.generated, 0);
    assert.equal(view.stop, null);
    assert.equal(view.truncated, 0);
    assert.deepEqual(view.settings, { temperature: 1, topK: 0, topP: 1, maxNewTokens: 10, seed: 0 });
    assert.deepEqual(view.defaults, { layer: 1, head: 0 }); // the middle of 2 layers
    assert.equal(view.next.kept, 50257);
    assert.equal(view.next.top.length, 10);
    assert.deepEqual(view.model, { name: 'test model (2 layers, 48 wide)', layers: 2, heads: 4, embd: 48, vocab: 50257, positions: 64, weights: 'float32' });
  });

  it('starts from token ids as from text: the same chips and distribution, no source ranges; bad ids are refused', async function () {
    const lessonIds = [464, 3139, 286, 4486, 318, 11307, 13, 383, 3139, 286, 4881, 318];
    const fromText = await session();
    const fromIds = await ExplorerSession.create(model, tokenizer, { ...options('the lesson, as ids'), ids: lessonIds });
    open.push(fromIds);
    const [a, b] = [fromText.view(), fromIds.view()];
    assert.deepEqual(b.tokens.map((t) => [t.id, t.text]), a.tokens.map((t) => [t.id, t.text]));
    assert.ok(b.tokens.every((t) => t.start === -1 && t.end === -1 && !t.generated));
    assert.deepEqual(b.next, a.next);
    assert.deepEqual((await fromIds.step()).tokens.at(-1), { ...(await fromText.step()).tokens.at(-1)! });
    for (const bad of [[], [50257], [1.5], [-1]]) {
      await assert.rejects(ExplorerSession.create(model, tokenizer, { ...options('x'), ids: bad }), bad.length === 0 ? /the prompt is empty/ : /prompt token id .* is out of range/);
    }
  });

  it('30 KV-cache steps equal full re-runs: the same tokens, probabilities within 1e-4, every per-position output', async function () {
    const s = await session(LESSON, { maxNewTokens: 30 });
    for (let n = 1; n <= 30; n++) {
      const before = ids(s);
      const full = await model.forward(before);
      full.cache.dispose();
      const expected = softmax(full.logits);
      const view = await s.step();
      const chosen = view.tokens.at(-1)!;
      assert.equal(chosen.id, argmax(expected), `step ${n} picked another token than a full re-run`);
      assert.ok(chosen.generated && chosen.start === -1);
      assert.ok(Math.abs(s.generated().at(-1)!.prob - expected[chosen.id]) < TOLERANCE, `step ${n}: prob`);
    }
    const all = ids(s);
    const full = await model.forward(all);
    full.cache.dispose();
    const T = all.length;
    const expected = softmax(full.logits);
    for (const candidate of s.view().next.top) assert.ok(Math.abs(candidate.prob - expected[candidate.id]) < TOLERANCE);
    assert.deepEqual(s.view().next.top.map((c) => c.id), topK(expected, 10));
    for (const [layer, head] of [[0, 0], [1, 3]]) {
      const pattern = referenceForward(reference, all).attention.subarray(((layer * 4 + head) * T) * T, ((layer * 4 + head + 1) * T) * T);
      assert.ok(maxAbsDiff((await s.attention(layer, head)).weights, pattern) < TOLERANCE, `attention ${layer}/${head}`);
      for (const token of [0, 11, 12, T - 1]) {
        const { q, k, v } = s.qkv(layer, head, token);
        const at = ((layer * 4 + head) * T + token) * 12;
        assert.ok(maxAbsDiff(q, full.q.subarray(at, at + 12)) < TOLERANCE, `q ${layer}/${head}/${token}`);
        assert.ok(maxAbsDiff(k, full.k.subarray(at, at + 12)) < TOLERANCE, `k ${layer}/${head}/${token}`);
        assert.ok(maxAbsDiff(v, full.v.subarray(at, at + 12)) < TOLERANCE, `v ${layer}/${head}/${token}`);
      }
    }
  });

  it('greedy generation agrees with the independent reference, token by token', async function () {
    const prompt = 'Zebras dream in greyscale, 42 times';
    const view = await (await session(prompt, { temperature: 0, maxNewTokens: 12 })).generate();
    let past = referenceForward(reference, tokenizer.encode(prompt).map((t) => t.id));
    const expected: number[] = [];
    for (let n = 0; n < 12; n++) {
      const logits = past.logits.subarray(past.logits.length - 50257);
      expected.push(argmax(logits));
      past = referenceForward(reference, [expected.at(-1)!], past.past);
    }
    assert.deepEqual(view.tokens.slice(view.promptLength).map((t) => t.id), expected);
    assert.equal(view.stop, 'max_tokens');
  });

  it('2,000 seeded samples pass a chi-square test against the shown probabilities, and not against tempered ones', async function () {
    const s = await session(LESSON, { temperature: 0.7, seed: 2024 });
    const shown = new Map(s.view().next.top.map((c) => [c.id, c.prob]));
    const tally = s.sample(2000);
    assert.equal(tally.total, 2000);
    const counts = new Map(Object.entries(tally.counts).map(([id, n]) => [Number(id), n]));
    const fair = chiSquare(counts, withEnoughDraws(shown, 2000), 2000);
    assert.ok(fair.statistic < fair.critical, `χ² = ${fair.statistic.toFixed(1)} ≥ ${fair.critical.toFixed(1)}`);
    s.setDecoding({ temperature: 1 }); // what a sampler that ignored the temperature would be drawing from
    const tempered = new Map(s.view().next.top.map((c) => [c.id, c.prob]));
    const wrong = chiSquare(counts, withEnoughDraws(tempered, 2000), 2000);
    assert.ok(wrong.statistic > wrong.critical, `tempered: χ² = ${wrong.statistic.toFixed(1)} ≤ ${wrong.critical.toFixed(1)}`);
  });

  it('the same seed gives the same draws; the tally restarts when the distribution changes', async function () {
    const [a, b] = [await session(LESSON, { seed: 5 }), await session(LESSON, { seed: 5 })];
    assert.deepEqual(a.sample(50), b.sample(50));
    const c = await session(LESSON, { seed: 6 });
    assert.notDeepEqual(c.sample(50).counts, b.sample(50).counts);
    assert.equal(a.setDecoding({ maxNewTokens: 20 }).tally.total, 50, 'the distribution did not change');
    assert.equal(a.setDecoding({ topK: 5 }).tally.total, 0);
    a.sample();
    assert.equal((await a.step()).tally.total, 0);
  });

  it('the shown candidates and probability(id) are the same before and after the first rolls', async function () {
    const s = await session(LESSON, { seed: 11 });
    const before = s.view();
    const probabilities = before.next.top.map((c) => s.probability(c.id));
    assert.deepEqual(probabilities, before.next.top.map((c) => c.prob));
    s.sample(); // the first roll sums probabilities up to the one drawn
    s.sample(500); // the next ones build the cdf
    assert.deepEqual(s.view().next, before.next);
    assert.deepEqual(before.next.top.map((c) => s.probability(c.id)), probabilities);
  });

  it('temperature 0 is greedy: every sample and every appended token is the top one', async function () {
    const s = await session(LESSON, { temperature: 0 });
    const top = s.view().next.top;
    assert.equal(top.length, 1);
    assert.equal(top[0].prob, 1);
    assert.deepEqual(Object.keys(s.sample(200).counts), [String(top[0].id)]);
    const sampledAtOne = await (await session(LESSON, { maxNewTokens: 5 })).generate(); // temperature 1: sampled
    const stepped = await session(LESSON, { maxNewTokens: 5 });
    for (let i = 0; i < 5; i++) await stepped.step();
    const sampled = await session(LESSON, { temperature: 0, maxNewTokens: 5 });
    for (let i = 0; i < 5; i++) await sampled.sampleAppend();
    assert.deepEqual(ids(sampled), ids(stepped));
    assert.notDeepEqual(sampledAtOne.tokens.map((t) => t.id), ids(stepped), 'generate() at temperature 1 samples');
  });

  it('top-k and top-p never return a token outside the kept set, and say how many are kept', async function () {
    for (const filter of [{ topK: 3 }, { topP: 0.3 }, { topK: 20, topP: 0.5 }]) {
      const s = await session(LESSON, { ...filter, seed: 9 });
      const view = s.view();
      const kept = new Set(view.next.top.map((c) => c.id));
      assert.ok(view.next.kept === kept.size && kept.size <= 10, `${JSON.stringify(filter)}: kept ${view.next.kept}`);
      assert.ok(Math.abs(view.next.top.reduce((sum, c) => sum + c.prob, 0) - 1) < 1e-9, 'renormalised');
      for (const id of Object.keys(s.sample(3000).counts)) assert.ok(kept.has(Number(id)), `${JSON.stringify(filter)}: drew ${id}`);
      for (let i = 0; i < 3; i++) {
        const before = new Set(s.view().next.top.map((c) => c.id));
        assert.ok(before.has((await s.sampleAppend()).tokens.at(-1)!.id));
      }
    }
  });

  it('stops at maxNewTokens, then Step and Sample & append change nothing; a larger limit resumes', async function () {
    const s = await session(LESSON, { maxNewTokens: 3 });
    await s.step();
    await s.sampleAppend();
    const stopped = await s.step();
    assert.equal(stopped.generated, 3);
    assert.equal(stopped.stop, 'max_tokens');
    assert.deepEqual(await s.step(), stopped);
    assert.deepEqual(await s.sampleAppend(), stopped);
    assert.equal(s.setDecoding({ maxNewTokens: 4 }).stop, null);
    assert.equal((await s.step()).stop, 'max_tokens');
  });

  it('reset returns to the bare prompt and replays the same draws from the seed', async function () {
    const s = await session(LESSON, { seed: 77, maxNewTokens: 6 });
    const bare = s.view();
    const first = await s.generate();
    const reset = await s.reset();
    assert.deepEqual(reset, bare);
    assert.equal(s.projection().tokens, 12);
    assert.deepEqual(await s.generate(), first);
  });

  it('overlapping Step, Sample & append and Reset calls run one after another', async function () {
    const [a, b] = [await session(LESSON, { seed: 3 }), await session(LESSON, { seed: 3 })];
    const together = await Promise.all([a.step(), a.sampleAppend(), a.step()]);
    const apart = [await b.step(), await b.sampleAppend(), await b.step()];
    assert.deepEqual(together, apart);
    const [, afterReset] = await Promise.all([a.step(), a.reset()]);
    assert.equal(afterReset.generated, 0);
    assert.equal(a.projection().tokens, 12);
    // A lens read of token 12 queued before a reset and a new step reads the old token 12, and the
    // cache does not hand it out for the new one.
    await a.step();
    const [old, , , fresh] = await Promise.all([a.lens(2, 12, null), a.reset(), a.sampleAppend(), a.lens(2, 12, null)]);
    const full = await model.forward(ids(a).slice(0, 13)); // logits after token 12
    full.cache.dispose();
    assert.deepEqual(fresh.top.map((c) => c.id), topK(softmax(full.logits), 10));
    assert.notDeepEqual(old.top, fresh.top, 'the step and the sampled token differ, so their lens readings do');
  });

  it('projection: one frame for every layer, deterministic, finite, last token flagged, stable under Step', async function () {
    const s = await session();
    const before = s.projection();
    assert.equal(before.layers, 3);
    assert.equal(before.tokens, 12);
    assert.equal(before.last, 11);
    assert.equal(before.points.length, 3 * 12 * 2);
    assert.ok(before.points.every(Number.isFinite));
    assert.deepEqual((await session()).projection(), before);
    await s.step();
    const after = s.projection();
    assert.equal(after.last, 12);
    for (let l = 0; l < 3; l++) {
      for (let t = 0; t < 12; t++) {
        assert.deepEqual(after.points.slice(2 * (l * 13 + t), 2 * (l * 13 + t) + 2), before.points.slice(2 * (l * 12 + t), 2 * (l * 12 + t) + 2));
      }
    }
  });

  it("lens at the last layer equals the model's own next-token distribution, for prompt and generated tokens", async function () {
    const s = await session(LESSON, { maxNewTokens: 2 });
    await s.generate();
    const all = ids(s);
    for (const token of [0, 5, 11, 12, 13]) {
      const upTo = await model.forward(all.slice(0, token + 1)); // the model's logits after `token`
      upTo.cache.dispose();
      const expected = softmax(upTo.logits);
      const lens = await s.lens(2, token, all[token]);
      assert.deepEqual(lens.top.map((c) => c.id), topK(expected, 10), `token ${token}`);
      for (const c of lens.top) assert.ok(Math.abs(c.prob - expected[c.id]) < TOLERANCE);
      assert.equal(lens.track!.probs.length, 3);
      assert.ok(Math.abs(lens.track!.probs[2] - expected[all[token]]) < TOLERANCE);
    }
  });

  it('lens at an inner layer agrees with the reference, and tracks a token across all layers', async function () {
    const s = await session();
    const lensIds = ids(s);
    const expected = referenceForward(reference, lensIds);
    const layer1 = await s.lens(1, 4, 3139);
    const perLayer = [0, 1, 2].map((l) => softmax(referenceLens(reference, expected.hidden.subarray((l * 12 + 4) * 48, (l * 12 + 5) * 48), 1)));
    assert.deepEqual(layer1.top.map((c) => c.id), topK(perLayer[1], 10));
    layer1.track!.probs.forEach((p, l) => assert.ok(Math.abs(p - perLayer[l][3139]) < TOLERANCE, `layer ${l}`));
    assert.equal(layer1.track!.text, ' capital');
    // Nothing tracked: the token's top guess at the last layer is (the chart's default, one request).
    const untracked = await s.lens(0, 4, null);
    const guess = topK(perLayer[2], 1)[0];
    assert.equal(untracked.track!.id, guess);
    untracked.track!.probs.forEach((p, l) => assert.ok(Math.abs(p - perLayer[l][guess]) < TOLERANCE, `default track, layer ${l}`));
  });

  it('reads the newest token ahead (prefetchLens): its later lens is the reference\'s, before and after a Step and a Reset', async function () {
    const s = await session(LESSON, { maxNewTokens: 3 });
    const check = async () => {
      const all = ids(s);
      const newest = all.length - 1;
      await s.prefetchLens();
      const expected = referenceForward(reference, all);
      const T = all.length;
      const perLayer = [0, 1, 2].map((l) => softmax(referenceLens(reference, expected.hidden.subarray((l * T + newest) * 48, (l * T + newest + 1) * 48), 1)));
      const lens = await s.lens(2, newest, all[newest]);
      assert.deepEqual(lens.top.map((c) => c.id), topK(perLayer[2], 10), `token ${newest}`);
      lens.track!.probs.forEach((p, l) => assert.ok(Math.abs(p - perLayer[l][all[newest]]) < TOLERANCE, `token ${newest}, layer ${l}`));
    };
    await check(); // the last prompt token
    await s.step();
    await check(); // the token the Step made
    await s.reset();
    await s.sampleAppend(); // another token at the same position: what was read ahead for the old one is gone
    await check();
  });

  it('reads every token ahead (readAhead), gives way at once when interrupted, and its lens is the reference\'s, also for an id no layer ranks', async function () {
    const s = await session(LESSON, { maxNewTokens: 1 });
    await s.step();
    const all = ids(s);
    const T = all.length;
    let checks = 0;
    assert.equal(await s.readAhead(() => ++checks > 1), false, 'interrupted before its first token was read: not done');
    assert.equal(checks, 2, 'asked once before the read and once before the first layer, then gave way');
    assert.equal(await s.readAhead(() => false), true, 'the next pause reads every token');
    const expected = referenceForward(reference, all);
    for (const token of [0, 6, T - 1]) {
      const perLayer = [0, 1, 2].map((l) => softmax(referenceLens(reference, expected.hidden.subarray((l * T + token) * 48, (l * T + token + 1) * 48), 1)));
      const ranked = new Set(perLayer.flatMap((probs) => topK(probs, 10)));
      const unranked = [...Array(50257).keys()].find((id) => !ranked.has(id) && perLayer[2][id] > 1e-6)!;
      for (const trackId of [all[token], unranked]) {
        const lens = await s.lens(1, token, trackId);
        assert.deepEqual(lens.top.map((c) => c.id), topK(perLayer[1], 10), `token ${token}`);
        for (const c of lens.top) assert.ok(Math.abs(c.prob - perLayer[1][c.id]) < TOLERANCE, `token ${token}, id ${c.id}`);
        lens.track!.probs.forEach((p, l) => assert.ok(Math.abs(p - perLayer[l][trackId]) < TOLERANCE, `token ${token}, tracked ${trackId}, layer ${l}`));
      }
    }
  });

  it('every view passes the protocol\'s runtime checks, as the panel receives it', async function () {
    const s = await session(LESSON, { topK: 40 });
    await s.step();
    await s.sampleAppend();
    const messages: HostMessage[] = [
      { type: 'session', session: s.view(), projection: s.projection() },
      { type: 'attention', view: await s.attention(1, 2) },
      { type: 'qkv', view: s.qkv(0, 3, 13) },
      { type: 'lens', view: await s.lens(2, 13, 50256) },
      { type: 'tally', tally: s.sample(25) },
    ];
    for (const message of messages) {
      const parsed = parseHostMessage(JSON.parse(JSON.stringify(message)));
      assert.ok(parsed.ok, `${message.type}: ${JSON.stringify(parsed)}`);
    }
  });

  it('out-of-range layer, head, token and ids throw RangeError with what the range is', async function () {
    const s = await session();
    await assert.rejects(s.attention(2, 0), /layer 2 is out of range: expected 0 to 1/);
    await assert.rejects(s.attention(0, 4), /head 4 is out of range: expected 0 to 3/);
    assert.throws(() => s.qkv(0, 0, 12), /token 12 is out of range: expected 0 to 11/);
    assert.throws(() => s.qkv(0, 0, 1.5), RangeError);
    await assert.rejects(async () => s.lens(3, 0, null), /layer 3 is out of range: expected 0 to 2/);
    await assert.rejects(async () => s.lens(0, 0, 50257), RangeError);
    assert.throws(() => s.setDecoding({ temperature: -1 }), /temperature: expected a number in \[0, 2\]/);
    assert.throws(() => s.setDecoding({ topP: 1.5 }), /topP: expected a number in \[0, 1\]/);
    assert.equal(s.view().settings.temperature, 1, 'a rejected patch changes nothing');
    await assert.rejects(ExplorerSession.create(model, tokenizer, options('')), /the prompt is empty/);
    await assert.rejects(ExplorerSession.create(model, tokenizer, { ...options('Hi'), defaults: { layer: -1, head: 0 } }), /default layer -1/);
    const preset = await ExplorerSession.create(model, tokenizer, { ...options('Hi'), defaults: { layer: 6, head: 9 } });
    assert.deepEqual(preset.view().defaults, { layer: 1, head: 3 }, "a GPT-2 small preset's layer/head, clamped to the tiny model");
    preset.dispose();
  });

  it('a model that favours <|endoftext|> stops with eos after one token', async function () {
    const dir = await testModel({ ...TINY, seed: 13, favourToken: EOS_ID });
    const favouring = await Gpt2Model.load(dir, { threads: 1 });
    try {
      const s = await ExplorerSession.create(favouring, tokenizer, options(LESSON));
      const view = await s.step();
      assert.equal(view.tokens.at(-1)!.id, EOS_ID);
      assert.equal(view.stop, 'eos');
      assert.equal(view.generated, 1);
      assert.deepEqual(await s.generate(), view);
      s.dispose();
    } finally {
      await favouring.dispose();
    }
  });

  it('context_full when the sequence reaches n_positions; a longer prompt keeps its last tokens and room to generate', async function () {
    const dir = await testModel({ ...TINY, nPositions: 16 });
    const short = await Gpt2Model.load(dir, { threads: 1 });
    try {
      const s = await ExplorerSession.create(short, tokenizer, options(LESSON, { maxNewTokens: 100, seed: 1 }));
      const view = await s.generate();
      assert.equal(view.stop, 'context_full');
      assert.equal(view.tokens.length, 16);
      assert.equal(view.generated, 4);
      assert.equal(s.projection().tokens, 16);
      s.dispose();
      const long = LESSON + ' Paris. The capital of Italy is';
      const t = await ExplorerSession.create(short, tokenizer, options(long, { maxNewTokens: 10 }));
      const cut = t.view();
      assert.equal(cut.truncated, tokenizer.encode(long).length - 12, 'room for min(10, 16 / 4) = 4 new tokens');
      assert.equal(cut.tokens.length, 12);
      assert.equal(cut.tokens[0].index, 0);
      assert.equal(cut.tokens.map((c) => long.slice(c.start, c.end)).join(''), long.slice(cut.tokens[0].start));
      assert.equal(cut.stop, null);
      const after = await t.generate();
      assert.equal(after.generated, 4);
      assert.equal(after.stop, 'context_full');
      t.dispose();
    } finally {
      await short.dispose();
    }
  });
});

describe('ExplorerSession greedy generation on other models and prompts', function () {
  const shapes = [
    { seed: 21, nLayer: 3, nHead: 2, nEmbd: 32, nPositions: 40 },
    { seed: 22, nLayer: 1, nHead: 1, nEmbd: 16, nPositions: 32, dtype: 'f16' as const },
  ];
  const prompts = ['<|endoftext|>Once upon a time', 'naïve café — 東京 🚀', 'x'];

  for (const shape of shapes) {
    it(`agrees with the reference: L ${shape.nLayer}, H ${shape.nHead}, d ${shape.nEmbd}${shape.dtype ? `, ${shape.dtype}` : ''}`, async function () {
      const dir = await testModel(shape);
      const [model, tokenizer] = await Promise.all([Gpt2Model.load(dir, { threads: 1 }), Gpt2Tokenizer.fromModelDir(dir)]);
      const reference = loadReferenceModel(dir);
      try {
        for (const prompt of prompts) {
          const s = await ExplorerSession.create(model, tokenizer, options(prompt, { temperature: 0, maxNewTokens: 8 }));
          const view = await s.generate();
          s.dispose();
          let pass = referenceForward(reference, tokenizer.encode(prompt).map((t) => t.id));
          const expected: number[] = [];
          for (let n = 0; n < 8; n++) {
            expected.push(argmax(pass.logits.subarray(pass.logits.length - 50257)));
            if (expected.at(-1) === EOS_ID) break;
            pass = referenceForward(reference, [expected.at(-1)!], pass.past);
          }
          assert.deepEqual(view.tokens.slice(view.promptLength).map((t) => t.id), expected, JSON.stringify(prompt));
        }
      } finally {
        await model.dispose();
      }
    });
  }
});

/** The shown candidates expected at least 5 times in n draws (the rest is pooled by chiSquare). */
function withEnoughDraws(shown: Map<number, number>, n: number): Map<number, number> {
  return new Map([...shown].filter(([, p]) => p * n >= 5));
}
