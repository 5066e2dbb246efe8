// The readable form of `analyze` (without --json): three small tables.
import type { Analysis, Ranked } from './analysis';
import { percent, quote } from './format';

const LENS_TOP = 3; // the lens table shows this many per layer, to stay one line wide

export function formatAnalysis(analysis: Analysis, temperature: number): string {
  const lines: string[] = [];
  lines.push(`Tokens (${analysis.tokens.length})`);
  lines.push(`  ${'#'.padStart(4)}  ${'id'.padStart(6)}  ${'text'.padEnd(18)}  chars`);
  analysis.tokens.forEach((token, i) => {
    lines.push(`  ${String(i).padStart(4)}  ${String(token.id).padStart(6)}  ${quote(token.text).padEnd(18)}  ${token.start}–${token.end}`);
  });
  lines.push('', `Next token (temperature ${temperature})`);
  analysis.next.forEach((candidate, i) => {
    lines.push(`  ${String(i + 1).padStart(4)}. ${quote(candidate.text).padEnd(18)} ${String(candidate.id).padStart(6)}  ${percent(candidate.prob)}`);
  });
  lines.push('', `Logit lens at the last token (top ${LENS_TOP} per layer; layer 0 = embeddings)`);
  for (const { layer, top } of analysis.lens) {
    lines.push(`  layer ${String(layer).padStart(2)}  ${top.slice(0, LENS_TOP).map(cell).join('  ')}`);
  }
  return lines.join('\n') + '\n';
}

function cell(candidate: Ranked): string {
  return `${quote(candidate.text).padEnd(16)}${percent(candidate.prob)}`;
}
