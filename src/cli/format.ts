// How the CLI's readable tables write a token and a probability.

/** A token's text, quoted so its leading space and any control characters show. */
export function quote(text: string): string {
  return JSON.stringify(text);
}

/** A probability as a right-aligned percentage, with more digits for small ones. */
export function percent(prob: number): string {
  return `${(prob * 100).toFixed(prob >= 0.1 ? 1 : 2)}%`.padStart(7);
}
