// "Token Positions Across Layers": one 2D frame for every token at every layer, so the dots move
// continuously as the slider moves. The frame is a PCA fitted once on all (L+1)·T residual vectors
// of the prompt; tokens generated later are projected onto the same axes, so Step never moves the
// dots already drawn. A new prompt gets a new fit.
import { dot, principalDirections } from './pca';

// Beyond this many rows the fit uses evenly spaced ones (a 1,024-token prompt has 13,312). The fit's
// cost grows with rows² · d; on a full-size model 256 rows gave axes whose coordinates correlate
// ≥ 0.995 with a 1,024-row fit's, in 60–90 ms instead of 0.35–1 s for prompts of 40–300 tokens.
const MAX_FIT_ROWS = 256;

export class ProjectionFrame {
  private constructor(
    private readonly mean: Float64Array, // [d] of the normalised fit rows
    private readonly scale: Float64Array, // [d] per-dimension divisor
    private readonly axes: Float64Array[], // 2 × [d] unit directions
  ) {}

  /** Fits the frame on `rows` (each a residual vector [d]). */
  static fit(rows: ArrayLike<number>[], d: number): ProjectionFrame {
    const normalised = everyNth(rows, Math.ceil(rows.length / MAX_FIT_ROWS)).map(normalise);
    const { mean, scale } = dimensionStats(normalised, d);
    const standardised = normalised.map((x) => standardise(x, mean, scale));
    return new ProjectionFrame(mean, scale, principalDirections(standardised, d, 2));
  }

  /** The 2D position of one residual vector [d]. */
  project(vector: ArrayLike<number>): [number, number] {
    const x = standardise(normalise(vector), this.mean, this.scale);
    return [dot(x, this.axes[0]), dot(x, this.axes[1])];
  }
}

/**
 * Each vector's own mean removed and divided by its root mean square (ln_f without its weights):
 * the residual stream's norm grows a lot with depth and a few positions carry huge values, and
 * unscaled they would be all the PCA sees.
 */
export function normalise(vector: ArrayLike<number>): Float64Array {
  const d = vector.length;
  let mean = 0;
  for (let i = 0; i < d; i++) mean += vector[i];
  mean /= d;
  let square = 0;
  for (let i = 0; i < d; i++) square += (vector[i] - mean) ** 2;
  const rms = Math.sqrt(square / d) || 1;
  const out = new Float64Array(d); // plain loops here and below: Float64Array.from/map with a callback cost ≈ 5× more
  for (let i = 0; i < d; i++) out[i] = (vector[i] - mean) / rms;
  return out;
}

/**
 * Per dimension: the mean over the fit rows, and a divisor sqrt(variance + median variance).
 * GPT-2 has a few dimensions far larger than the rest (engine-facts.md); this shrinks them to
 * about the others' size without blowing up the near-constant ones. The median, unlike the
 * mean, is not itself dominated by the few huge dimensions.
 */
function dimensionStats(rows: Float64Array[], d: number): { mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(d);
  for (const x of rows) for (let i = 0; i < d; i++) mean[i] += x[i] / rows.length;
  const variance = new Float64Array(d);
  for (const x of rows) for (let i = 0; i < d; i++) variance[i] += (x[i] - mean[i]) ** 2 / rows.length;
  const median = Float64Array.from(variance).sort()[Math.floor(d / 2)];
  const scale = variance.map((v) => Math.sqrt(v + median) || 1);
  return { mean, scale };
}

function standardise(x: Float64Array, mean: Float64Array, scale: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i] - mean[i]) / scale[i];
  return out;
}

function everyNth<T>(items: T[], step: number): T[] {
  return step <= 1 ? items : items.filter((_, i) => i % step === 0);
}
