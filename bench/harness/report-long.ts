// Issue 20's section of bench/REPORT.md: the analysis beside a bare forward pass from 12 to 1,024
// tokens (bench/cases/long-prompts.ts), as a table, the three targets, and a plot (long-prompts.svg).
import { LONG_PROMPT_LENGTHS } from '../cases/long-prompts';
import { fixed } from './report-sections';
import type { Figures } from './results';

export const LONG_PROMPTS_PLOT = 'long-prompts.svg';
const RATIO_LIMIT = 1.5; // analysis ÷ bare forward, at every length; and Step at 1,000 ÷ Step at 12
const RSS_LIMIT_MB = 1.5e9 / 2 ** 20; // 1.5 GB at 1,024 tokens

const measuredLengths = (figures: Figures) => LONG_PROMPT_LENGTHS.filter((T) => `long_analysis${T}_ms_median` in figures);
const ratio = (figures: Figures, name: string) => `${figures[`${name}_median`].toFixed(2)}× [${figures[`${name}_min`].toFixed(2)}–${figures[`${name}_max`].toFixed(2)}]`;
const verdict = (met: boolean, value: number, limit: number) => (met ? 'met' : `**missed** by ${((value / limit - 1) * 100).toFixed(0)}%`);

export function longPromptsSection(figures: Figures): string {
  const lengths = measuredLengths(figures);
  if (lengths.length === 0) return '';
  const lines = [
    '## Long prompts (issue 20)',
    '',
    'Analyze as the worker answers it — ExplorerSession.create on the ids (prefill in passes of 256, the projection fitted on' +
      ' at most 128 evenly spaced hidden states, then every one projected), the session message, the pattern of the head in view — against a bare forward pass of the same ids' +
      " (graph.ts's trunk with the last position's logits as its only output, one run), interleaved round by round in one" +
      ' process per length. Peak RSS is that process\'s before the bare graph\'s session opens. Ratio: median of the per-round ratios [min–max].',
    '',
    `![analysis and bare forward pass against prompt length](${LONG_PROMPTS_PLOT})`,
    '',
    '| tokens | analysis (ms) | bare forward (ms) | analysis ÷ bare | peak RSS (MiB) |',
    '|---|---|---|---|---|',
    ...lengths.map((T) => `| ${T} | ${fixed(figures[`long_analysis${T}_ms_median`])} | ${fixed(figures[`long_bare${T}_ms_median`])} | ${ratio(figures, `long_analysis${T}_over_bare`)} | ${fixed(figures[`long_analysis${T}_peak_rss_mb`])} |`),
    '',
    '| Target | Measured | Verdict |',
    '|---|---|---|',
  ];
  const worst = Math.max(...lengths.map((T) => figures[`long_analysis${T}_over_bare_median`]));
  lines.push(`| Analysis ≤ ${RATIO_LIMIT}× the bare forward at every length | worst ${worst.toFixed(2)}× | ${verdict(worst <= RATIO_LIMIT, worst, RATIO_LIMIT)} |`);
  const rss = figures.long_analysis1024_peak_rss_mb;
  if (rss !== undefined) lines.push(`| Peak RSS ≤ 1.5 GB (${fixed(RSS_LIMIT_MB)} MiB) at 1,024 tokens | ${fixed(rss)} MiB | ${verdict(rss <= RSS_LIMIT_MB, rss, RSS_LIMIT_MB)} |`);
  const step = figures.long_step1000_over_step12_median;
  if (step !== undefined) {
    const measured = `${ratio(figures, 'long_step1000_over_step12')} (${fixed(figures.long_step1000_ms_median)} vs ${fixed(figures.long_step12_ms_median)} ms)`;
    lines.push(`| Step at 1,000 tokens of context ≤ ${RATIO_LIMIT}× a Step at 12 | ${measured} | ${verdict(step <= RATIO_LIMIT, step, RATIO_LIMIT)} |`);
  }
  if ('long_forward1000_over_forward12_median' in figures) {
    lines.push('', `The engine's bare KV-cache step (model.forward of one token, same rounds): ${fixed(figures.long_forward1000_ms_median)} ms at 1,000 tokens of` +
      ` context against ${fixed(figures.long_forward12_ms_median)} ms at 12, ${ratio(figures, 'long_forward1000_over_forward12')}: how much of the Step's growth is the model's own.` +
      ' The KV cache stays in JavaScript (src/engine/kv-cache.ts), read in place by each pass, which writes only the keys and values' +
      ' of its new positions into it; before, the graph output the whole cache, which onnxruntime-node copied into new buffers on every step (2.65× then).');
  }
  lines.push(...messageBytes(figures, lengths));
  if ('tokenize10mb_ms' in figures) {
    lines.push('', `Tokenising 10 MiB of text (encodeInChunks, ${fixed(figures.tokenize10mb_tokens)} tokens): ${fixed(figures.tokenize10mb_ms)} ms in all;` +
      ` the event loop waited at most ${fixed(figures.tokenize10mb_longest_wait_ms)} ms at a time meanwhile.`);
  }
  return [...lines, ''].join('\n');
}

