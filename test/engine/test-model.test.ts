// The test-model generator: Hugging Face's layout and names, reproducible bytes, tokenizer copied.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGpt2Config } from '../../src/engine/config';
import { readSafetensorsHeader } from '../../src/engine/safetensors';
import { writeTestModel } from '../../src/engine/test-model';

const SMALL = { nLayer: 2, nHead: 2, nEmbd: 16, nPositions: 32 };

async function sha256(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

describe('writeTestModel', function () {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'gpt2-test-model-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('writes a Hugging Face GPT-2 folder: config.json keys, sorted tensor names, causal attn.bias, tokenizer', async function () {
    await writeTestModel(dir, { ...SMALL, seed: 3 });
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    assert.deepEqual(
      [config.n_layer, config.n_head, config.n_embd, config.vocab_size, config.n_positions, config.n_ctx],
      [2, 2, 16, 50257, 32, 32],
    );
    assert.equal(config.activation_function, 'gelu_new');
    assert.equal(config.model_type, 'gpt2');
    assert.deepEqual(config.architectures, ['GPT2LMHeadModel']);
    assert.equal(config.layer_norm_epsilon, 1e-5);
    assert.deepEqual(await readGpt2Config(dir), { ...SMALL, vocabSize: 50257, layerNormEpsilon: 1e-5 });

    const header = await readSafetensorsHeader(join(dir, 'model.safetensors'));
    const names = [...header.tensors.keys()];
    assert.deepEqual(names, [...names].sort());
    assert.deepEqual(header.tensors.get('h.0.attn.c_attn.weight')?.shape, [16, 48]); // Conv1D: [in, out]
    const mask = header.tensors.get('h.1.attn.bias')!;
    assert.deepEqual(mask.shape, [1, 1, 32, 32]);
    const bytes = (await readFile(join(dir, 'model.safetensors'))).subarray(mask.begin, mask.end);
    const values = new Float32Array(Uint8Array.prototype.slice.call(bytes).buffer);
    assert.deepEqual([values[0], values[1], values[32], values[33], values[34]], [1, 0, 1, 1, 0]); // lower triangle

    assert.ok(existsSync(join(dir, 'tokenizer.json')), 'tokenizer.json copied from models/gpt2');
  });

  it('gives the same bytes for the same seed, and different ones for another seed', async function () {
    await writeTestModel(join(dir, 'a'), { ...SMALL, seed: 9 });
    await writeTestModel(join(dir, 'b'), { ...SMALL, seed: 9 });
    await writeTestModel(join(dir, 'c'), { ...SMALL, seed: 10 });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((name) => sha256(join(dir, name, 'model.safetensors'))));
    assert.equal(a, b);
    assert.notEqual(a, c);
  });

  it('writes f16 weights (half the bytes) and "transformer."-prefixed names on request', async function () {
    await writeTestModel(join(dir, 'half'), { ...SMALL, dtype: 'f16', prefix: true });
    const header = await readSafetensorsHeader(join(dir, 'half', 'model.safetensors'));
    const wte = header.tensors.get('transformer.wte.weight')!;
    assert.equal(wte.dtype, 'F16');
    assert.equal(wte.end - wte.begin, 50257 * 16 * 2);
    assert.equal(header.tensors.get('transformer.h.0.attn.bias')?.dtype, 'F32');
  });

  it('refuses a width that is not a multiple of the heads, and a favoured token outside the vocabulary', async function () {
    await assert.rejects(writeTestModel(dir, { ...SMALL, nHead: 3 }), /--embd 16 is not a multiple of --heads 3/);
    await assert.rejects(writeTestModel(dir, { ...SMALL, favourToken: 50257 }), /favour token 50257 is not a token id/);
  });
});
