// What one measured configuration reports back from its own process.
import type { Timing } from './stats';

export interface CaseResult {
  timings: Record<string, Timing>; // ms, e.g. "step12" → median/min/max
  values: Record<string, number>; // single figures, e.g. "cold_start_ms", "peak_rss_mb"
  ratios?: Record<string, Timing>; // per-round ratios of interleaved timings (unitless), e.g. "paired_step_over_floor"
  notes: string[]; // what the reader must know about how this case ran
}

export interface CaseContext {
  modelDir: string; // the generated full-size model (config.json + model.safetensors)
  workDir: string; // scratch space for graphs and profiles (gitignored)
  repeats: number; // timed runs of fast operations; slow peers scale this down
  threads: number;
}

export type CaseRunner = (context: CaseContext) => Promise<CaseResult>;

export function emptyResult(): CaseResult {
  return { timings: {}, values: {}, ratios: {}, notes: [] };
}
