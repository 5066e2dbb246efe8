// The sections of bench/REPORT.md that explain the figures: where the time goes, the prepacking
// and quantization experiments, the soak, the notes, and the hand-written findings.
import type { Figures } from './results';

/** A figure as the tables print it: whole numbers from 100 up, one decimal below. */
export function fixed(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

/** ORT's profiler, summed per operator type: figures named profile_<pass>_op_<Op>_ms. */
export function profileSection(figures: Figures): string {
  const passes = ['step', 'analyze12', 'analyze128'];
  const pattern = /^profile_(step|analyze12|analyze128)_op_(.+)_ms$/;
  const ops = new Set(Object.keys(figures).flatMap((key) => pattern.exec(key)?.[2] ?? []));
  if (ops.size === 0) return '';
  const total = (pass: string) => [...ops].reduce((sum, op) => sum + (figures[`profile_${pass}_op_${op}_ms`] ?? 0), 0);
  const byStep = [...ops].sort((a, b) => (figures[`profile_step_op_${b}_ms`] ?? 0) - (figures[`profile_step_op_${a}_ms`] ?? 0));
  const lines = [
    '## Where the time goes (ORT profiler, our two sessions)',
    '',
    'Kernel time per operator type: summed over the nodes of a pass — the transformer, then the lm_head on the last' +
      ' position, as forward runs them; the lm_head session\'s operators are marked (lm_head) — and averaged over the' +
      ' profiled passes (the profiler itself adds a little). Time between kernels and between the two runs is not in it.',
    '',
    '| Operator | step, past 12 | analyze 12 | analyze 128 |',
    '|---|---|---|---|',
  ];
  for (const op of byStep) lines.push(`| ${op} | ${passes.map((pass) => share(figures[`profile_${pass}_op_${op}_ms`], total(pass))).join(' | ')} |`);
  lines.push(`| **all kernels** | ${passes.map((pass) => `${total(pass).toFixed(2)} ms`).join(' | ')} |`, '');
  return lines.join('\n');
}

function share(ms: number | undefined, total: number): string {
  return ms === undefined ? '—' : `${ms.toFixed(2)} ms (${((ms / total) * 100).toFixed(0)}%)`;
}

export function notesSection(notes: string[]): string {
  if (notes.length === 0) return '';
  return ['## How the cases ran', '', ...[...new Set(notes)].map((note) => `- ${note}`), ''].join('\n');
}

export function soakSection(figures: Figures): string {
  if (!('soak_steps' in figures)) return '';
  const growth = figures.soak_rss_growth_pct;
  return [
    '## Memory soak (issue 7)',
    '',
    `${figures.soak_steps} Steps (${figures.soak_resets} Resets) on a small test model, each followed by the session message the` +
      ` worker posts. RSS after the first batch of 50: ${fixed(figures.soak_rss_first_batch_mb)} MiB; after the last:` +
      ` ${fixed(figures.soak_rss_last_batch_mb)} MiB; highest: ${fixed(figures.soak_rss_max_mb)} MiB.` +
      ` Growth ${growth.toFixed(1)}% — ${growth <= 10 ? 'flat within 10%: met' : '**more than 10%: missed**'}.`,
    '',
  ].join('\n');
}

/** The engine's two sessions with ORT's weight prepacking on or off (bench/cases/prepacking.ts). */
export function prepackingSection(figures: Figures): string {
  const variants: [string, string][] = [
    ['prepacked', 'both prepacked (the engine)'],
    ['hybrid', 'transformer prepacked, lm_head not'],
    ['unpacked', 'neither prepacked'],
    ['spinning', 'both prepacked, idle-thread spinning on (ORT\'s default)'],
  ];
  const present = variants.filter(([name]) => `graph_${name}_peak_rss_mb` in figures);
  if (present.length === 0) return '';
  const ms = (key: string) => (`${key}_ms_median` in figures ? `${fixed(figures[`${key}_ms_median`])} ms` : '—');
  const lines = [
    '## Weight prepacking and thread spinning (ORT session config `session.disable_prepacking`, `session.intra_op.allow_spinning`)',
    '',
    'The engine\'s two sessions — the transformer, and the lm_head (ln_f + tied unembedding) that gives the' +
      ' next-token logits and the logit lens — opened as Gpt2Model opens them, each variant in its own process.' +
      ' A pass is the transformer then the lm_head on the last position, as forward runs it; the lens column' +
      ' is the lm_head on 13 rows (one token at every layer, a first lens read). Spinning is off unless the row says otherwise.',
    '',
    '| Variant | create both sessions | first analyze 12 | analyze 12 | step, past 12 | lm_head, 13 rows (lens) | RSS after first pass | peak RSS |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const [name, label] of present) {
    const cells = [ms(`${name}_create`), ms(`${name}_first_analyze12`), ms(`${name}_analyze12`), ms(`${name}_step12`), ms(`${name}_lens`)];
    const rss = `${fixed(figures[`${name}_rss_after_first_mb`])} MiB | ${fixed(figures[`graph_${name}_peak_rss_mb`])} MiB`;
    lines.push(`| ${label} | ${cells.join(' | ')} | ${rss} |`);
  }
  lines.push('');
  return lines.join('\n');
}

/** The floor with quantized weights (bench/cases/quantized-floor.ts) and their fidelity cost (fidelity.ts). */
export function quantizationSection(figures: Figures): string {
  const rows = [
    ['fp32 (the default)', 'floor_weight_bytes', 'floor_step', undefined],
    ['8-bit, block 32', 'floor_int8_weight_bytes', 'floor_int8_step', 'int8'],
    ['4-bit, block 32', 'floor_int4_weight_bytes', 'floor_int4_step', 'int4'],
  ] as const;
  if (!('floor_int8_step_ms_median' in figures) && !('int8_max_logit_diff' in figures)) return '';
  const ms = (stem: string) => (`${stem}_ms_median` in figures ? `${fixed(figures[`${stem}_ms_median`])} ms` : '—');
  const value = (key: string, digits: number) => (key in figures ? figures[key].toPrecision(digits) : '—');
  const lines = [
    '## Quantized weights (com.microsoft MatMulNBits): speed and fidelity',
    '',
    'The floor chain with its weights stored in 8 or 4 bits (ORT dequantizes block by block inside the kernel,' +
      ' activations in int8: accuracy_level 4), and the reference pass on weights quantized the same way.' +
      ` Logit standard deviation at the last position, for scale: ${value('fidelity_logit_std', 3)}.`,
    '',
    '| Weights | bytes a step reads | floor step | max \\|Δ logit\\| (12 positions) | max \\|Δ p\\| (next token) | same top-1 |',
    '|---|---|---|---|---|---|',
  ];
  for (const [label, bytes, stem, fidelity] of rows) {
    const size = bytes in figures ? `${(figures[bytes] / 2 ** 20).toFixed(0)} MiB` : '—';
    const quality = fidelity
      ? [value(`${fidelity}_max_logit_diff`, 3), value(`${fidelity}_max_prob_diff`, 3), `${fixed((figures[`${fidelity}_top1_agree`] ?? NaN) * 100)}%`]
      : ['0', '0', '100%'];
    lines.push(`| ${label} | ${size} | ${ms(stem)} | ${quality.join(' | ')} |`);
  }
  lines.push('');
  return lines.join('\n');
}

/** The hand-written findings quote this run's numbers: {{step_ms_median}} becomes e.g. "19.4". */
export function fillFigures(text: string, figures: Figures): string {
  const format = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) < 10 ? 2 : Math.abs(value) < 100 ? 1 : 0));
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => (key in figures ? format(figures[key]) : `(${key} not measured)`));
}
