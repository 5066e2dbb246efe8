// The blockwise quantizer on its own: what MatMulNBits will read (layout, scales, zero point) and
// how far the decoded weights may be from the originals.
import assert from 'node:assert/strict';
import { SeededRandom } from '../../src/engine/random';
import { dequantize, quantize, type QuantizeOptions } from '../../src/engine/quantize';

function randomMatrix(length: number, seed: number): Float32Array {
  const random = new SeededRandom(seed);
  return Float32Array.from({ length }, () => (random.next() - 0.5) * 4);
}

describe('quantize (MatMulNBits layout)', function () {
  for (const bits of [8, 4] as const) {
    it(`${bits} bits: every weight decodes to within half its block's scale, in both layouts`, function () {
      const options: QuantizeOptions = { bits, block: 32 };
      const [K, N] = [96, 5];
      const w = randomMatrix(K * N, bits); // [K, N]
      const q = quantize(w, K, N, 'kn', options);
      assert.equal(q.blob.length, (N * K * bits) / 8);
      assert.equal(q.scales.length, N * (K / 32));
      const decoded = dequantize(q, K, N, 'kn', options);
      for (let k = 0; k < K; k++) {
        for (let n = 0; n < N; n++) {
          const scale = q.scales[n * (K / 32) + Math.floor(k / 32)];
          assert.ok(Math.abs(decoded[k * N + n] - w[k * N + n]) <= (scale / 2) * (1 + 1e-6), `W[${k}, ${n}]`);
        }
      }
      const transposed = new Float32Array(K * N).map((_, i) => w[(i % K) * N + Math.floor(i / K)]); // [N, K]
      assert.deepEqual(quantize(transposed, K, N, 'nk', options), q, 'the [N, K] layout gives the same B and scales');
      assert.ok(decoded.some((value, i) => value !== w[i]), 'it did round something');
    });
  }

  it('8 bits: B is [N, K / block, block] with zero point 128 and scale = max |w| of the block / 127', function () {
    // W [K = 32, N = 2]: column 0 is 0, 1, …, 31 over 31 · 2 (scale 2 / 127), column 1 is −1 everywhere.
    const K = 32;
    const w = new Float32Array(K * 2);
    for (let k = 0; k < K; k++) [w[2 * k], w[2 * k + 1]] = [(k / 31) * 2, -1];
    const { blob, scales } = quantize(w, K, 2, 'kn', { bits: 8, block: 32 });
    assert.deepEqual([...scales], [Math.fround(2 / 127), Math.fround(1 / 127)]);
    assert.equal(blob[0], 128); // 0 → the zero point
    assert.equal(blob[31], 128 + 127); // the largest → zero + 127
    assert.equal(blob[16], 128 + Math.round((16 / 31) * 127));
    assert.deepEqual([...blob.subarray(32)], new Array(32).fill(1)); // −1 = −127 · scale: the second column's block
  });

  it('4 bits: two codes per byte, the first in the low nibble, zero point 8', function () {
    const w = Float32Array.from({ length: 32 }, (_, k) => (k === 0 ? 7 : k === 1 ? -7 : 0)); // [K = 32, N = 1]
    const { blob, scales } = quantize(w, 32, 1, 'kn', { bits: 4, block: 32 });
    assert.deepEqual([...scales], [1]);
    assert.equal(blob.length, 16);
    assert.equal(blob[0], 15 | (1 << 4));
    assert.deepEqual([...blob.subarray(1)], new Array(15).fill(8 | (8 << 4)));
  });

  it('an all-zero block decodes to exact zeros (scale 1, every code the zero point)', function () {
    const w = new Float32Array(64); // [K = 64, N = 1]: two blocks
    w[40] = 3;
    const q = quantize(w, 64, 1, 'kn', { bits: 8, block: 32 });
    assert.equal(q.scales[0], 1);
    assert.ok(q.blob.subarray(0, 32).every((code) => code === 128));
    const decoded = dequantize(q, 64, 1, 'kn', { bits: 8, block: 32 });
    assert.ok(decoded.every((value, i) => (i === 40 ? Math.abs(value - 3) < 1e-6 : value === 0)));
  });

  it('gives exactly the codes and scales of the blockwise scheme written plainly, in both layouts and widths', function () {
    // The reference: each (column, block) gathered one weight at a time, scale = fround(max |w| / (zero − 1))
    // (1 if all zero), q = min(floor(w / scale + zero + 0.5), 2 · zero − 1), in doubles — what the quantizer
    // computed before it was made fast. The 8-bit cache and the models' numbers rest on these bytes not moving.
    const [K, N] = [128, 24];
    const w = randomMatrix(K * N, 5).map((value, i) => (i % 97 === 0 ? 0 : i % 13 === 0 ? value * 1e-3 : value)); // [K, N]
    w.fill(0, 0, N * 32); // whole all-zero blocks (the first block row)
    for (const bits of [8, 4] as const) {
      const zero = 2 ** (bits - 1);
      const codes: number[] = [];
      const scales: number[] = [];
      for (let n = 0; n < N; n++) {
        for (let b = 0; b < K / 32; b++) {
          const block = Array.from({ length: 32 }, (_, i) => w[(b * 32 + i) * N + n]);
          const scale = Math.fround(Math.max(...block.map(Math.abs)) / (zero - 1)) || 1;
          scales.push(scale);
          for (const value of block) codes.push(Math.min(Math.floor(value / scale + zero + 0.5), 2 * zero - 1));
        }
      }
      const blob = bits === 8 ? codes : codes.filter((_, i) => i % 2 === 0).map((low, i) => low | (codes[2 * i + 1] << 4));
      const transposed = new Float32Array(K * N).map((_, i) => w[(i % K) * N + Math.floor(i / K)]); // [N, K]
      for (const [layout, values] of [['kn', w], ['nk', transposed]] as const) {
        const q = quantize(values, K, N, layout, { bits, block: 32 });
        assert.deepEqual([...q.blob], blob, `${bits} bits, ${layout}: B`);
        assert.deepEqual([...q.scales], scales, `${bits} bits, ${layout}: scales`);
      }
    }
  });

  it('refuses a K that is not a multiple of the block, a wrong length and bad options', function () {
    assert.throws(() => quantize(new Float32Array(48), 48, 1, 'kn', { bits: 8, block: 32 }), /K = 48 is not a positive multiple of the block 32/);
    assert.throws(() => quantize(new Float32Array(63), 32, 2, 'kn', { bits: 8, block: 32 }), /63 values are not a 32 × 2 matrix/);
    assert.throws(() => quantize(new Float32Array(48), 48, 1, 'kn', { bits: 8, block: 24 }), /block 24 is not a power of two/);
    assert.throws(() => quantize(new Float32Array(32), 32, 1, 'kn', { bits: 2 as 8, block: 32 }), /2 bits/);
  });
});
