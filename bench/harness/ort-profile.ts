// Reads an onnxruntime profile (Chrome trace JSON, written when a session with enableProfiling is
// released) into kernel milliseconds per operator type, one record per session.run, in order.
import { readFileSync } from 'node:fs';

interface TraceEvent {
  cat: string;
  name: string;
  ts: number; // µs
  dur: number; // µs
  args?: { op_name?: string };
}

export type OpMs = Record<string, number>;

export function kernelMsPerRun(profileFile: string): OpMs[] {
  const events = JSON.parse(readFileSync(profileFile, 'utf8')) as TraceEvent[];
  const runs = events.filter((event) => event.cat === 'Session' && event.name === 'model_run').sort((a, b) => a.ts - b.ts);
  const perRun = runs.map((): OpMs => ({}));
  for (const event of events) {
    if (event.cat !== 'Node' || !event.args?.op_name || !event.name.endsWith('_kernel_time')) continue;
    // The unembedding is one Gemm but a third of the weights: keep it apart from the blocks' Gemms.
    const op = event.name.startsWith('lm_head') ? `${event.args.op_name} (lm_head)` : event.args.op_name;
    const index = runs.findIndex((run) => event.ts >= run.ts && event.ts <= run.ts + run.dur);
    if (index >= 0) perRun[index][op] = (perRun[index][op] ?? 0) + event.dur / 1000;
  }
  return perRun;
}

/** The mean of several runs' per-operator times. */
export function meanOpMs(runs: OpMs[]): OpMs {
  const mean: OpMs = {};
  for (const run of runs) for (const [op, ms] of Object.entries(run)) mean[op] = (mean[op] ?? 0) + ms / runs.length;
  return mean;
}
