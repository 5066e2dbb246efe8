// The leading principal directions of a set of centred rows, by subspace iteration in plain
// TypeScript (no library: ml-pca's full SVD is ≈ 20× slower for the 13·T × 768 matrices we fit).
// Deterministic: fixed start vectors, and each direction's sign set so its largest loading is positive.
// The rows are one flat array [n, d] (row r at r·d): the hot loops below read it by plain index
// arithmetic, which V8 ran faster than the same loops over an array of row arrays (measured).
import { SeededRandom } from '../engine/random';

const GUARD = 2; // extra directions iterated alongside, so the wanted ones converge faster
const POWER_STEPS = 4; // multiplications between two Rayleigh–Ritz rotations
const MAX_ROUNDS = 150;
const TOLERANCE = 1e-8; // on 1 - cos² of the angle between a direction and the previous round's span: ≈ 1e-4 rad, far below a pixel

/** `count` unit directions [d] of largest variance of `rows` (n rows of width d, already centred). */
export function principalDirections(rows: Float64Array[], d: number, count: number): Float64Array[] {
  const flat = new Float64Array(rows.length * d);
  rows.forEach((row, r) => flat.set(row, r * d));
  return principalAxes(flat, rows.length, d, count);
}

/** principalDirections of the n rows of width d held in one flat array [n, d]. */
export function principalAxes(rows: Float64Array, n: number, d: number, count: number): Float64Array[] {
  // Work in the smaller of the two spaces: the n×n Gram matrix X·Xᵀ of the rows, or the d×d
  // scatter matrix Xᵀ·X, which is the Gram matrix of the columns.
  const byRows = n <= d;
  const gram = byRows ? gramMatrix(rows, n, d) : gramMatrix(transpose(rows, n, d), d, n);
  const eigen = topEigenvectors(gram, byRows ? n : d, count);
  const directions = eigen.map((u) => (byRows ? unit(combineRows(rows, u, n, d)) : u));
  while (directions.length < count) directions.push(new Float64Array(d)); // fewer rows than directions: the rest stay 0
  return directions.map(fixSign);
}

/**
 * m rows of width w (flat [m, w]) → their Gram matrix [m, m], symmetric, entry (i, j) = vᵢ·vⱼ as one
 * running sum over the width. Blocks of four rows by two: each value loaded serves two or four
 * products, and eight independent sums keep the multipliers busy. The Gram matrix is most of a fit's
 * time (measured, 78 rows of 768, the 12-token prompt's fit: four rows against one 2.6 ms, this 1.3).
 */
function gramMatrix(rows: Float64Array, m: number, w: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i += 4) {
    // Past the last row a block repeats it: the same entries, computed twice.
    const [i1, i2, i3] = [Math.min(i + 1, m - 1), Math.min(i + 2, m - 1), Math.min(i + 3, m - 1)];
    const [a0, a1, a2, a3] = [i * w, i1 * w, i2 * w, i3 * w];
    for (let j = 0; j <= i3; j += 2) {
      const j1 = Math.min(j + 1, m - 1);
      const [b0, b1] = [j * w, j1 * w];
      let s00 = 0;
      let s10 = 0;
      let s20 = 0;
      let s30 = 0;
      let s01 = 0;
      let s11 = 0;
      let s21 = 0;
      let s31 = 0;
      for (let x = 0; x < w; x++) {
        const u = rows[b0 + x];
        const v = rows[b1 + x];
        const c0 = rows[a0 + x];
        const c1 = rows[a1 + x];
        const c2 = rows[a2 + x];
        const c3 = rows[a3 + x];
        s00 += c0 * u;
        s10 += c1 * u;
        s20 += c2 * u;
        s30 += c3 * u;
        s01 += c0 * v;
        s11 += c1 * v;
        s21 += c2 * v;
        s31 += c3 * v;
      }
      out[i * m + j] = s00;
      out[i1 * m + j] = s10;
      out[i2 * m + j] = s20;
      out[i3 * m + j] = s30;
      out[i * m + j1] = s01;
      out[i1 * m + j1] = s11;
      out[i2 * m + j1] = s21;
      out[i3 * m + j1] = s31;
    }
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) out[j * m + i] = out[i * m + j]; // every (i, j ≤ i) was computed above
  return out;
}

