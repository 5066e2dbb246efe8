// Reads an onnxruntime profile (Chrome trace JSON, written when a session with enableProfiling is
// released) into kernel milliseconds per operator type, averaged over the profiled runs.
import { readFileSync } from 'node:fs';

interface TraceEvent {
  cat: string;
  name: string;
  dur: number; // µs
  args?: { op_name?: string };
}

export function kernelMsPerOp(profileFile: string): Record<string, number> {
  const events = JSON.parse(readFileSync(profileFile, 'utf8')) as TraceEvent[];
  const runs = events.filter((event) => event.cat === 'Session' && event.name === 'model_run').length;
  if (runs === 0) throw new Error(`${profileFile}: no model_run events`);
  const totals: Record<string, number> = {};
  for (const event of events) {
    const op = event.args?.op_name;
    if (event.cat !== 'Node' || !op || !event.name.endsWith('_kernel_time')) continue;
    totals[op] = (totals[op] ?? 0) + event.dur / 1000 / runs;
  }
  return totals;
}
