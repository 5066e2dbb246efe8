import assert from 'node:assert/strict';
import { readSettings } from '../../../src/extension/common/settings';
import { decodingChanges, DEFAULT_DECODING } from '../../../src/protocol/decoding';

describe('settings', () => {
  const from = (values: Record<string, unknown>) => readSettings((key) => values[key]);

  it('uses the defaults when nothing is set', () => {
    const { settings, problems } = from({});
    assert.deepEqual(settings, { modelPath: '', model: '', threads: 0, provider: 'cpu', weights: 'float32', decoding: DEFAULT_DECODING, codeLensEnabled: true });
    assert.deepEqual(problems, []);
  });

  it('reads good values and replaces bad ones by the default, saying which', () => {
    const { settings, problems } = from({ temperature: 0.3, topK: 40, topP: 'all', maxNewTokens: 0, seed: -1, threads: 2, modelPath: ' /m ', 'codeLens.enabled': false });
    assert.deepEqual(settings.decoding, { ...DEFAULT_DECODING, temperature: 0.3, topK: 40 });
    assert.equal(settings.threads, 2);
    assert.equal(settings.modelPath, '/m');
    assert.equal(settings.codeLensEnabled, false);
    assert.equal(problems.length, 3);
    assert.match(problems.join('\n'), /gpt2Explorer\.topP = "all".*gpt2Explorer\.maxNewTokens = 0.*gpt2Explorer\.seed = -1/s);
  });

  it('reads the opt-in 8-bit weights, and anything but "float32" or "int8" as the default float32, saying so', () => {
    assert.equal(from({ weights: 'int8' }).settings.weights, 'int8');
    assert.equal(from({ weights: 'float32' }).settings.weights, 'float32');
    for (const bad of ['INT8', 'int4', 8, true, {}]) {
      const { settings, problems } = from({ weights: bad });
      assert.equal(settings.weights, 'float32', JSON.stringify(bad));
      assert.deepEqual(problems, [`gpt2Explorer.weights = ${JSON.stringify(bad)} is not "float32" or "int8"; using "float32"`]);
    }
  });

  it('reads the model as a repository id, and anything but a string as none, saying so', () => {
    assert.equal(from({ model: ' distilgpt2 ' }).settings.model, 'distilgpt2');
    const { settings, problems } = from({ model: 42 });
    assert.equal(settings.model, '');
    assert.deepEqual(problems, ['gpt2Explorer.model is not a repository id (a string); using GPT-2 small']);
  });

  it('reads the execution provider, and anything unknown as the CPU, saying so', () => {
    assert.equal(from({ executionProvider: 'cuda' }).settings.provider, 'cuda');
    const { settings, problems } = from({ executionProvider: 'tpu' });
    assert.equal(settings.provider, 'cpu');
    assert.deepEqual(problems, ['gpt2Explorer.executionProvider = "tpu" is not one of auto, cpu, cuda, dml, coreml, webgpu; using "cpu"']);
  });

  it('lists the decoding fields that changed', () => {
    assert.deepEqual(decodingChanges(DEFAULT_DECODING, { ...DEFAULT_DECODING, temperature: 0, seed: 3 }), { temperature: 0, seed: 3 });
    assert.deepEqual(decodingChanges(DEFAULT_DECODING, DEFAULT_DECODING), {});
  });
});
