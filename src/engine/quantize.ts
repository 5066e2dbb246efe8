// Blockwise symmetric weight quantization in the layout of ORT's com.microsoft MatMulNBits, for
// y = x · W with W a K × N matrix: B is [N, K / block, block · bits / 8] bytes (each output column's
// K weights in blocks of `block`, low nibble first for 4 bits), one float scale per (column, block),
// and the default zero point 2^(bits-1). A weight w becomes q = round(w / scale) + zero with
// scale = max |w| over its block / (zero - 1), so it decodes to (q - zero) · scale within scale / 2.

export interface Quantized {
  blob: Uint8Array; // [N, blocks, block · bits / 8]
  scales: Float32Array; // [N, blocks]
}

export interface QuantizeOptions {
  bits: 4 | 8;
  block: number; // power of two ≥ 16, dividing K
}

/**
 * How W is stored: 'kn' is [K, N] row-major (Hugging Face's Conv1D weights, [in, out]); 'nk' is
 * [N, K], one output column per row (the tied unembedding's wte [V, d]).
 */
export type MatrixLayout = 'kn' | 'nk';

/** Quantizes the K × N matrix `w`, stored as `layout` says. */
export function quantize(w: Float32Array, K: number, N: number, layout: MatrixLayout, options: QuantizeOptions): Quantized {
  checkShape(w.length, K, N, options);
  const { bits, block } = options;
  const blocks = K / block;
  const codes = new Uint8Array(N * K); // one per weight, in B's order
  const scales = new Float32Array(N * blocks);
  const column = new Float32Array(block); // one block of one column of a [K, N] matrix
  // In the cache's order: [N, K] column by column; [K, N] block row by block row (its 32 rows stay cached).
  const nk = layout === 'nk';
  for (let outer = 0; outer < (nk ? N : blocks); outer++) {
    for (let inner = 0; inner < (nk ? blocks : N); inner++) {
      const n = nk ? outer : inner;
      const b = nk ? inner : outer;
      if (!nk) for (let i = 0, at = b * block * N + n; i < block; i++, at += N) column[i] = w[at];
      const at = (n * blocks + b) * block;
      scales[n * blocks + b] = quantizeBlock(nk ? w : column, nk ? n * K + b * block : 0, block, codes, at, 2 ** (bits - 1));
    }
  }
  return { blob: bits === 8 ? codes : packNibbles(codes), scales };
}

/**
 * Quantizes values[from .. from + block) into codes[at ..] and returns their scale. Written for speed (a full GPT-2 is 124 M
 * weights, quantized at every load): no branches on the values, and rounding as a truncation of a
 * positive number (Math.round is several times slower here).
 */
function quantizeBlock(values: Float32Array, from: number, block: number, codes: Uint8Array, at: number, zero: number): number {
  let largest = 0;
  const to = from + block;
  for (let i = from; i < to; i++) {
    const size = Math.abs(values[i]);
    largest = size > largest ? size : largest;
  }
  const scale = Math.fround(largest / (zero - 1)) || 1; // an all-zero block: any scale decodes to 0
  for (let i = 0; i < block; i++) {
    const q = (values[from + i] / scale + zero + 0.5) | 0; // round(w / scale) + zero, in 1 .. 2 · zero - 1
    codes[at + i] = q > 2 * zero - 1 ? 2 * zero - 1 : q;
  }
  return scale;
}

/** What the quantized weights decode to, as a K × N matrix stored as `layout` says. */
export function dequantize({ blob, scales }: Quantized, K: number, N: number, layout: MatrixLayout, options: QuantizeOptions): Float32Array {
  checkShape(K * N, K, N, options);
  const { bits, block } = options;
  const blocks = K / block;
  const zero = 2 ** (bits - 1);
  const out = new Float32Array(K * N);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      const at = n * blocks + Math.floor(k / block); // the block
      const i = k % block;
      const byte = blob[(at * block * bits) / 8 + (bits === 8 ? i : i >> 1)];
      const q = bits === 8 ? byte : i % 2 === 0 ? byte & 15 : byte >> 4;
      out[layout === 'nk' ? n * K + k : k * N + n] = (q - zero) * scales[at];
    }
  }
  return out;
}

function checkShape(length: number, K: number, N: number, { bits, block }: QuantizeOptions): void {
  if (bits !== 4 && bits !== 8) throw new Error(`quantize: ${bits} bits; only 4 or 8`);
  if (!Number.isInteger(block) || block < 16 || (block & (block - 1)) !== 0) throw new Error(`quantize: block ${block} is not a power of two ≥ 16`);
  if (!Number.isInteger(K) || K <= 0 || K % block !== 0) throw new Error(`quantize: K = ${K} is not a positive multiple of the block ${block}`);
  if (!Number.isInteger(N) || N <= 0 || length !== K * N) throw new Error(`quantize: ${length} values are not a ${K} × ${N} matrix`);
}

/** Two 4-bit codes per byte, the first in the low nibble. */
function packNibbles(codes: Uint8Array): Uint8Array {
  const packed = new Uint8Array(codes.length / 2);
  for (let i = 0; i < packed.length; i++) packed[i] = codes[2 * i] | (codes[2 * i + 1] << 4);
  return packed;
}
