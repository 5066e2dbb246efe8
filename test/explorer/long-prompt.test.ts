// A prompt longer than one prefill pass: the chips come first, then progress pass by pass; a Cancel
// stops it; every view still shows the reference's numbers (test/engine/reference.ts).
import assert from 'node:assert/strict';
import { Gpt2Model } from '../../src/engine/model';
import { PREFILL_PASS } from '../../src/engine/prefill';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { softmax } from '../../src/explorer/decoding/logits';
import { ExplorerSession } from '../../src/explorer/session';
import type { TokenChip } from '../../src/protocol/views';
import { maxAbsDiff, testModel, TINY } from '../engine/models';
import { loadReferenceModel, referenceForward, type ReferenceModel } from '../engine/reference';

const TOLERANCE = 1e-4;
const LONG = { ...TINY, nPositions: 2 * PREFILL_PASS + 100 };
const TEXT = 'The capital of Germany is Berlin. The capital of France is Paris. '.repeat(60); // ≈ 840 tokens, cut to fit

describe('ExplorerSession on a long prompt', function () {
  let model: Gpt2Model;
  let tokenizer: Gpt2Tokenizer;
  let reference: ReferenceModel;
  const sentence = { id: 'long', text: TEXT, source: 'custom' as const };

  before(async function () {
    const dir = await testModel(LONG);
    [model, tokenizer] = await Promise.all([Gpt2Model.load(dir, { threads: 1 }), Gpt2Tokenizer.fromModelDir(dir)]);
    reference = loadReferenceModel(dir);
  });
  after(async () => model?.dispose());

  it('tells the chips first, then each pass, and its views agree with the reference', async function () {
    const events: string[] = [];
    let told: TokenChip[] = [];
    const onTokens = (chips: TokenChip[], truncated: number) => (told = chips, events.push(`tokens ${chips.length} cut ${truncated}`));
    const onProgress = (done: number, total: number) => events.push(`${done}/${total}`);
    const s = await ExplorerSession.create(model, tokenizer, { sentence, progress: { onTokens, onProgress } });
    const view = s.view();
    const T = view.tokens.length;
    assert.equal(T + view.truncated, tokenizer.encode(TEXT).length);
    assert.ok(view.truncated > 0 && T > 2 * PREFILL_PASS, `${T} tokens, ${view.truncated} cut`);
    assert.deepEqual(events, [`tokens ${T} cut ${view.truncated}`, `${PREFILL_PASS}/${T}`, `${2 * PREFILL_PASS}/${T}`, `${T}/${T}`]);
    assert.deepEqual(told, view.tokens);
    const ids = view.tokens.map((token) => token.id);
    const expected = referenceForward(reference, ids);
    const probs = softmax(expected.logits.subarray(expected.logits.length - 50257));
    for (const candidate of view.next.top) assert.ok(Math.abs(candidate.prob - probs[candidate.id]) < TOLERANCE, `p(${candidate.id})`);
    const H = model.config.nHead;
    const pattern = expected.attention.subarray((1 * H + 2) * T * T, (1 * H + 3) * T * T);
    assert.ok(maxAbsDiff((await s.attention(1, 2)).weights, pattern) < TOLERANCE, 'attention 1/2 over every position');
    await s.step();
    const after = await s.attention(0, 1);
    assert.equal(after.size, T + 1);
    const stepped = referenceForward(reference, ids.concat(s.view().tokens[T].id)).attention;
    assert.ok(maxAbsDiff(after.weights, stepped.subarray((T + 1) ** 2, 2 * (T + 1) ** 2)) < TOLERANCE, 'attention after a Step');
    s.dispose();
  });

  it('stops when cancelled, after the chips and before the passes end', async function () {
    const controller = new AbortController();
    const done: number[] = [];
    const progress = { signal: controller.signal, onProgress: (n: number) => (done.push(n), controller.abort(new Error('cancelled'))) };
    await assert.rejects(ExplorerSession.create(model, tokenizer, { sentence, progress }), /cancelled/);
    assert.deepEqual(done, [PREFILL_PASS]);
    const early = new AbortController();
    early.abort(new Error('cancelled while tokenising'));
    await assert.rejects(ExplorerSession.create(model, tokenizer, { sentence, progress: { signal: early.signal } }), /while tokenising/);
  });
});