/** The plot: milliseconds against tokens, both axes logarithmic, analysis and bare forward. */
/** What crosses to the webview (JSON characters): the first paint's two messages, and a Step's session message. */
function messageBytes(figures: Figures, lengths: readonly number[]): string[] {
  const painted = lengths.filter((T) => `long_attention_message${T}_bytes` in figures);
  if (painted.length === 0) return [];
  const lines = [
    '',
    'The messages to the panel (JSON characters): the first paint — the session with its whole projection, then the head in view,' +
      ' packed (protocol/attention-map.ts: its lower triangle as float32 in base64, exact) beside the [T, T] JSON array it was sent as before;' +
      " and a Step's session message, which carries only the positions that changed (protocol/projection.ts), beside the whole one.",
    '',
    '| tokens | session message | attention, packed | attention as JSON before |',
    '|---|---|---|---|',
    ...painted.map((T) => `| ${T} | ${fixed(figures[`long_session_message${T}_bytes`])} | ${fixed(figures[`long_attention_message${T}_bytes`])} | ${fixed(figures[`long_attention_json${T}_bytes`])} |`),
  ];
  const steps = [12, 1000].filter((T) => `long_step${T}_message_bytes` in figures);
  if (steps.length > 0) lines.push('', ...steps.map((T) => `- Step at ${T} tokens of context: ${fixed(figures[`long_step${T}_message_bytes`])} (whole: ${fixed(figures[`long_step${T}_whole_message_bytes`])}).`));
  return lines;
}

export function longPromptsPlot(figures: Figures): string | null {
  const lengths = measuredLengths(figures);
  if (lengths.length < 2) return null;
  const [W, H, left, bottom, top, right] = [560, 340, 60, 40, 20, 130];
  const series = [['analysis', 'long_analysis', '#c0392b'], ['bare forward', 'long_bare', '#2c3e50']] as const;
  const values = series.flatMap(([, key]) => lengths.map((T) => figures[`${key}${T}_ms_median`]));
  const [yMin, yMax] = [Math.log10(Math.min(...values) / 1.5), Math.log10(Math.max(...values) * 1.5)];
  const [xMin, xMax] = [Math.log10(lengths[0]), Math.log10(lengths.at(-1)!)];
  const x = (T: number) => left + ((Math.log10(T) - xMin) / (xMax - xMin)) * (W - left - right);
  const y = (ms: number) => H - bottom - ((Math.log10(ms) - yMin) / (yMax - yMin)) * (H - bottom - top);
  const text = (tx: number, ty: number, s: string, anchor = 'middle') => `<text x="${tx.toFixed(1)}" y="${ty.toFixed(1)}" text-anchor="${anchor}">${s}</text>`;
  const ticks = Array.from({ length: Math.floor(yMax) - Math.ceil(yMin) + 1 }, (_, i) => 10 ** (Math.ceil(yMin) + i));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<line x1="${left}" y1="${H - bottom}" x2="${W - right}" y2="${H - bottom}" stroke="black"/><line x1="${left}" y1="${top}" x2="${left}" y2="${H - bottom}" stroke="black"/>`,
    ...lengths.map((T) => text(x(T), H - bottom + 16, String(T))),
    text((left + W - right) / 2, H - 6, 'prompt tokens (log)'),
    ...ticks.map((ms) => `<line x1="${left - 4}" y1="${y(ms).toFixed(1)}" x2="${W - right}" y2="${y(ms).toFixed(1)}" stroke="#ddd"/>${text(left - 6, y(ms) + 4, `${ms} ms`, 'end')}`),
    ...series.flatMap(([label, key, colour], i) => [
      `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${lengths.map((T) => `${x(T).toFixed(1)},${y(figures[`${key}${T}_ms_median`]).toFixed(1)}`).join(' ')}"/>`,
      ...lengths.map((T) => `<circle cx="${x(T).toFixed(1)}" cy="${y(figures[`${key}${T}_ms_median`]).toFixed(1)}" r="3" fill="${colour}"/>`),
      `<line x1="${W - right + 10}" y1="${top + 10 + 18 * i}" x2="${W - right + 30}" y2="${top + 10 + 18 * i}" stroke="${colour}" stroke-width="2"/>${text(W - right + 36, top + 14 + 18 * i, label, 'start')}`,
    ]),
    '</svg>',
  ];
  return `${parts.join('\n')}\n`;
}
