// The opt-in 8-bit weights mode (Gpt2Model.load(dir, { weights: 'int8' }), measured by
// bench/cases/int8.ts when it is there): its figures beside the fp32 default's, the wasm peer and the
// fp32 floor, its ratios, and what it costs in fidelity. Every figure may be missing: "not measured".
import { cell, type Row } from './report-rows';
import type { Figures } from './results';

/** Columns: ours 8-bit, ours fp32 (the default), wasm 8-bit, wasm fp32, the fp32 floor. */
interface Int8Row {
  label: string;
  unit: Row['unit'];
  stems: [string?, string?, string?, string?, string?];
}

const ROWS: Int8Row[] = [
  { label: 'Cold start: weights file → sessions ready', unit: 'ms', stems: ['int8_cold_start', 'cold_start', undefined, 'wasm_cold_start'] },
  { label: 'RSS right after the cold start', unit: 'MiB', stems: ['int8_rss_after_load_mb', 'rss_after_load_mb'] },
  { label: 'Peak RSS of the process', unit: 'MiB', stems: ['int8_peak_rss_mb', 'peak_rss_mb', undefined, 'wasm_peak_rss_mb'] },
  { label: 'Analyze 12 tokens, all outputs', unit: 'ms', stems: ['int8_analyze12', 'analyze12', 'wasm_int8_analyze12', 'wasm_analyze12'] },
  { label: 'Analyze 128 tokens, all outputs', unit: 'ms', stems: ['int8_analyze128', 'analyze128', undefined, 'wasm_analyze128'] },
  { label: 'Step, past 12: bare forward', unit: 'ms', stems: ['int8_step', 'forward_step12', 'wasm_int8_step', 'wasm_step', 'floor_step'] },
  { label: 'Step, past 12: session step + message + the panel\'s requests', unit: 'ms', stems: ['int8_step_views', 'step_views', undefined, undefined, 'floor_step'] },
];

const RATIOS: [string, string][] = [
  ['int8_step_over_floor', '8-bit step ÷ fp32 floor'],
  ['int8_step_views_over_floor', '8-bit step with every view ÷ fp32 floor'],
  ['int8_step_over_floor_int8', '8-bit step ÷ 8-bit floor chain'],
  ['wasm_step_over_int8', 'wasm fp32 step ÷ our 8-bit step'],
  ['wasm_analyze12_over_int8', 'wasm fp32 analyze 12 ÷ our 8-bit analyze 12'],
  ['wasm_int8_step_over_int8', 'wasm 8-bit step ÷ our 8-bit step'],
  ['wasm_int8_analyze12_over_int8', 'wasm 8-bit analyze 12 ÷ our 8-bit analyze 12'],
];

const MEASURED = ['int8_cold_start_ms_median', 'int8_step_ms_median', 'int8_analyze12_ms_median', 'int8_max_abs_logit_diff'];

export function int8Section(figures: Figures): string {
  const title = '## 8-bit weights mode (opt-in)';
  if (!MEASURED.some((key) => key in figures)) {
    return [title, '', "Not measured in this run: Gpt2Model.load(dir, { weights: 'int8' }) and bench/cases/int8.ts were not part of it.", ''].join('\n');
  }
  const lines = [
    title,
    '',
    "The engine with `Gpt2Model.load(dir, { weights: 'int8' })`: the weight products on 8-bit blockwise weights" +
      ' (com.microsoft MatMulNBits). Not the default: its numbers are those of a quantized model. Each configuration in its own process.',
    '',
    '| Figure | ours, 8-bit (opt-in) | ours, fp32 (default) | peer: wasm, 8-bit | peer: wasm, fp32 | fp32 floor |',
    '|---|---|---|---|---|---|',
  ];
  for (const row of ROWS) lines.push(`| ${row.label} | ${[0, 1, 2, 3, 4].map((i) => cell(figures, row.stems[i], row.unit)).join(' | ')} |`);
  const ratios = RATIOS.filter(([key]) => key in figures).map(([key, label]) => `${label} = ${figures[key].toFixed(2)}×`);
  lines.push('', ratios.length ? `Ratios: ${ratios.join('; ')}.` : 'Ratios: not measured.', '', fidelityLine(figures), '');
  return lines.join('\n');
}

function fidelityLine(figures: Figures): string {
  const value = (key: string, format: (x: number) => string) => (key in figures ? format(figures[key]) : 'not measured');
  return (
    `Fidelity of the 8-bit engine against the fp32 one: max |Δ logit| ${value('int8_max_abs_logit_diff', (x) => x.toPrecision(3))},` +
    ` same top-1 token ${value('int8_top1_agreement', (x) => `${(x * 100).toFixed(1)}%`)}` +
    ` (logit standard deviation, for scale: ${value('fidelity_logit_std', (x) => x.toPrecision(3))}). On the bench's random weights:` +
    ' real GPT-2 has outlier dimensions that random weights lack, so measure again on the downloaded weights.'
  );
}
