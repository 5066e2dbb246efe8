// The ORT engine against the independent float64 reference, output by output, on tiny generated
// models: prompts, KV-cache steps, the logit lens, F16/BF16 files and the "transformer." prefix.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { row } from '../../src/engine/matrix';
import { Gpt2Model } from '../../src/engine/model';
import { halfToFloat, readSafetensorsHeader } from '../../src/engine/safetensors';
import type { ForwardResult } from '../../src/engine/types';
import { argmax, softmax } from '../../src/explorer/decoding/logits';
import { loadReferenceModel, referenceForward, referenceLens, type ReferenceModel, type ReferenceResult } from './reference';
import { assertStepMatchesFullPass, headRows, lastRows, maxAbsDiff, testModel, TINY } from './models';

const TOLERANCE = 1e-4;
const PROMPT = [464, 3139, 286, 4486, 318, 11307, 13, 50256, 0]; // lesson words, the special token, id 0

function assertClose(actual: ForwardResult, expected: ReferenceResult, what: string): void {
  for (const key of ['hidden', 'q', 'k', 'v'] as const) {
    const diff = maxAbsDiff(actual[key], expected[key]);
    assert.ok(diff <= TOLERANCE, `${what}: ${key} differs from the reference by ${diff}`);
  }
  const S = actual.pastLength + actual.length;
  const rows = actual.attention.length / S;
  const attentionDiff = maxAbsDiff(actual.attention, lastRows(expected.attention, rows, actual.length, S));
  assert.ok(attentionDiff <= TOLERANCE, `${what}: the last attention rows differ from the reference by ${attentionDiff}`);
  const lastRow = expected.logits.subarray(expected.logits.length - actual.logits.length); // the engine gives the last position's
  assert.equal(expected.logits.length, actual.length * actual.logits.length, `${what}: logits are one row of the vocabulary`);
  const diff = maxAbsDiff(actual.logits, lastRow);
  assert.ok(diff <= TOLERANCE, `${what}: logits differ from the reference by ${diff}`);
}

