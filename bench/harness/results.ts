// Folds the cases' results into the flat figures of bench/results.json: every timing becomes
// <name>_ms_median/_min/_max, pooled over all processes that ran it (a cold start is one sample per
// fresh process); a value measured in several processes becomes its median with _min/_max; each
// process's peak RSS is named after its case.
import type { CaseResult } from './case';
import { summarize } from './stats';

export type Figures = Record<string, number>;

/** The case whose process is the product as the learner runs it: its peak RSS is "peak_rss_mb". */
const PRODUCT_CASE = 'ours';

export function foldCases(runs: Map<string, CaseResult[]>): Figures {
  const figures: Figures = {};
  foldTimings(figures, [...runs.values()].flat());
  foldRatios(figures, [...runs.values()].flat());
  for (const [caseName, results] of runs) foldValues(figures, caseName, results);
  return figures;
}

/** Timings pooled by name across every process that measured them (cold start: ours and cold-start). */
function foldTimings(figures: Figures, results: CaseResult[]): void {
  const names = new Set(results.flatMap((result) => Object.keys(result.timings)));
  for (const name of names) {
    const timing = summarize(results.flatMap((result) => result.timings[name]?.samples ?? []));
    figures[`${name}_ms_median`] = round(timing.median);
    figures[`${name}_ms_min`] = round(timing.min);
    figures[`${name}_ms_max`] = round(timing.max);
    figures[`${name}_runs`] = timing.runs;
  }
}

/** Per-round ratios pooled like timings, as <name>_median/_min/_max/_runs (no unit). */
function foldRatios(figures: Figures, results: CaseResult[]): void {
  const names = new Set(results.flatMap((result) => Object.keys(result.ratios ?? {})));
  for (const name of names) {
    const { median, min, max, runs } = summarize(results.flatMap((result) => result.ratios?.[name]?.samples ?? []));
    Object.assign(figures, { [`${name}_median`]: round(median), [`${name}_min`]: round(min), [`${name}_max`]: round(max), [`${name}_runs`]: runs });
  }
}

function foldValues(figures: Figures, caseName: string, results: CaseResult[]): void {
  const names = new Set(results.flatMap((result) => Object.keys(result.values)));
  for (const name of names) {
    const samples = results.map((result) => result.values[name]).filter((value) => value !== undefined);
    const key = name === 'peak_rss_mb' && caseName !== PRODUCT_CASE ? `${caseName.replace(/-/g, '_')}_peak_rss_mb` : name;
    if (samples.length === 1) {
      figures[key] = round(samples[0]);
      continue;
    }
    const { median, min, max } = summarize(samples);
    Object.assign(figures, { [key]: round(median), [`${key}_min`]: round(min), [`${key}_max`]: round(max), [`${key}_runs`]: samples.length });
  }
}

