// Token ids for timed passes. Speed does not depend on which ids run, only on how many, so these
// are a fixed spread over the vocabulary rather than tokenized text.
export function promptIds(length: number, vocab = 50257): number[] {
  return Array.from({ length }, (_, i) => (464 + i * 7919) % vocab);
}

export const NEXT_ID = 13; // "." — the one new token of a timed step