describe('Gpt2Model against the reference', function () {
  let model: Gpt2Model;
  let reference: ReferenceModel;

  before(async function () {
    const dir = await testModel(TINY);
    model = await Gpt2Model.load(dir, { threads: 1 });
    reference = loadReferenceModel(dir);
  });
  after(async () => model?.dispose());

  it('matches every output of a prompt pass', async function () {
    const result = await model.forward(PROMPT);
    assert.equal(result.pastLength, 0);
    assert.equal(result.length, PROMPT.length);
    assert.equal(result.cache.length, PROMPT.length);
    assertClose(result, referenceForward(reference, PROMPT), 'prompt');
  });

  it('matches every output of KV-cache steps, one token and several at a time', async function () {
    let result = await model.forward(PROMPT.slice(0, 3));
    let expected = referenceForward(reference, PROMPT.slice(0, 3));
    for (const ids of [[PROMPT[3]], [PROMPT[4]], [PROMPT[5], PROMPT[6]], [PROMPT[7]]]) {
      result = await model.forward(ids, result.cache);
      expected = referenceForward(reference, ids, expected.past);
      assert.equal(result.pastLength, expected.past.length - ids.length);
      assertClose(result, expected, `step at ${result.pastLength}`);
    }
    assert.equal(result.cache.length, 8);
  });

  it('matches on random token sequences up to the full context, stepping right up to its last position', async function () {
    let seed = 2024;
    const randomId = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 50257;
    for (const length of [1, 17, 64]) {
      const ids = Array.from({ length }, randomId);
      assertClose(await model.forward(ids), referenceForward(reference, ids), `${length} random tokens`);
    }
    const ids = Array.from({ length: 62 }, randomId);
    let result = await model.forward(ids);
    let expected = referenceForward(reference, ids);
    for (const id of [randomId(), randomId()]) {
      result = await model.forward([id], result.cache);
      expected = referenceForward(reference, [id], expected.past);
      assertClose(result, expected, `step to position ${result.pastLength}`);
    }
    assert.equal(result.cache.length, 64);
    await assert.rejects(model.forward([1], result.cache), /64 cached \+ 1 new positions exceed the context of 64/);
  });

  it("attention() gives each head's whole [T, T] pattern of the reference, from the pass's q and k", async function () {
    const { nLayer: L, nHead: H, nEmbd: d } = model.config;
    const T = PROMPT.length;
    const result = await model.forward(PROMPT);
    const expected = referenceForward(reference, PROMPT).attention; // [L, H, T, T]
    for (let layer = 0; layer < L; layer++) {
      for (let head = 0; head < H; head++) {
        const rows = (kind: 'q' | 'k') => headRows(result[kind], layer, head, H, T, d / H);
        const weights = await model.attention(rows('q'), rows('k'), T);
        const pattern = expected.subarray((layer * H + head) * T * T, (layer * H + head + 1) * T * T);
        const diff = maxAbsDiff(weights, pattern);
        assert.ok(diff <= TOLERANCE, `layer ${layer} head ${head}: differs from the reference by ${diff}`);
      }
    }
    await assert.rejects(model.attention(new Float32Array(12), new Float32Array(12), 2), /expected q and k of 2 rows of 12 values/);
  });

  it('gives a step the same numbers as the full pass has at that position', async function () {
    await assertStepMatchesFullPass(model, PROMPT, TOLERANCE);
  });

  it('lets a cache be continued twice (branching), unchanged by the first continuation', async function () {
    const prompt = await model.forward(PROMPT.slice(0, 4));
    const first = await model.forward([11], prompt.cache);
    await model.forward([12], prompt.cache);
    const again = await model.forward([11], prompt.cache);
    assert.ok(maxAbsDiff(first.logits, again.logits) === 0);
  });

  it('keeps every live cache right while continuations share, copy and outgrow its store (stepping 4 → 40 past a capacity of 32)', async function () {
    const expect = (ids: number[]) => referenceForward(reference, ids);
    // A continuation against the reference's full pass over all its tokens: the last position's logits, attention rows and k.
    const assertClose = (actual: ForwardResult, expected: ReferenceResult, what: string) => {
      const S = actual.pastLength + actual.length;
      const { nLayer: L, nHead: H, nEmbd: d } = model.config;
      assert.ok(maxAbsDiff(actual.logits, expected.logits.subarray(expected.logits.length - actual.logits.length)) <= TOLERANCE, `${what}: logits`);
      assert.ok(maxAbsDiff(actual.attention, lastRows(expected.attention, L * H, S, S)) <= TOLERANCE, `${what}: attention`);
      const lastKeys = Array.from({ length: L * H }, (_, r) => [...expected.k.subarray((r * S + S - 1) * (d / H), (r * S + S) * (d / H))]).flat();
      assert.ok(maxAbsDiff(actual.k, Float64Array.from(lastKeys)) <= TOLERANCE, `${what}: k`);
    };
    const prompt = await model.forward(PROMPT.slice(0, 4));
    const a = await model.forward([11], prompt.cache); // written after the prompt, in its store
    const b = await model.forward([12], prompt.cache); // a holds position 4: b must not write there
    const a2 = await model.forward([13], a.cache);
    const b2 = await model.forward([14], b.cache);
    assertClose(a2, expect([...PROMPT.slice(0, 4), 11, 13]), 'the first branch, continued after the second was made');
    assertClose(b2, expect([...PROMPT.slice(0, 4), 12, 14]), 'the second branch');
    [a, a2].forEach((pass) => pass.cache.dispose());
    const c = await model.forward([15], prompt.cache); // nothing live beyond the prompt in its store now
    assertClose(c, expect([...PROMPT.slice(0, 4), 15]), 'a continuation after the first branch was disposed');
    assertClose(await model.forward([16], b2.cache), expect([...PROMPT.slice(0, 4), 12, 14, 16]), 'the second branch, after that');
    let ids = [...PROMPT.slice(0, 4), 15];
    let result = c;
    while (ids.length < 40) {
      const id = (ids.length * 7919) % 50257;
      result = await model.forward([id], result.cache);
      ids = [...ids, id];
    }
    assertClose(result, expect(ids), 'step to position 39');
    assertClose(await model.forward([17], prompt.cache), expect([...PROMPT.slice(0, 4), 17]), 'the prompt, continued again at the end');
  });

  it("lens() matches the reference for every layer and position, and is the model's logits at the last layer", async function () {
    const result = await model.forward(PROMPT);
    const { nLayer: L, nEmbd: d, vocabSize: V } = model.config;
    const rows = (L + 1) * PROMPT.length;
    const lens = await model.lens(result.hidden, rows);
    assert.ok(maxAbsDiff(lens, referenceLens(reference, result.hidden, rows)) <= TOLERANCE);
    const lastLayer = await model.lens(result.hidden.subarray(L * PROMPT.length * d), PROMPT.length);
    assert.ok(maxAbsDiff(lastLayer, referenceForward(reference, PROMPT).logits) <= TOLERANCE, 'every position');
    assert.deepEqual(row(lastLayer, PROMPT.length - 1, V), result.logits, 'the same lm_head: the same numbers');
    assert.equal((await model.lens(new Float32Array(0), 0)).length, 0);
  });

  it('makes a distribution that is clearly not uniform, and hidden states that move from layer to layer', async function () {
    const result = await model.forward(PROMPT);
    const { nLayer: L, nEmbd: d, vocabSize: V } = model.config;
    const probs = softmax(result.logits);
    assert.ok(probs[argmax(probs)] > 100 / V, `top-1 probability ${probs[argmax(probs)]}`);
    const T = PROMPT.length;
    for (let layer = 0; layer < L; layer++) {
      const before = result.hidden.subarray(layer * T * d, (layer + 1) * T * d);
      const after = result.hidden.subarray((layer + 1) * T * d, (layer + 2) * T * d);
      const moved = maxAbsDiff(before, after) / maxAbsDiff(before, new Float32Array(before.length));
      assert.ok(moved > 0.1, `layer ${layer} moved the residual stream by only ${moved} of its size`);
    }
  });

  it('rejects what it cannot run, with messages that say why', async function () {
    await assert.rejects(model.forward([]), /no token ids/);
    await assert.rejects(model.forward([50257]), /token id 50257 is not in the vocabulary/);
    await assert.rejects(model.forward([1.5]), /token id 1.5/);
    await assert.rejects(model.forward(new Array(65).fill(1)), /exceed the context of 64/);
    const prompt = await model.forward(new Array(60).fill(1));
    await assert.rejects(model.forward([1, 2, 3, 4, 5], prompt.cache), /60 cached \+ 5 new positions exceed/);
    prompt.cache.dispose();
    await assert.rejects(model.forward([1], prompt.cache), /KV cache was disposed/);
    await assert.rejects(model.lens(new Float32Array(10), 1), /expected 1 rows of 48 values/);
  });
});

