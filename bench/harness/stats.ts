// Repeated timing: each figure is a median with its min and max, so one noisy run cannot move it.

export interface Timing {
  median: number; // ms
  min: number;
  max: number;
  runs: number;
  samples: number[]; // every run, so runs in several processes can be pooled
}

export function summarize(samples: number[]): Timing {
  if (samples.length === 0) throw new Error('summarize: no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length, samples };
}

export interface TimeOptions<T> {
  repeats: number;
  warmup?: number; // untimed runs first: ORT allocates its arenas and the CPU caches fill on the first runs
  before?: () => void | Promise<void>; // untimed set-up before every run (e.g. rebuild a session state)
  after?: (value: T) => void | Promise<void>; // untimed clean-up of what the run returned (e.g. a KV cache)
}

/** One measurement that cannot be repeated inside a process (a cold start): pooled across processes. */
export function once(ms: number): Timing {
  return summarize([ms]);
}

/** Times `run` `repeats` times after `warmup` untimed runs. */
export async function time<T>(run: () => T | Promise<T>, options: TimeOptions<T>): Promise<Timing> {
  const { repeats, warmup = 1, before, after } = options;
  const samples: number[] = [];
  for (let i = 0; i < warmup + repeats; i++) {
    const elapsed = await timedRun({ before, run, after });
    if (i >= warmup) samples.push(elapsed);
  }
  return summarize(samples);
}

/** One run between its untimed set-up and clean-up, then a garbage collection: its milliseconds. */
async function timedRun<T>({ before, run, after }: { before?: () => unknown; run: () => T | Promise<T>; after?: (value: T) => unknown }): Promise<number> {
  if (before) await before();
  const start = performance.now();
  const value = await run();
  const elapsed = performance.now() - start;
  if (after) await after(value);
  collectGarbage();
  return elapsed;
}

/** One of the operations `interleave` times against the others. */
export interface Contender {
  name: string;
  before?: () => void | Promise<void>; // untimed set-up before each run
  run: () => unknown;
  after?: (value: unknown) => void | Promise<void>; // untimed clean-up of what the run returned
}

/**
 * Times several operations round by round (every one once per round, the order rotating), so a burst
 * of load from elsewhere hits them all alike: samples[i] of each timing come from the same round i,
 * and can be divided round by round (see ratios).
 */
export async function interleave(contenders: Contender[], options: { rounds: number; warmup?: number }): Promise<Record<string, Timing>> {
  const { rounds, warmup = 1 } = options;
  const samples = new Map(contenders.map((contender) => [contender.name, [] as number[]]));
  for (let round = 0; round < warmup + rounds; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const contender = contenders[(round + i) % contenders.length];
      const elapsed = await timedRun(contender);
      if (round >= warmup) samples.get(contender.name)!.push(elapsed);
    }
  }
  return Object.fromEntries([...samples].map(([name, values]) => [name, summarize(values)]));
}

/** numerator ÷ denominator round by round, for two timings from the same `interleave`. */
export function ratios(numerator: Timing, denominator: Timing): Timing {
  return summarize(numerator.samples.map((value, i) => value / denominator.samples[i]));
}

/** Round by round, the faster of two timings from the same `interleave`. */
export function fastest(a: Timing, b: Timing): Timing {
  return summarize(a.samples.map((value, i) => Math.min(value, b.samples[i])));
}

/**
 * Between timed runs, untimed: the product does one 128-token pass per Analyze, not ten in a row, so the
 * garbage of back-to-back runs (ORT output buffers) must not pile up into the peak RSS or into a later
 * run's time. Child processes run with --expose-gc; elsewhere this does nothing.
 */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB on Linux
}
