// Issue 17's section of bench/REPORT.md: each size of the family on a generated model of its shape
// (bench/cases/family.ts) — cold start, the 12-token analysis, the step with every view against the
// same process's floor, and the peak RSS — as one table, with the step target per size.
import { FAMILY, familyKey } from '../cases/family';
import { fixed } from './report-sections';
import type { Figures } from './results';

const STEP_LIMIT = 1.3; // the step with every view ÷ the same run's floor

export function familySection(figures: Figures): string {
  const sizes = FAMILY.filter(({ id }) => `${familyKey(id)}_step_ms_median` in figures);
  if (sizes.length === 0) return '';
  const row = ({ id, weights }: (typeof FAMILY)[number]) => {
    const key = familyKey(id);
    const f = (name: string) => figures[`${key}_${name}`];
    const ratio = f('step_over_floor_median');
    const verdict = ratio <= STEP_LIMIT ? 'met' : `**missed** by ${((ratio / STEP_LIMIT - 1) * 100).toFixed(0)}%`;
    return `| ${id} | ${weights === 'int8' ? '8-bit' : 'float32'} | ${f('layers')} | ${fixed(f('cold_start_ms_median'))} | ${f('cached_start_ms_median') === undefined ? '—' : fixed(f('cached_start_ms_median'))} | ${fixed(f('analyze12_ms_median'))} | ${fixed(f('floor_step_ms_median'))} | ${fixed(f('step_ms_median'))} | ${ratio.toFixed(2)}× [${f('step_over_floor_min').toFixed(2)}–${f('step_over_floor_max').toFixed(2)}] ${verdict} | ${fixed(f('peak_rss_mb'))} |`;
  };
  return [
    '## The GPT-2 family (issue 17)',
    '',
    "Each size on a generated model of its exact shape (seeded random weights, F32 on disk), one process per size: the load" +
      ' (cold start, the file in the page cache), the 12-token analysis as the worker answers it (ExplorerSession.create and' +
      ' its session message), and the step with every per-step view (step, message, attention, Q/K/V, lens) interleaved round' +
      " by round with the same process's floor chain (spinning off, as the engine runs); float32 against the MatMul floor, 8-bit" +
      " against the 8-bit MatMulNBits floor. gpt2-large and gpt2-xl run 8-bit: their float32 needs ≈ 7 and 13 GB, and the bench" +
      " machine is shared. Peak RSS: the process's before the floor's session opens. Ratio: median of the per-round ratios [min–max]," +
      ` target ≤ ${STEP_LIMIT}×. The 8-bit cold start is the first load: it quantizes every matrix and writes them to the 8-bit cache` +
      ' (src/engine/int8-cache.ts); the cached start is the next load, which reads them back. Read the figures with the' +
      " load in the Machine section: on 2 shared cores the per-round spread is wide, so the medians and the ratios within one process" +
      ' are what compare.',
    '',
    '| model | weights | layers | cold start (ms) | cached start (ms) | analyze 12 (ms) | floor step (ms) | step + views (ms) | step ÷ floor | peak RSS (MiB) |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...sizes.map(row),
    '',
  ].join('\n');
}