/** Rewrites an F16 safetensors file with the named tensors stored as F32 instead. */
async function widenToF32(file: string, names: string[]): Promise<void> {
  const bytes = await readFile(file);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, info] of Object.entries<{ dtype: string; data_offsets: [number, number] }>(header)) {
    if (name === '__metadata__') continue;
    let data = bytes.subarray(8 + headerLength + info.data_offsets[0], 8 + headerLength + info.data_offsets[1]);
    if (names.includes(name)) {
      const halves = Array.from({ length: data.length / 2 }, (_, i) => halfToFloat(data.readUInt16LE(2 * i)));
      data = Buffer.from(Float32Array.from(halves).buffer);
      info.dtype = 'F32';
    }
    info.data_offsets = [offset, offset + data.length];
    offset += data.length;
    chunks.push(data);
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  await writeFile(file, Buffer.concat([length, json, ...chunks]));
}

describe('Gpt2Model on other checkpoint formats', function () {
  for (const dtype of ['f16', 'bf16'] as const) {
    it(`loads ${dtype} weights and matches the reference on them`, async function () {
      const dir = await testModel({ ...TINY, seed: 11, dtype });
      const model = await Gpt2Model.load(dir, { threads: 1 });
      try {
        const expected = referenceForward(loadReferenceModel(dir), PROMPT);
        assertClose(await model.forward(PROMPT), expected, dtype);
      } finally {
        await model.dispose();
      }
    });
  }

  it('loads a checkpoint that mixes F16 and F32 tensors', async function () {
    const dir = await mkdtemp(join(tmpdir(), 'gpt2-mixed-'));
    try {
      await cp(await testModel({ ...TINY, seed: 11, dtype: 'f16' }), dir, { recursive: true });
      await widenToF32(join(dir, 'model.safetensors'), ['ln_f.weight', 'h.1.mlp.c_fc.bias']);
      const model = await Gpt2Model.load(dir, { threads: 1 });
      try {
        assertClose(await model.forward(PROMPT), referenceForward(loadReferenceModel(dir), PROMPT), 'mixed');
      } finally {
        await model.dispose();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('loads from a folder whose path has spaces and non-ASCII letters', async function () {
    const parent = await mkdtemp(join(tmpdir(), 'gpt2-path-'));
    const dir = join(parent, 'Application Support', 'modèle ü');
    try {
      await cp(await testModel(TINY), dir, { recursive: true });
      const model = await Gpt2Model.load(dir, { threads: 1 });
      assert.equal((await model.forward([1, 2])).length, 2);
      await model.dispose();
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });

  it('loads names with the "transformer." prefix, skipping the attn.bias buffers', async function () {
    const dir = await testModel({ ...TINY, seed: 12, nLayer: 1, nHead: 2, nEmbd: 32, prefix: true });
    const model = await Gpt2Model.load(dir, { threads: 1, optimization: 'disabled' });
    try {
      assertClose(await model.forward(PROMPT), referenceForward(loadReferenceModel(dir), PROMPT), 'prefixed');
    } finally {
      await model.dispose();
    }
  });

  it('loads a checkpoint as transformers writes its tiny test models: "transformer." names, no mask buffers', async function () {
    const dir = await testModel({ ...TINY, seed: 13, nLayer: 2, nHead: 2, nEmbd: 32, prefix: true, masks: false });
    const names = [...(await readSafetensorsHeader(join(dir, 'model.safetensors'))).tensors.keys()];
    assert.ok(names.every((name) => name.startsWith('transformer.')) && !names.some((name) => name.endsWith('.attn.bias')), names.join());
    const model = await Gpt2Model.load(dir, { threads: 1 });
    try {
      assertClose(await model.forward(PROMPT), referenceForward(loadReferenceModel(dir), PROMPT), 'without masks');
    } finally {
      await model.dispose();
    }
  });

  it('makes the favoured token the argmax at every position', async function () {
    const dir = await testModel({ ...TINY, seed: 13, favourToken: 50256 });
    const model = await Gpt2Model.load(dir, { threads: 1 });
    try {
      const result = await model.forward(PROMPT);
      const { nLayer: L, nEmbd: d, vocabSize: V } = model.config;
      const logits = await model.lens(result.hidden.subarray(L * PROMPT.length * d), PROMPT.length); // [T, V] after the last block
      for (let t = 0; t < PROMPT.length; t++) assert.equal(argmax(row(logits, t, V)), 50256);
    } finally {
      await model.dispose();
    }
  });

  it('lets passes already started finish before dispose() releases the sessions', async function () {
    const model = await Gpt2Model.load(await testModel(TINY), { threads: 1 });
    const pass = model.forward(PROMPT);
    const lens = model.lens(new Float32Array(48 * 3), 3);
    await model.dispose();
    assert.equal((await pass).length, PROMPT.length);
    assert.equal((await lens).length, 3 * 50257);
  });

  it('refuses a cache from another model, and any use after dispose()', async function () {
    const dir = await testModel(TINY);
    const [a, b] = await Promise.all([Gpt2Model.load(dir, { threads: 1 }), Gpt2Model.load(dir, { threads: 1 })]);
    const fromA = await a.forward([1, 2]);
    await assert.rejects(b.forward([3], fromA.cache), /made by another model/);
    await a.dispose();
    await b.dispose();
    await assert.rejects(a.forward([1]), /used after dispose/);
    await assert.rejects(a.lens(new Float32Array(48), 1), /used after dispose/);
    await a.dispose(); // twice is fine
  });
});

describe('Gpt2Model when model.safetensors changes while loaded', function () {
  /** Runs the fixture on a private copy of the tiny model; a crash shows up as a signal, not a dead test run. */
  async function changeWhileLoaded(change: string): Promise<Record<string, unknown>> {
    const dir = await mkdtemp(join(tmpdir(), 'gpt2-changed-'));
    try {
      await cp(await testModel(TINY), dir, { recursive: true });
      const fixture = join(__dirname, 'fixtures', 'change-weights-while-loaded.ts');
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture, dir, change]);
      return JSON.parse(stdout);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  for (const change of ['truncate', 'overwrite', 'overwrite-keep-mtime']) {
    it(`refuses to run after the file is changed in place (${change}) instead of crashing`, async function () {
      const report = await changeWhileLoaded(change);
      assert.match(String(report.error), /model\.safetensors was changed on disk while the model was loaded.*load the model again/);
    });
  }

  it('keeps working, with the same numbers, after the file is deleted', async function () {
    assert.deepEqual(await changeWhileLoaded('delete'), { change: 'delete', sameLogits: true });
  });
});