/** [n, d] → [d, n]: the columns as rows. */
function transpose(rows: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n * d);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) out[i * n + r] = rows[r * d + i];
  return out;
}

/**
 * Eigenvectors of the `wanted` largest eigenvalues of a symmetric positive semi-definite [m, m]
 * matrix, largest first: subspace iteration on a block of `wanted` + GUARD vectors (multiply,
 * re-orthonormalise), with a Rayleigh–Ritz rotation every few rounds that orders the block into
 * eigenvector estimates; it stops once the wanted ones no longer move.
 */
function topEigenvectors(matrix: Float64Array, m: number, wanted: number): Float64Array[] {
  const k = Math.min(m, wanted + GUARD);
  const random = new SeededRandom(0x5eed);
  let block = orthonormalise(Array.from({ length: k }, () => Float64Array.from({ length: m }, () => random.next() - 0.5)));
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const previous = block.slice(0, wanted);
    for (let i = 0; i < POWER_STEPS; i++) block = orthonormalise(multiply(matrix, block, m));
    block = rayleighRitz(matrix, block, m);
    if (round > 0 && settled(block.slice(0, wanted), previous)) break;
  }
  return block.slice(0, Math.min(k, wanted));
}

/** True when each new vector lies in the span of the previous ones (to within TOLERANCE). */
function settled(current: Float64Array[], previous: Float64Array[]): boolean {
  return current.every((vector) => 1 - previous.reduce((sum, old) => sum + dot(vector, old) ** 2, 0) < TOLERANCE);
}

/** Rotates an orthonormal block so it holds eigenvectors of Bᵀ·A·B, largest eigenvalue first. */
function rayleighRitz(matrix: Float64Array, block: Float64Array[], m: number): Float64Array[] {
  const k = block.length;
  const images = multiply(matrix, block, m);
  const small = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) small[i * k + j] = dot(block[i], images[j]);
  const { values, vectors } = jacobiEigen(small, k);
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => values[b] - values[a]);
  return order.map((column) => {
    const out = new Float64Array(m);
    for (let i = 0; i < k; i++) for (let x = 0; x < m; x++) out[x] += vectors[i * k + column] * block[i][x];
    return out;
  });
}

/** Eigen-decomposition of a small symmetric [k, k] matrix by cyclic Jacobi rotations; vectors in columns. */
function jacobiEigen(input: Float64Array, k: number): { values: number[]; vectors: Float64Array } {
  const a = Float64Array.from(input);
  const vectors = new Float64Array(k * k);
  for (let i = 0; i < k; i++) vectors[i * k + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) off += a[p * k + q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) rotate(a, vectors, k, p, q);
  }
  return { values: Array.from({ length: k }, (_, i) => a[i * k + i]), vectors };
}

/** One Jacobi rotation that zeroes a[p][q] (and a[q][p]). */
function rotate(a: Float64Array, vectors: Float64Array, k: number, p: number, q: number): void {
  const apq = a[p * k + q];
  if (apq === 0) return;
  const theta = (a[q * k + q] - a[p * k + p]) / (2 * apq);
  const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  for (let i = 0; i < k; i++) {
    const [aip, aiq] = [a[i * k + p], a[i * k + q]];
    a[i * k + p] = c * aip - s * aiq;
    a[i * k + q] = s * aip + c * aiq;
  }
  for (let i = 0; i < k; i++) {
    const [api, aqi] = [a[p * k + i], a[q * k + i]];
    a[p * k + i] = c * api - s * aqi;
    a[q * k + i] = s * api + c * aqi;
  }
  for (let i = 0; i < k; i++) {
    const [vip, viq] = [vectors[i * k + p], vectors[i * k + q]];
    vectors[i * k + p] = c * vip - s * viq;
    vectors[i * k + q] = s * vip + c * viq;
  }
}

