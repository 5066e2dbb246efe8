// Checks on OpenAI's real GPT-2 small weights, run only when a folder with them is found (real-weights.ts:
// GPT2_MODEL_DIR, the extension's download folder, the Hugging Face cache). The spot values prove
// the Conv1D orientation and the names; the lesson prompt must put " Paris" on top.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readGpt2Config } from '../../src/engine/config';
import { openGpt2Weights } from '../../src/engine/gpt2-weights';
import { Gpt2Model } from '../../src/engine/model';
import { readTensorAsFloat32 } from '../../src/engine/safetensors';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { argmax } from '../../src/explorer/decoding/logits';
import { NO_REAL_WEIGHTS, REAL_GPT2_DIR } from './real-weights';

const dir = REAL_GPT2_DIR ?? '';
const present = REAL_GPT2_DIR !== undefined;
const title = present ? `real GPT-2 small weights in ${dir}` : `real GPT-2 small weights — ${NO_REAL_WEIGHTS}`;

describe(title, function () {
  before(function () {
    if (!present) this.skip();
  });

  it('holds the published spot values (Conv1D weights stored [in, out])', async function () {
    const file = join(dir, 'model.safetensors');
    const weights = await openGpt2Weights(file, await readGpt2Config(dir));
    const value = async (name: string, index: number) => (await readTensorAsFloat32(file, weights.tensors.get(name)!))[index];
    assert.ok(Math.abs((await value('h.0.attn.c_attn.weight', 0)) - -0.4738484025) < 1e-7);
    assert.ok(Math.abs((await value('h.0.attn.c_attn.weight', 5 * 2304)) - 0.0329732932) < 1e-7); // [5, 0]
    assert.ok(Math.abs((await value('wpe.weight', 0)) - -0.0188207198) < 1e-7);
    assert.ok(Math.abs((await value('wte.weight', 0)) - -0.1101030111) < 1e-7);
  });

  it('puts " Paris" on top after the lesson prompt', async function () {
    const tokenizer = await Gpt2Tokenizer.fromModelDir(dir);
    const model = await Gpt2Model.load(dir);
    try {
      const ids = tokenizer.encode('The capital of Germany is Berlin. The capital of France is').map((token) => token.id);
      const result = await model.forward(ids);
      assert.equal(argmax(result.logits), 6342);
    } finally {
      await model.dispose();
    }
  });
});
