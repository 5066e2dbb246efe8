// The graph builder on its own: a two-node graph with a weight in a file and one in memory, run by ORT.
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder, inMemory } from '../../src/engine/onnx-builder';
import { dequantize, quantize } from '../../src/engine/quantize';

async function run(model: Uint8Array, options: ort.InferenceSession.SessionOptions, x: ort.Tensor): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(model, options);
  try {
    return (await session.run({ x })).y;
  } finally {
    await session.release();
  }
}

describe('GraphBuilder', function () {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'gpt2-builder-'))));
  after(async () => rm(dir, { recursive: true, force: true }));

  it('builds graphs ORT runs, with weights from a file at an offset or from memory, int and float attributes', async function () {
    // y = (x · Wᵀ) · 0.5 with W [2, 3] read from bytes 12.. of weights.bin: Gemm(transB=1, alpha=0.5).
    const w = Float32Array.from([1, 2, 3, 4, 5, 6]);
    await writeFile(join(dir, 'weights.bin'), Buffer.concat([Buffer.alloc(12, 0xff), Buffer.from(w.buffer)]));
    const fromFile = new GraphBuilder();
    const weight = fromFile.weight('w', [2, 3], { kind: 'external', location: 'weights.bin', offset: 12, length: 24 });
    const product = fromFile.op('Gemm', [fromFile.input('x', 'float', ['N', 3]), weight], { transB: 1, alpha: { float: 0.5 } });
    fromFile.output('y', product, 'float', ['N', 2]);
    const x = new ort.Tensor('float32', Float32Array.from([1, 1, 1, 0, 1, 0]), [2, 3]);
    const fileOptions = { extra: { session: { model_external_initializers_file_folder_path: dir } } };
    assert.deepEqual(Array.from((await run(fromFile.toBytes('file', 17), fileOptions, x)).data as Float32Array), [3, 7.5, 1, 2.5]);

    // y = x ⊙ s with s handed over from memory.
    const fromMemory = new GraphBuilder();
    const s = Float32Array.from([10, 100, 1000]);
    fromMemory.output('y', fromMemory.op('Mul', [fromMemory.input('x', 'float', ['N', 3]), fromMemory.weight('s', [3], { kind: 'memory', values: s })]), 'float', ['N', 3]);
    const memoryOptions = { externalData: [inMemory('s', s)] };
    assert.deepEqual(Array.from((await run(fromMemory.toBytes('memory', 17), memoryOptions, x)).data as Float32Array), [10, 100, 1000, 0, 100, 0]);
  });

  it('writes com.microsoft nodes with their opset import, and uint8/float tensors in the model (MatMulNBits)', async function () {
    // y = x · W' with W [K = 32, N = 2] quantized to 8 bits and decoded by ORT.
    const [K, N] = [32, 2];
    const w = Float32Array.from({ length: K * N }, (_, i) => Math.sin(i));
    const q = quantize(w, K, N, 'kn', { bits: 8, block: 32 });
    const g = new GraphBuilder();
    const B = g.tensor('w.B', [N, 1, 32], q.blob);
    const scales = g.tensor('w.scales', [N], q.scales);
    const attributes = { K, N, bits: 8, block_size: 32, accuracy_level: 0 };
    g.output('y', g.op('MatMulNBits', [g.input('x', 'float', [1, K]), B, scales], attributes, 'w', 'com.microsoft'), 'float', [1, N]);
    const x = Float32Array.from({ length: K }, (_, k) => k / K);
    const y = (await run(g.toBytes('nbits', 17), {}, new ort.Tensor('float32', x, [1, K]))).data as Float32Array;
    const decoded = dequantize(q, K, N, 'kn', { bits: 8, block: 32 });
    for (let n = 0; n < N; n++) {
      const expected = x.reduce((sum, xk, k) => sum + xk * decoded[k * N + n], 0);
      assert.ok(Math.abs(y[n] - expected) < 1e-5, `y[${n}] = ${y[n]}, expected ${expected}`);
    }
  });

  it('refuses a non-integer plain attribute and an output name already taken', function () {
    const g = new GraphBuilder();
    const x = g.input('x', 'float', [1]);
    assert.throws(() => g.op('LayerNormalization', [x], { epsilon: 1e-5 }), /not an integer; write \{ float: 0.00001 \}/);
    g.op('Relu', [x], {}, 'y');
    assert.throws(() => g.output('y', x, 'float', [1]), /output name y is taken/);
  });

  it('names every node and tensor apart: a node hinted like an input, hints that look like made-up names, a repeated input', async function () {
    const g = new GraphBuilder();
    const x = g.input('x', 'float', [2]);
    const first = g.op('Relu', [x], {}, 'x'); // not "x": that is the input
    const explicit = g.op('Neg', [first], {}, 'x_2'); // would be the third "x" hint's name
    const third = g.op('Abs', [explicit], {}, 'x');
    assert.equal(new Set([x, first, explicit, third]).size, 4, `${[x, first, explicit, third]}`);
    assert.throws(() => g.input('x', 'float', [2]), /the name x is taken/);
    assert.throws(() => g.weight('x_1', [2], { kind: 'memory', values: new Float32Array(2) }), /the name x_1 is taken/);
    g.output('y', third, 'float', [2]);
    const y = await ort.InferenceSession.create(g.toBytes('names', 17)).then(async (session) => {
      const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([-1, 2]), [2]) });
      await session.release();
      return Array.from(out.y.data as Float32Array);
    });
    assert.deepEqual(y, [0, 2]); // |−relu(x)|
  });
});
