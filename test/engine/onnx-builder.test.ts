// The graph builder on its own: a two-node graph with an inline and an external weight, run by ORT.
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder } from '../../src/engine/onnx-builder';

describe('GraphBuilder', function () {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'gpt2-builder-'))));
  after(async () => rm(dir, { recursive: true, force: true }));

  it('builds a graph ORT runs: inline and external float weights, int and float attributes', async function () {
    // y = (x · Wᵀ) · s with W [2, 3] read from bytes 12.. of a file, s inline: Gemm(transB=1, alpha=0.5).
    const w = Float32Array.from([1, 2, 3, 4, 5, 6]);
    await writeFile(join(dir, 'weights.bin'), Buffer.concat([Buffer.alloc(12, 0xff), Buffer.from(w.buffer)]));
    const g = new GraphBuilder();
    const x = g.input('x', 'float', ['N', 3]);
    const weight = g.weight('w', [2, 3], { kind: 'external', location: 'weights.bin', offset: 12, length: 24 });
    const scale = g.weight('s', [2], { kind: 'inline', values: Float32Array.from([10, 100]) });
    const product = g.op('Gemm', [x, weight], { transB: 1, alpha: { float: 0.5 } });
    g.output('y', g.op('Mul', [product, scale]), 'float', ['N', 2]);
    const session = await ort.InferenceSession.create(g.toBytes('test', 17), {
      extra: { session: { model_external_initializers_file_folder_path: dir } },
    });
    const { y } = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 1, 1, 0, 1, 0]), [2, 3]) });
    assert.deepEqual(Array.from(y.data as Float32Array), [30, 750, 10, 250]);
    await session.release();
  });

  it('refuses a non-integer plain attribute and an output name already taken', function () {
    const g = new GraphBuilder();
    const x = g.input('x', 'float', [1]);
    assert.throws(() => g.op('LayerNormalization', [x], { epsilon: 1e-5 }), /not an integer; write \{ float: 0.00001 \}/);
    g.op('Relu', [x], {}, 'y');
    assert.throws(() => g.output('y', x, 'float', [1]), /output name y is taken/);
  });
});
