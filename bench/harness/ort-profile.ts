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

/** `session`, when given, names the session in every operator: "Gemm (lm_head)". */
export function kernelMsPerRun(profileFile: string, session?: string): OpMs[] {
  const events = JSON.parse(readFileSync(profileFile, 'utf8')) as TraceEvent[];
  const runs = events.filter((event) => event.cat === 'Session' && event.name === 'model_run').sort((a, b) => a.ts - b.ts);
  const perRun = runs.map((): OpMs => ({}));
  for (const event of events) {
    if (event.cat !== 'Node' || !event.args?.op_name || !event.name.endsWith('_kernel_time')) continue;
    const op = session ? `${event.args.op_name} (${session})` : event.args.op_name;
    const index = runs.findIndex((run) => event.ts >= run.ts && event.ts <= run.ts + run.dur);
    if (index >= 0) perRun[index][op] = (perRun[index][op] ?? 0) + event.dur / 1000;
  }
  return perRun;
}

/** Two sessions' runs, paired in order (the lm_head's run i follows the transformer's run i): their ops side by side. */
export function mergeRuns(a: OpMs[], b: OpMs[]): OpMs[] {
  if (a.length !== b.length) throw new Error(`profiles disagree: ${a.length} runs vs ${b.length}`);
  return a.map((run, i) => ({ ...run, ...b[i] }));
}

/** The mean of several runs' per-operator times. */
export function meanOpMs(runs: OpMs[]): OpMs {
  const mean: OpMs = {};
  for (const run of runs) for (const [op, ms] of Object.entries(run)) mean[op] = (mean[op] ?? 0) + ms / runs.length;
  return mean;
}
