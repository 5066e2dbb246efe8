// The engine hands out tensors as flat row-major arrays ([L+1, T, d] hidden states, [L+1, V] lens
// logits …); this is how a reader takes one row of them.

/** Row `index` of a row-major [rows, width] matrix, as a view (no copy). */
export function row(matrix: Float32Array, index: number, width: number): Float32Array {
  return matrix.subarray(index * width, (index + 1) * width);
}
