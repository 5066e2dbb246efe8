// `npm run bench`: runs every configuration in its own process against a generated full-size
// GPT-2, then writes bench/results.json and bench/REPORT.md.
//   --quick        few repeats, to check the harness (results are not representative)
//   --only a,b     run only these cases (see bench/cases/index.ts); the other figures are kept from results.json
//   --soak         only the memory soak of issue 7 (the full run includes it)
//   --render       run nothing: write REPORT.md again from results.json (after merging two branches' figures)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CaseContext, CaseResult } from './harness/case';
import { runInChild } from './harness/child';
import { currentLoad, describeMachine, type Load } from './harness/machine';
import { renderReport } from './harness/report';
import { LONG_PROMPTS_PLOT, longPromptsPlot } from './harness/report-long';
import { deriveFigures, foldCases, type Figures } from './harness/results';
import { FAMILY } from './cases/family';
import { LONG_PROMPT_LENGTHS } from './cases/long-prompts';
import { ensureBenchModel } from './model';

const BENCH = __dirname;

/**
 * Which case runs in how many fresh processes, per pass. The floor runs before and after ours, and the
 * whole plan runs PASSES times, so that a burst of load from other processes cannot own one figure.
 */
const PASSES = 2;
const PLAN: [string, number][] = [
  ['floor-node', 1],
  ['cold-start', 3],
  ['ours', 1],
  ['paired', 2], // two processes a pass: how fast a process streams its weights varies from process to process
  ['ours-int8', 1], // the opt-in 8-bit weights mode
  ['floor-node', 1],
  ['floor-node-gemm', 1],
  ['profile', 1],
  ['graph-prepacked', 1],
  ['graph-hybrid', 1],
  ['graph-unpacked', 1],
  ['graph-spinning', 1],
  ['wasm', 1],
  ['paired-peer', 2], // the peer verdicts: ours and wasm in the same rounds of one process
  ['floor-wasm', 1],
  ['floor-int8', 1],
  ['floor-int4', 1],
  ['patching', 1], // issue 16: the activation-patching grids at 12 tokens, in each pass (a burst of load cannot own its figure)
];
/** Slow or load-independent cases, run once after the passes. */
const ONCE: [string, number][] = [
  ['plain-ts', 1],
  ['soak', 1],
  ['fidelity', 1],
  ['wasm-int8', 1], // the wasm peer on the 8-bit graphs: many times slower than on fp32, so once
  ...LONG_PROMPT_LENGTHS.map((length): [string, number] => [`long-prompt-${length}`, 1]), // issue 20: one process per length
  ['long-prompt-tokenize', 1],
  ['heads-grid', 1], // issue 15: the heads grid's request and redraw (headless Chromium)
  ['attribution', 1], // issue 15: the Attribution ask against a Step, and the analysis pass with it against without
  ['surprise', 1], // issue 18: token surprise over 1,024 tokens, against an analysis of them
  ['surprise-screen', 1], // issue 18: decorations on screen after the score, in code-server driven by Chromium
  ...FAMILY.map(({ id }): [string, number] => [`family-${id}`, 1]), // issue 17: one process per size
  ['session-memory', 1], // issue 19: peak RSS of host + worker, the lesson then 1,000 Steps through the page
  ['latency', 1], // issue 19: what a user waits for, click to painted (headless Chromium, the real controller and worker)
];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, only: { type: 'string' }, soak: { type: 'boolean' }, render: { type: 'boolean' } } });
  if (values.render) return renderAgain();
  const modelDir = await ensureBenchModel(join(BENCH, '.models'));
  const context: CaseContext = { modelDir, workDir: join(BENCH, '.models'), repeats: values.quick ? 2 : 10, threads: 2 };
  const only = values.soak ? ['soak'] : values.only?.split(',');
  const passes = values.quick ? 1 : PASSES;
  const plan = [...Array.from({ length: passes }, () => PLAN).flat(), ...ONCE].filter(([name]) => !only || only.includes(name));
  const machine = describeMachine();
  const loadBefore = currentLoad();
  const { runs, failures, highestLoad } = await runPlan(plan, context);
  const previous = only ? readPrevious(join(BENCH, 'results.json')) : { figures: {}, notes: [] };
  const figures = { ...previous.figures, ...foldCases(runs) };
  deriveFigures(figures);
  const kept = only ? [`This run (\`--only ${only.join(',')}\`) ran only those cases; the machine and load above are this run's, every other figure is the previous run's, kept from results.json.`] : [];
  const notes = [...new Set([...kept, ...failures, ...previous.notes.filter((note) => !note.startsWith('This run (`--only')), ...[...runs.values()].flat().flatMap((result) => result.notes)])];
  const loadAfter = currentLoad();
  const load = { before: loadBefore, after: loadAfter, highest_loadavg_1m: highestLoad };
  writeFileSync(join(BENCH, 'results.json'), `${JSON.stringify({ machine, load, notes, ...sorted(figures) }, null, 2)}\n`);
  writeReport({ figures, machine, load, notes }, `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`);
  console.log(`bench: wrote bench/results.json and bench/REPORT.md`);
  if (failures.length > 0) process.exitCode = 1; // the report is written, but the run is not complete
}

