// Pearson's chi-square goodness-of-fit test, for checking that draws follow a distribution.

/** The statistic and its critical value at significance `alpha` for counts against probabilities. */
export interface ChiSquare {
  statistic: number;
  critical: number;
  degrees: number;
}

const Z: Record<number, number> = { 0.01: 2.3263, 0.001: 3.0902 }; // upper standard normal quantiles

/**
 * Bins are the given ids plus one for everything else, so tokens too rare to count on are pooled
 * rather than dropped; when that rest expects fewer than 5 draws it joins the last bin instead.
 * Every bin must expect at least 5 draws (the test's usual condition).
 */
export function chiSquare(counts: Map<number, number>, probs: Map<number, number>, total: number, alpha = 0.001): ChiSquare {
  const bins = [...probs].map(([id, prob]) => ({ observed: counts.get(id) ?? 0, expected: prob * total }));
  const rest = { observed: total - sum(bins.map((b) => b.observed)), expected: total - sum(bins.map((b) => b.expected)) };
  if (rest.expected >= 5) bins.push(rest);
  else {
    bins[bins.length - 1].observed += rest.observed;
    bins[bins.length - 1].expected += rest.expected;
  }
  const small = bins.find((bin) => bin.expected < 5);
  if (small) throw new Error(`a bin expects only ${small.expected.toFixed(2)} draws: pool more`);
  const statistic = sum(bins.map(({ observed, expected }) => (observed - expected) ** 2 / expected));
  const degrees = bins.length - 1;
  return { statistic, critical: chiSquareQuantile(degrees, alpha), degrees };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** The (1 - alpha) quantile of chi-square with k degrees of freedom (Wilson–Hilferty; good to ~1% for k ≥ 3). */
export function chiSquareQuantile(k: number, alpha: number): number {
  const z = Z[alpha];
  if (z === undefined) throw new Error(`no normal quantile stored for alpha ${alpha}`);
  const a = 2 / (9 * k);
  return k * (1 - a + z * Math.sqrt(a)) ** 3;
}