/** The named figures that are aliases of measured ones, and the ratios the report speaks in. */
export function deriveFigures(figures: Figures): void {
  const alias = (to: string, from: string) => from in figures && !(to in figures) && (figures[to] = figures[from]);
  alias('floor_step_ms', 'floor_step_ms_median'); // the floor: the bare chain alone in its process
  alias('cold_start_ms', 'cold_start_ms_median');
  alias('wasm_cold_start_ms', 'wasm_cold_start_ms_median');
  alias('step_over_floor', 'paired_step_over_floor_median'); // the step target's verdict (paired.ts)
  alias('int8_peak_rss_mb', 'ours_int8_peak_rss_mb');
  const ratio = (name: string, numerator: string, denominator: string) => {
    if (numerator in figures && denominator in figures) figures[name] = round(figures[numerator] / figures[denominator]);
  };
  const difference = (name: string, minuend: string, subtrahend: string) => {
    if (minuend in figures && subtrahend in figures) figures[name] = round(figures[minuend] - figures[subtrahend]);
  };
  const share = (name: string, key: string, divisor: number) => key in figures && (figures[name] = round(figures[key] / divisor));
  share('wasm_analyze12_for_target_ms', 'paired_peer_wasm_analyze12_ms_median', 3); // what the analyze peer target asks of us
  share('int8_top1_agreement_pct', 'int8_top1_agreement', 0.01);
  for (const [name, numerator, denominator] of RATIOS) ratio(name, numerator, denominator);
  difference('step_panel_requests_ms', 'step_views_ms_median', 'step_snapshot_ms_median');
  difference('step_snapshot_over_forward_ms', 'step_snapshot_ms_median', 'forward_step12_ms_median');
  difference('peak_rss_added_by_sessions_mb', 'peak_rss_mb', 'peak_rss_after_prompts_mb');
  const product = (name: string, a: string, b: string) => a in figures && b in figures && (figures[name] = round(figures[a] * figures[b]));
  product('patching_resid_at_analyze12_ms', 'resid_over_prompt12_median', 'analyze12_ms_median'); // a patching grid's ratio to a prompt pass, at the analyze-12 figure
  product('patching_heads_at_analyze12_ms', 'heads_over_prompt12_median', 'analyze12_ms_median');
  difference('graph_step12_split_ms', 'graph_step12_pass_ms_median', 'graph_step12_transformer_ms_median');
  difference('graph_step12_split_overhead_ms', 'graph_step12_split_ms', 'graph_step12_lm_head_ms_median'); // beyond the lm_head's own run
  for (const pass of ['step', 'analyze12', 'analyze128']) {
    alias(`profile_${pass}_lm_head_ms`, `profile_${pass}_op_Gemm (lm_head)_ms`);
    const kernels = Object.keys(figures).filter((key) => key.startsWith(`profile_${pass}_op_`) && key.endsWith('_ms'));
    if (kernels.length) figures[`profile_${pass}_kernels_ms`] = round(kernels.reduce((sum, key) => sum + figures[key], 0));
    const products = [`profile_${pass}_op_Gemm_ms`, `profile_${pass}_op_Gemm (lm_head)_ms`];
    if (kernels.length && products.every((key) => key in figures)) {
      figures[`profile_${pass}_small_ops_ms`] = round(figures[`profile_${pass}_kernels_ms`] - figures[products[0]] - figures[products[1]]); // all but the weight products
    }
  }
}

/** [name, numerator, denominator]: unpaired ratios of figures measured in different processes. */
const RATIOS: [string, string, string][] = [
  ['step_views_over_floor', 'step_views_ms_median', 'floor_step_ms'],
  ['forward_step_over_floor', 'forward_step12_ms_median', 'floor_step_ms'],
  ['paired_floor_over_floor', 'paired_floor_step_ms_median', 'floor_step_ms'],
  ['wasm_step_over_ours', 'wasm_step_ms_median', 'forward_step12_ms_median'],
  ['wasm_analyze12_over_ours', 'wasm_analyze12_ms_median', 'analyze12_ms_median'],
  ['wasm_floor_over_floor', 'wasm_floor_step_ms_median', 'floor_step_ms'],
  ['ts_step_over_ours', 'ts_step_ms_median', 'forward_step12_ms_median'],
  ['ts_analyze12_over_ours', 'ts_analyze12_ms_median', 'analyze12_ms_median'],
  ['floor_int8_speedup', 'floor_step_ms', 'floor_int8_step_ms_median'],
  ['floor_int4_speedup', 'floor_step_ms', 'floor_int4_step_ms_median'],
  ['wasm_step_over_floor_int8', 'wasm_step_ms_median', 'floor_int8_step_ms_median'],
  ['spinning_step_over_engine', 'spinning_step12_ms_median', 'prepacked_step12_ms_median'],
  ['wasm_analyze12_for_target_over_floor', 'wasm_analyze12_for_target_ms', 'paired_peer_floor_step_ms_median'], // same rounds
  // the opt-in 8-bit weights mode (bench/cases/int8.ts), against the fp32 floor and the fp32 wasm peer
  ['int8_step_over_floor', 'int8_step_ms_median', 'floor_step_ms'],
  ['int8_step_views_over_floor', 'int8_step_views_ms_median', 'floor_step_ms'],
  ['int8_step_over_floor_int8', 'int8_step_ms_median', 'floor_int8_step_ms_median'],
  ['wasm_step_over_int8', 'wasm_step_ms_median', 'int8_step_ms_median'],
  ['wasm_analyze12_over_int8', 'wasm_analyze12_ms_median', 'int8_analyze12_ms_median'],
  ['wasm_int8_step_over_int8', 'wasm_int8_step_ms_median', 'int8_step_ms_median'],
  ['wasm_int8_analyze12_over_int8', 'wasm_int8_analyze12_ms_median', 'int8_analyze12_ms_median'],
];

/** Six significant digits: enough for milliseconds and for probability differences of 1e-6. */
function round(value: number): number {
  return Number(value.toPrecision(6));
}
