// A long prompt read in passes of PREFILL_PASS tokens gives the reference's numbers, reports its
// progress pass by pass and stops when asked.
import assert from 'node:assert/strict';
import { Gpt2Model } from '../../src/engine/model';
import { prefill, PREFILL_PASS } from '../../src/engine/prefill';
import type { ForwardResult } from '../../src/engine/types';
import { headRows, lastRows, maxAbsDiff, testModel, TINY } from './models';
import { loadReferenceModel, referenceForward, type ReferenceModel } from './reference';

const TOLERANCE = 1e-4;
const LONG = { ...TINY, nPositions: 2 * PREFILL_PASS + 100 }; // a tiny width, but room for three passes

describe('prefill', function () {
  let model: Gpt2Model;
  let reference: ReferenceModel;
  const ids = Array.from({ length: 2 * PREFILL_PASS + 40 }, (_, i) => (i * 7919) % 50257);

  before(async function () {
    const dir = await testModel(LONG);
    model = await Gpt2Model.load(dir, { threads: 1 });
    reference = loadReferenceModel(dir);
  });
  after(async () => model?.dispose());

  it('reads a prompt in passes of PREFILL_PASS, each continuing the last, with the numbers of one pass', async function () {
    const { nLayer: L, nHead: H, nEmbd: d } = model.config;
    const passes: ForwardResult[] = [];
    const progress: number[] = [];
    const last = await prefill(model, ids, (pass) => passes.push(pass), { onProgress: (done, total) => progress.push(done / total) });
    assert.deepEqual(passes.map((p) => [p.pastLength, p.length]), [[0, PREFILL_PASS], [PREFILL_PASS, PREFILL_PASS], [2 * PREFILL_PASS, 40]]);
    assert.deepEqual(progress, [PREFILL_PASS / ids.length, (2 * PREFILL_PASS) / ids.length, 1]);
    assert.equal(last, passes[2]);
    assert.equal(last.cache.length, ids.length);
    const expected = referenceForward(reference, ids);
    assert.ok(maxAbsDiff(last.logits, expected.logits.subarray(expected.logits.length - last.logits.length)) <= TOLERANCE, 'logits');
    assert.ok(maxAbsDiff(last.attention, lastRows(expected.attention, L * H, ids.length, ids.length)) <= TOLERANCE, 'last rows');
    // The whole pattern of one head, from the q and k of all three passes, as the explorer asks for it.
    const T = ids.length;
    const rows = (kind: 'q' | 'k') => {
      const out = new Float32Array(T * (d / H));
      passes.forEach((p) => out.set(headRows(p[kind], 1, 3, H, p.length, d / H), p.pastLength * (d / H)));
      return out;
    };
    const pattern = await model.attention(rows('q'), rows('k'), T);
    const diff = maxAbsDiff(pattern, expected.attention.subarray((1 * H + 3) * T * T, (1 * H + 4) * T * T));
    assert.ok(diff <= TOLERANCE, `layer 1 head 3 over ${T} positions differs from the reference by ${diff}`);
  });

  it('stops before the next pass once its signal is aborted, with the signal\'s reason', async function () {
    const controller = new AbortController();
    const passes: number[] = [];
    const run = prefill(model, ids, (pass) => passes.push(pass.pastLength), { signal: controller.signal, onProgress: () => controller.abort(new Error('cancelled by the test')) });
    await assert.rejects(run, /cancelled by the test/);
    assert.deepEqual(passes, [0]);
  });

  it('refuses an empty prompt as forward() does', async function () {
    await assert.rejects(prefill(model, [], () => undefined), /no token ids/);
  });
});
