// The rows of the report's main table: each figure's key stem in each column (ours, the wasm peer,
// the plain-TypeScript peer, the floor). A row whose figures are all missing is left out.
import { fixed } from './report-sections';
import type { Figures } from './results';

export interface Row {
  label: string;
  unit: 'ms' | 'MiB' | 'bytes' | 'GB/s';
  ours?: string;
  wasm?: string;
  ts?: string;
  floor?: string;
}

const PANEL = 'attention; lens with a tracked token and Q/K/V of the clicked last prompt token';

export const ROWS: Row[] = [
  { label: 'Cold start: weights file → both sessions ready', unit: 'ms', ours: 'cold_start', wasm: 'wasm_cold_start', ts: 'ts_cold_start' },
  { label: 'First analyze of 12 tokens after the cold start', unit: 'ms', ours: 'first_analyze12' },
  { label: 'RSS right after the cold start', unit: 'MiB', ours: 'rss_after_load_mb' },
  { label: 'Peak RSS during the cold start', unit: 'MiB', ours: 'peak_rss_after_load_mb' },
  { label: 'Peak RSS after the prompt passes (up to 128 tokens)', unit: 'MiB', ours: 'peak_rss_after_prompts_mb' },
  { label: 'Peak RSS of the process', unit: 'MiB', ours: 'peak_rss_mb', wasm: 'wasm_peak_rss_mb', ts: 'plain_ts_peak_rss_mb', floor: 'floor_node_peak_rss_mb' },
  { label: 'Analyze 12 tokens, all outputs (forward: transformer, then lm_head on the last position)', unit: 'ms', ours: 'analyze12', wasm: 'wasm_analyze12', ts: 'ts_analyze12' },
  { label: 'Analyze 128 tokens, all outputs (forward)', unit: 'ms', ours: 'analyze128', wasm: 'wasm_analyze128' },
  // Our three step rows at each past length are interleaved round by round (explorer.ts); the floor is its own process.
  { label: 'Step, past 12: bare forward with KV cache', unit: 'ms', ours: 'forward_step12', wasm: 'wasm_step', ts: 'ts_step', floor: 'floor_step' },
  { label: 'Step, past 12: session step + its `session` message (view, top-10, positions)', unit: 'ms', ours: 'step_snapshot' },
  { label: `Step, past 12: the above + what the panel then asks for (${PANEL})`, unit: 'ms', ours: 'step_views', floor: 'floor_step' },
  { label: 'Step, past 200: bare forward with KV cache', unit: 'ms', ours: 'forward_step200', wasm: 'wasm_step200', floor: 'floor_step' },
  { label: 'Step, past 200: session step + its `session` message', unit: 'ms', ours: 'step_snapshot200' },
  { label: 'Step, past 200: the above + the same requests', unit: 'ms', ours: 'step_views200' },
  // The paired case (paired.ts): floor and model in one process, rotating rounds; the floor column is the
  // floor of each round, the faster of its two floor runs (what the verdict divides by).
  { label: 'Paired, past 12: bare forward step, round by round with the floor', unit: 'ms', ours: 'paired_forward_step', floor: 'paired_floor_step' },
  { label: 'Paired, past 12: step with every per-step view (`step_ms_median`)', unit: 'ms', ours: 'step', floor: 'paired_floor_step' },
  { label: "Paired: the floor chain with ORT's default idle-thread spinning", unit: 'ms', floor: 'paired_floor_default_step' },
  { label: 'Paired: the floor chain with spinning off (as our sessions run)', unit: 'ms', floor: 'paired_floor_no_spin_step' },
  // The paired peer case (paired-peer.ts): ours, the wasm peer and the floor (spinning off) in one process, rotating rounds.
  { label: 'Paired with the peer, past 12: bare forward step, round by round', unit: 'ms', ours: 'paired_peer_step', wasm: 'paired_peer_wasm_step', floor: 'paired_peer_floor_step' },
  { label: 'Paired with the peer: analyze 12 tokens, round by round', unit: 'ms', ours: 'paired_peer_analyze12', wasm: 'paired_peer_wasm_analyze12' },
  // The two sessions timed apart (profile.ts), interleaved round by round.
  { label: 'Our sessions apart, analyze 12: transformer alone', unit: 'ms', ours: 'graph_analyze12_transformer' },
  { label: 'Our sessions apart, analyze 12: both, as forward runs them', unit: 'ms', ours: 'graph_analyze12_pass' },
  { label: 'Our sessions apart, step past 12: transformer alone', unit: 'ms', ours: 'graph_step12_transformer' },
  { label: 'Our sessions apart, step past 12: both, as forward runs them', unit: 'ms', ours: 'graph_step12_pass' },
  { label: 'Our sessions apart: lm_head alone, 1 row (the last position)', unit: 'ms', ours: 'graph_step12_lm_head' },
  { label: 'Session analyze, 12 tokens (session + its `session` message)', unit: 'ms', ours: 'session_analyze12' },
  { label: 'One Sample roll (temperature 1)', unit: 'ms', ours: 'sample' },
  { label: 'Logit lens, one (layer, token), first read of that token (13 rows through the lm_head session)', unit: 'ms', ours: 'lens' },
  { label: 'Logit lens again for a token already read, with a tracked token', unit: 'ms', ours: 'lens_cached' },
  { label: "Logit lens, first request for the newest token after the worker's pause read it ahead (issue 19)", unit: 'ms', ours: 'lens_read_ahead' },
  { label: "Logit lens, first request for an older token after the worker's pause read every token ahead (issue 19)", unit: 'ms', ours: 'lens_read_ahead_any' },
  { label: 'Attention view, one head', unit: 'ms', ours: 'attention' },
  { label: 'Q/K/V view, one token', unit: 'ms', ours: 'qkv' },
  { label: 'Projection: PCA fit on 13 layers × 12 tokens (once per prompt)', unit: 'ms', ours: 'projection' },
  { label: 'Full analysis message (`session`), JSON length, 12-token prompt', unit: 'bytes', ours: 'analysis_message_bytes' },
  { label: 'Full analysis message (`session`), JSON length, 200-token prompt', unit: 'bytes', ours: 'analysis_message200_bytes' },
  { label: 'Floor chain (bare matmuls of a step), alone in its process', unit: 'ms', wasm: 'wasm_floor_step', floor: 'floor_step' },
  { label: "Floor chain with the blocks as Gemm (our graph's operator)", unit: 'ms', floor: 'floor_gemm_step' },
  { label: 'Achieved weight bandwidth of the floor chain', unit: 'GB/s', wasm: 'wasm_floor_bandwidth_gbs', floor: 'floor_bandwidth_gbs' },
  // Activation patching (patching.ts), 12 tokens, the grids and a prompt pass interleaved round by round.
  { label: 'Patching: residual grid, 13 × 12 = 156 runs (prompts part at position 5)', unit: 'ms', ours: 'patching_case_resid' },
  { label: 'Patching: heads grid, 12 × 12 = 144 runs (prompts part at position 5)', unit: 'ms', ours: 'patching_case_heads' },
  { label: 'Patching: attention-output grid, 12 × 12', unit: 'ms', ours: 'patching_case_attn' },
  { label: 'Patching: MLP-output grid, 12 × 12', unit: 'ms', ours: 'patching_case_mlp' },
  { label: 'Patching: residual grid, prompts parting at the first token (every cell rerun)', unit: 'ms', ours: 'patching_case_resid_first' },
  { label: 'Patching: heads grid, prompts parting at the first token', unit: 'ms', ours: 'patching_case_heads_first' },
  { label: 'Patching: the 12-token prompt pass the grids are interleaved with', unit: 'ms', ours: 'patching_case_prompt12' },
  { label: 'Patching: the first residual grid, opening the 13 patch sessions', unit: 'ms', ours: 'patching_first_resid_ms' },
  { label: 'Patching: RSS the patch sessions add', unit: 'MiB', ours: 'patching_sessions_rss_mb' },
];

/** One table cell: a timing as median [min–max] (runs), a value with its spread if it has one, or —. */
export function cell(figures: Figures, stem: string | undefined, unit: Row['unit']): string {
  if (!stem) return '—';
  if (unit === 'ms' && `${stem}_ms_median` in figures) {
    const [median, min, max, runs] = ['median', 'min', 'max'].map((part) => figures[`${stem}_ms_${part}`]).concat(figures[`${stem}_runs`]);
    return `${fixed(median)} ms [${fixed(min)}–${fixed(max)}] (${runs})`;
  }
  if (!(stem in figures)) return '—';
  const value = figures[stem];
  const spread = `${stem}_min` in figures ? ` [${fixed(figures[`${stem}_min`])}–${fixed(figures[`${stem}_max`])}] (${figures[`${stem}_runs`]})` : '';
  if (unit === 'bytes') return `${value.toLocaleString('en-US')} B (${(value / 2 ** 20).toFixed(2)} MiB)`;
  return `${fixed(value)} ${unit}${spread}`;
}
