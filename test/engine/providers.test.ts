// The execution provider: auto falls back to the CPU when the accelerator cannot start (this
// machine has no CUDA libraries), an explicit one that cannot start says so, and what runs is said.
import assert from 'node:assert/strict';
import { Gpt2Model } from '../../src/engine/model';
import { providerCandidates } from '../../src/engine/providers';
import { loadReferenceModel, referenceForward } from './reference';
import { maxAbsDiff, testModel, TINY } from './models';

const PROMPT = [464, 3139, 286, 4486];

describe('execution providers', function () {
  it('tries the platform accelerator, then the CPU, for auto; exactly the one named otherwise', () => {
    assert.deepEqual(providerCandidates('auto', 'linux'), ['cuda', 'cpu']);
    assert.deepEqual(providerCandidates('auto', 'win32'), ['dml', 'cpu']);
    assert.deepEqual(providerCandidates('auto', 'darwin'), ['coreml', 'cpu']);
    assert.deepEqual(providerCandidates('auto', 'freebsd'), ['cpu']);
    assert.deepEqual(providerCandidates('webgpu', 'linux'), ['webgpu']);
  });

  it('auto falls back to the CPU where CUDA cannot start, says so, and computes the same numbers', async function () {
    if (process.platform !== 'linux') this.skip();
    const dir = await testModel(TINY);
    const model = await Gpt2Model.load(dir, { threads: 1, provider: 'auto' });
    try {
      if (model.provider.name === 'cuda') this.skip(); // a machine with CUDA: nothing to fall back from
      assert.equal(model.provider.name, 'cpu');
      assert.match(model.provider.passedOver[0], /^cuda: .+/);
      const expected = referenceForward(loadReferenceModel(dir), PROMPT).logits;
      const logits = (await model.forward(PROMPT)).logits;
      assert.ok(maxAbsDiff(logits, expected.subarray(expected.length - logits.length)) < 1e-4);
    } finally {
      await model.dispose();
    }
  });

  it('an explicit provider that cannot start is an error saying what to do', async function () {
    if (process.platform !== 'linux') this.skip();
    const dir = await testModel(TINY);
    const loaded = await Gpt2Model.load(dir, { threads: 1, provider: 'cuda' }).then(
      async (model) => (await model.dispose(), null),
      (error: Error) => error,
    );
    if (loaded === null) this.skip(); // CUDA works here
    assert.match(loaded.message, /^the cuda execution provider cannot start here \(.+\); choose auto or cpu, or install its libraries \(see the README\)$/);
  });
});
