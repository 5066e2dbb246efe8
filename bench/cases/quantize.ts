// Blockwise symmetric weight quantization in the layout of ORT's com.microsoft MatMulNBits: B is
// [N, K / block, block · bits / 8] bytes (each output column's K weights in blocks, low nibble
// first for 4 bits), one float scale per (column, block), and the default zero point 2^(bits-1).
export interface Quantized {
  blob: Uint8Array; // [N, blocks, block · bits / 8]
  scales: Float32Array; // [N, blocks]
}

export interface QuantizeOptions {
  bits: 4 | 8;
  block: number; // power of two ≥ 16, dividing K
}

/** `weightAt(k, n)` reads W[k, n] of a K × N matrix (its storage order is the caller's business). */
export function quantizeColumns(weightAt: (k: number, n: number) => number, K: number, N: number, { bits, block }: QuantizeOptions): Quantized {
  if (K % block !== 0) throw new Error(`quantize: K = ${K} is not a multiple of the block ${block}`);
  const blocks = K / block;
  const bytesPerBlock = (block * bits) / 8;
  const zero = 2 ** (bits - 1);
  const blob = new Uint8Array(N * blocks * bytesPerBlock);
  const scales = new Float32Array(N * blocks);
  const column = new Float32Array(block);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < blocks; b++) {
      let largest = 0;
      for (let i = 0; i < block; i++) largest = Math.max(largest, Math.abs((column[i] = weightAt(b * block + i, n))));
      const scale = largest / (zero - 1) || 1;
      scales[n * blocks + b] = scale;
      const at = (n * blocks + b) * bytesPerBlock;
      for (let i = 0; i < block; i++) {
        const q = Math.min(2 * zero - 1, Math.max(0, Math.round(column[i] / scale) + zero));
        if (bits === 8) blob[at + i] = q;
        else blob[at + (i >> 1)] |= i % 2 === 0 ? q : q << 4;
      }
    }
  }
  return { blob, scales };
}

/** What the quantized weights decode to, back in the K × N layout: W'[k, n]. */
export function dequantizeColumns({ blob, scales }: Quantized, K: number, { bits, block }: QuantizeOptions): (k: number, n: number) => number {
  const blocks = K / block;
  const bytesPerBlock = (block * bits) / 8;
  const zero = 2 ** (bits - 1);
  return (k, n) => {
    const b = Math.floor(k / block);
    const i = k % block;
    const byte = blob[(n * blocks + b) * bytesPerBlock + (bits === 8 ? i : i >> 1)];
    const q = bits === 8 ? byte : i % 2 === 0 ? byte & 15 : byte >> 4;
    return (q - zero) * scales[n * blocks + b];
  };
}
