// "Token Positions Across Layers": one 2D frame for every token at every layer, so the dots move
// continuously as the slider moves. The frame is a PCA fitted once on all (L+1)·T residual vectors
// of the prompt; tokens generated later are projected onto the same axes, so Step never moves the
// dots already drawn. A new prompt gets a new fit.
import { dot, principalAxes } from './pca';

// Beyond this many rows the fit uses evenly spaced ones (a 1,024-token prompt has 13,312). The fit's
// cost grows with rows² · d (the Gram matrix, pca.ts): with at most 256, a 64-token Analyze spent
// 37–48 ms fitting on 208 rows (119 now). On the full-size bench model, for prompts of 64, 256 and 1,024
// tokens, the coordinates of every row in a 128-row fit correlate ≥ 0.99 with those of a fit on all
// rows (x ≥ 0.999, y ≥ 0.986; 256 rows: ≥ 0.91 at 64 tokens, ≥ 0.996 at the others).
const MAX_FIT_ROWS = 128;

export class ProjectionFrame {
  // project(v) = axis_k · standardise(normalise(v)), rewritten so one pass over v, with no copy of it,
  // gives both coordinates (every token at every layer is projected: 13,312 vectors for 1,024 tokens):
  // with n = (v − m)/r, m and r v's own mean and root mean square, and x = (n − mean)/scale,
  //   axis_k · x = (Σ v_i·w_ki − m·Σ w_ki) / r − Σ mean_i·w_ki,   w_ki = axis_ki / scale_i.
  private readonly weights: Float64Array[]; // 2 × [d]: w_k
  private readonly sums: number[]; // Σ_i w_ki
  private readonly offsets: number[]; // Σ_i mean_i · w_ki

  private constructor(mean: Float64Array, scale: Float64Array, axes: Float64Array[]) {
    this.weights = axes.map((axis) => axis.map((a, i) => a / scale[i]));
    this.sums = this.weights.map((w) => w.reduce((sum, x) => sum + x, 0));
    this.offsets = this.weights.map((w) => dot(mean, w));
  }

  /** Fits the frame on `rows` (each a residual vector [d]). */
  static fit(rows: ArrayLike<number>[], d: number): ProjectionFrame {
    const chosen = everyNth(rows, Math.ceil(rows.length / MAX_FIT_ROWS));
    const fitted = new Float64Array(chosen.length * d); // the fit rows in one array [n, d], normalised, then standardised in place
    chosen.forEach((row, r) => normaliseInto(row, fitted.subarray(r * d, (r + 1) * d)));
    const { mean, scale } = dimensionStats(fitted, chosen.length, d);
    standardise(fitted, mean, scale);
    return new ProjectionFrame(mean, scale, principalAxes(fitted, chosen.length, d, 2));
  }

  /** The 2D position of one residual vector [d]. */
  project(vector: ArrayLike<number>): [number, number] {
    const [w0, w1] = this.weights;
    const d = vector.length;
    let sum = 0;
    let square = 0;
    let along0 = 0;
    let along1 = 0;
    for (let i = 0; i < d; i++) {
      const v = vector[i];
      sum += v;
      square += v * v;
      along0 += v * w0[i];
      along1 += v * w1[i];
    }
    const mean = sum / d;
    const rms = Math.sqrt(Math.max(square / d - mean * mean, 0)) || 1; // float64 sums of float32 values: no cancellation to fear at the residual stream's mean/spread
    return [(along0 - mean * this.sums[0]) / rms - this.offsets[0], (along1 - mean * this.sums[1]) / rms - this.offsets[1]];
  }
}

/**
 * Each vector's own mean removed and divided by its root mean square (ln_f without its weights):
 * the residual stream's norm grows a lot with depth and a few positions carry huge values, and
 * unscaled they would be all the PCA sees.
 */
export function normalise(vector: ArrayLike<number>): Float64Array {
  return normaliseInto(vector, new Float64Array(vector.length));
}

/** normalise(vector), written into `out` [d]. */
function normaliseInto(vector: ArrayLike<number>, out: Float64Array): Float64Array {
  const d = vector.length;
  let mean = 0;
  for (let i = 0; i < d; i++) mean += vector[i];
  mean /= d;
  let square = 0;
  for (let i = 0; i < d; i++) square += (vector[i] - mean) ** 2;
  const rms = Math.sqrt(square / d) || 1;
  for (let i = 0; i < d; i++) out[i] = (vector[i] - mean) / rms; // plain loops here and below: Float64Array.from/map with a callback cost ≈ 5× more
  return out;
}

/**
 * Per dimension: the mean over the n fit rows ([n, d]), and a divisor sqrt(variance + median variance).
 * GPT-2 has a few dimensions far larger than the rest (engine-facts.md); this shrinks them to
 * about the others' size without blowing up the near-constant ones. The median, unlike the
 * mean, is not itself dominated by the few huge dimensions.
 */
function dimensionStats(rows: Float64Array, n: number, d: number): { mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) mean[i] += rows[r * d + i] / n;
  const variance = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) variance[i] += (rows[r * d + i] - mean[i]) ** 2 / n;
  const median = Float64Array.from(variance).sort()[Math.floor(d / 2)];
  const scale = variance.map((v) => Math.sqrt(v + median) || 1);
  return { mean, scale };
}

/** Every row of [n, d] standardised in place: (x − mean) / scale per dimension. */
function standardise(rows: Float64Array, mean: Float64Array, scale: Float64Array): void {
  const d = mean.length;
  for (let start = 0; start < rows.length; start += d) for (let i = 0; i < d; i++) rows[start + i] = (rows[start + i] - mean[i]) / scale[i];
}

function everyNth<T>(items: T[], step: number): T[] {
  return step <= 1 ? items : items.filter((_, i) => i % step === 0);
}