/** Modified Gram–Schmidt; a vector with nothing left after projection becomes 0 (rank-deficient input). */
function orthonormalise(vectors: Float64Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const vector of vectors) {
    const v = Float64Array.from(vector);
    for (const done of out) {
      const along = dot(v, done);
      for (let i = 0; i < v.length; i++) v[i] -= along * done[i];
    }
    out.push(unit(v));
  }
  return out;
}

/** Σ_i u[i] · row i of [n, d]: a Gram-space eigenvector mapped back to a direction in d-space. */
function combineRows(rows: Float64Array, u: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const [weight, start] = [u[i], i * d];
    for (let x = 0; x < d; x++) out[x] += weight * rows[start + x];
  }
  return out;
}

/**
 * The symmetric [m, m] matrix times every vector of the block: two rows of the matrix against four
 * vectors at a time, so each value loaded serves two or four products and the eight sums (each one
 * running sum over j, as for one vector alone) do not wait on one another. Measured, 78 × 78 times
 * four vectors: 36 µs one vector at a time, 17 µs so.
 */
function multiply(matrix: Float64Array, block: Float64Array[], m: number): Float64Array[] {
  const out = block.map(() => new Float64Array(m));
  const last = block.length - 1;
  for (let c = 0; c <= last; c += 4) {
    // Past the last vector (or row) a group repeats it: the same sums, computed twice.
    const [c1, c2, c3] = [Math.min(c + 1, last), Math.min(c + 2, last), Math.min(c + 3, last)];
    const [v0, v1, v2, v3] = [block[c], block[c1], block[c2], block[c3]];
    const [o0, o1, o2, o3] = [out[c], out[c1], out[c2], out[c3]];
    for (let i = 0; i < m; i += 2) {
      const i1 = Math.min(i + 1, m - 1);
      const [r0, r1] = [i * m, i1 * m];
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      for (let j = 0; j < m; j++) {
        const a = matrix[r0 + j];
        const b = matrix[r1 + j];
        const x0 = v0[j]; // plain consts: a destructured [x0, …] here ran slower (see dot())
        const x1 = v1[j];
        const x2 = v2[j];
        const x3 = v3[j];
        s0 += a * x0;
        s1 += a * x1;
        s2 += a * x2;
        s3 += a * x3;
        t0 += b * x0;
        t1 += b * x1;
        t2 += b * x2;
        t3 += b * x3;
      }
      o0[i] = s0;
      o1[i] = s1;
      o2[i] = s2;
      o3[i] = s3;
      o0[i1] = t0;
      o1[i1] = t1;
      o2[i1] = t2;
      o3[i1] = t3;
    }
  }
  return out;
}

/** v / |v|, or 0 when v is (numerically) 0. */
function unit(v: Float64Array): Float64Array {
  const norm = Math.sqrt(dot(v, v));
  if (!(norm > 1e-12)) return v.fill(0);
  for (let i = 0; i < v.length; i++) v[i] /= norm;
  return v;
}

/** Flips v so its largest-magnitude entry is positive (first one on ties). */
function fixSign(v: Float64Array): Float64Array {
  let largest = 0;
  for (let i = 1; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[largest])) largest = i;
  if (v[largest] < 0) for (let i = 0; i < v.length; i++) v[i] = -v[i];
  return v;
}

/**
 * a·b with four running sums: independent additions pipeline, ≈ 1.8× faster than one sum in V8.
 * Four plain `let`s, not `let [s0, …] = [0, …]`: the destructured form ran ≈ 3× slower (measured).
 */
export function dot(a: Float64Array, b: Float64Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = a.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < n; i++) s0 += a[i] * b[i];
  return s0 + s1 + s2 + s3;
}
