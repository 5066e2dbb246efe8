// What hovering a token shows (Markdown): its id, the probability and rank the model gave it from the
// text before it, the model's top 5 there, and the first layer whose logit lens ranks it first. Plain
// strings, so it is tested without VS Code; the decorations wrap it in a MarkdownString.
import { surpriseBits, type ScoredToken, type SurpriseSummary } from '../../protocol/surprise';
import { bucketOf } from './buckets';

/** What the hover needs besides the token: the model's last layer and the chunking of the text. */
export interface HoverContext {
  layers: number; // L: hidden states are 0 (embeddings) … L
  overlap: number; // tokens a later chunk re-reads before its first one
  first: boolean; // the text's first token
}

/** Markdown's special characters escaped, so a token's text shows as it is. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, '\\$&');
}

/** A token's text quoted (its leading space and control characters show), safe in Markdown. */
const shown = (text: string) => escapeMarkdown(JSON.stringify(text));

export function percent(prob: number): string {
  if (prob >= 0.001) return `${(prob * 100).toFixed(prob >= 0.1 ? 1 : 2)}%`;
  return prob.toExponential(1); // a random or surprised model gives 1e-7s: a percentage would say 0.00%
}

/**
 * The index of the token whose range holds `offset` (UTF-16, in the scored text), or -1. Binary search:
 * the hover asks on every mouse move, over up to 200,000 characters of tokens. The ranges tile the text
 * (a character split over byte tokens belongs to the last of them; the others have empty ranges).
 */
export function tokenAt(tokens: readonly Pick<ScoredToken, 'start' | 'end'>[], offset: number): number {
  let low = 0;
  let high = tokens.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if (tokens[mid].end <= offset) low = mid + 1;
    else if (tokens[mid].start > offset) high = mid - 1;
    else return mid;
  }
  return -1;
}

export function hoverMarkdown(token: ScoredToken, context: HoverContext): string {
  const lines = [`**${shown(token.text)}** · token id ${token.id}`, ''];
  if (token.logprob === null || token.rank === null) {
    lines.push('The first token of the text: nothing comes before it, so the model gave it no probability.');
    return lines.join('\n');
  }
  const prob = Math.exp(token.logprob);
  const bits = surpriseBits(token.logprob);
  lines.push(`Probability **${percent(prob)}** given the text before it (surprise ${bits.toFixed(2)} bits) · rank **${token.rank.toLocaleString('en-US')}**, ${bucketOf(token.rank)!.label}`, '');
  lines.push(
    token.lensLayer === undefined
      ? 'Logit lens: not read (the text changed, or another hover came first): hover again.'
      : token.lensLayer === null
      ? `Logit lens: no layer ranks it first (layers 0–${context.layers}).`
      : `Logit lens: first ranked first at layer **${token.lensLayer}** of 0–${context.layers}${token.lensLayer === 0 ? ' (the embeddings)' : ''}.`,
    '',
  );
  if (token.chunkStart && !context.first) {
    lines.push(`A new chunk starts here: the text is longer than the model's context, so this token is scored from the ${context.overlap} tokens before it only.`, '');
  }
  lines.push("| the model's top 5 here | id | probability |", '| --- | ---: | ---: |');
  for (const candidate of token.top) lines.push(`| ${shown(candidate.text)}${candidate.id === token.id ? ' ✓' : ''} | ${candidate.id} | ${percent(candidate.prob)} |`);
  return lines.join('\n');
}

/** The CodeLens above the scored text: tokens, mean surprise in bits, the most surprising token. */
export function summaryLens({ tokens, meanBits, most }: SurpriseSummary): string {
  const count = `${tokens.toLocaleString('en-US')} token${tokens === 1 ? '' : 's'}`;
  if (meanBits === null || most === null) return `GPT-2 surprise: ${count}, nothing before the first to score it from`;
  return `GPT-2 surprise: ${count} · mean ${meanBits.toFixed(2)} bits/token · most surprising ${JSON.stringify(most.text)} (${most.bits.toFixed(2)} bits, rank ${most.rank.toLocaleString('en-US')})`;
}

/** The status bar's line while the surprise is shown, and its tooltip. */
export function summaryText({ tokens, scored, meanBits, most }: SurpriseSummary): { text: string; tooltip: string } {
  const count = `${tokens.toLocaleString('en-US')} token${tokens === 1 ? '' : 's'}`;
  if (meanBits === null || most === null) return { text: `$(pulse) Surprise: ${count}`, tooltip: 'GPT-2 Token Surprise: one token, nothing before it to score it from. Click to hide.' };
  return {
    text: `$(pulse) Surprise: ${meanBits.toFixed(2)} bits/token`,
    tooltip: `GPT-2 Token Surprise: ${count}, ${scored.toLocaleString('en-US')} scored; mean surprise ${meanBits.toFixed(2)} bits per token; the most surprising is ${JSON.stringify(most.text)} (token ${most.index}, ${most.bits.toFixed(2)} bits, rank ${most.rank.toLocaleString('en-US')}). Click to hide.`,
  };
}