type Results = { figures: Figures; machine: ReturnType<typeof describeMachine>; load: { before: Load; after: Load; highest_loadavg_1m: number }; notes: string[] };

function writeReport({ figures, machine, load, notes }: Results, command: string): void {
  const findings = readOptional(join(BENCH, 'FINDINGS.md'));
  writeFileSync(join(BENCH, 'REPORT.md'), renderReport({ figures, machine, loadBefore: load.before, loadAfter: load.after, highestLoad: load.highest_loadavg_1m, notes, findings, command }));
  const plot = longPromptsPlot(figures);
  if (plot) writeFileSync(join(BENCH, LONG_PROMPTS_PLOT), plot);
}

/** REPORT.md from results.json as it is, running nothing. */
function renderAgain(): void {
  const { machine, load, notes, ...figures } = JSON.parse(readFileSync(join(BENCH, 'results.json'), 'utf8')) as Figures & Omit<Results, 'figures'>;
  writeReport({ figures: figures as Figures, machine, load, notes }, 'npm run bench -- --render');
  console.log('bench: wrote bench/REPORT.md from bench/results.json');
}

interface PlanOutcome {
  runs: Map<string, CaseResult[]>;
  failures: string[];
  highestLoad: number; // the 1-minute load average, highest seen as a case started
}

/** Runs each case in its fresh processes; a case that fails is reported, and the others still run. */
async function runPlan(plan: [string, number][], context: CaseContext): Promise<PlanOutcome> {
  const runs = new Map<string, CaseResult[]>();
  const failures: string[] = [];
  let highestLoad = 0;
  for (const [name, processes] of plan) {
    for (let i = 0; i < processes; i++) {
      highestLoad = Math.max(highestLoad, currentLoad().loadavg_1m);
      console.log(`bench: ${name} (${i + 1}/${processes})`);
      try {
        runs.set(name, [...(runs.get(name) ?? []), await runInChild(name, context)]);
      } catch (error) {
        console.error(error);
        failures.push(`**Case ${name} failed**: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      }
    }
  }
  return { runs, failures, highestLoad };
}

function sorted(figures: Figures): Figures {
  return Object.fromEntries(Object.entries(figures).sort(([a], [b]) => a.localeCompare(b)));
}

/** With --only, the figures and notes of the cases not run now are kept from the last results.json. */
function readPrevious(file: string): { figures: Figures; notes: string[] } {
  if (!existsSync(file)) return { figures: {}, notes: [] };
  const { machine: _machine, load: _load, notes = [], ...figures } = JSON.parse(readFileSync(file, 'utf8')) as Figures & { machine?: unknown; load?: unknown; notes?: string[] };
  return { figures: figures as Figures, notes };
}

function readOptional(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
