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

/**
 * Quantizes the K × N matrix `w`, stored as `layout` says. Written for speed (gpt2-xl is 1.5 G weights):
 * memory read in order, no allocation per block, no branches on the values but the clamp, and rounding as
 * the truncation of a positive number (Math.round is several times slower here). Measured on a 1280 × 5120
 * matrix: 81 ms [K, N] and 52 ms [N, K], against 96 and 73 gathering each column's block first.
 */
export function quantize(w: Float32Array, K: number, N: number, layout: MatrixLayout, options: QuantizeOptions): Quantized {
  checkShape(w.length, K, N, options);
  const { bits, block } = options;
  const codes = new Uint8Array(N * K); // one per weight, in B's order
  const scales = new Float32Array(N * (K / block));
  (layout === 'nk' ? quantizeColumns : quantizeRows)(w, K, N, block, 2 ** (bits - 1), codes, scales);
  return { blob: bits === 8 ? codes : packNibbles(codes), scales };
}

// Both give each block scale = fround(max |w| / (zero − 1)) (1 for an all-zero block: any scale decodes it
// to 0) and each weight q = round(w / scale) + zero, in 1 .. 2 · zero − 1, in double precision as JS computes.

/** W [N, K]: each column's K weights are contiguous, and so are its blocks in B. */
function quantizeColumns(w: Float32Array, K: number, N: number, block: number, zero: number, codes: Uint8Array, scales: Float32Array): void {
  const top = 2 * zero - 1;
  for (let from = 0, s = 0; from < N * K; from += block, s++) {
    const to = from + block;
    let largest = 0;
    for (let i = from; i < to; i++) {
      const size = Math.abs(w[i]);
      largest = size > largest ? size : largest;
    }
    const scale = Math.fround(largest / (zero - 1)) || 1;
    scales[s] = scale;
    for (let i = from; i < to; i++) {
      const q = (w[i] / scale + zero + 0.5) | 0;
      codes[i] = q > top ? top : q;
    }
  }
}

/** W [K, N], row-major: one block row (`block` rows of N) at a time, read row by row; column n's codes land at n · K. */
function quantizeRows(w: Float32Array, K: number, N: number, block: number, zero: number, codes: Uint8Array, scales: Float32Array): void {
  const top = 2 * zero - 1;
  const blocks = K / block;
  const largest = new Float64Array(N);
  const scale = new Float64Array(N);
  for (let b = 0; b < blocks; b++) {
    largest.fill(0);
    for (let k = b * block; k < (b + 1) * block; k++) {
      for (let n = 0, i = k * N; n < N; n++, i++) {
        const size = Math.abs(w[i]);
        if (size > largest[n]) largest[n] = size;
      }
    }
    for (let n = 0; n < N; n++) scales[n * blocks + b] = scale[n] = Math.fround(largest[n] / (zero - 1)) || 1;
    for (let k = b * block; k < (b + 1) * block; k++) {
      for (let n = 0, i = k * N, at = k; n < N; n++, i++, at += K) {
        const q = (w[i] / scale[n] + zero + 0.5) | 0;
        codes[at] = q > top ? top : q;
      }
    }
  }
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
