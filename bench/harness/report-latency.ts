// Issue 19's section of bench/REPORT.md: what a user waits for, from the click to the painted frame
// (bench/cases/latency.ts), beside the engine's own step of the same run, and the memory of a whole
// session (bench/cases/session-memory.ts), each with its target.
import { fixed } from './report-sections';
import type { Figures } from './results';

interface Row {
  label: string;
  stem: string; // latency_<stem>_dom / _painted / _fresh
  limit?: number; // ms, on the painted median (or on every panel, with `fresh`)
  fresh?: boolean; // the target is on "every panel painted"
}

const FRAME_MS = 16;
const ROWS: Row[] = [
  { label: 'Step (Generation tab, as the lesson)', stem: 'step' },
  { label: 'Step on the Self-Attention tab (every panel asks again)', stem: 'step_attention_tab' },
  { label: 'Sample', stem: 'sample', limit: FRAME_MS },
  { label: 'Layer slider move (Token Positions; painted = the glide\'s first frame)', stem: 'slider', limit: FRAME_MS },
  { label: 'Layer or Head change (the head\'s pattern read ahead by the host in the pause before)', stem: 'layer_head', limit: FRAME_MS },
  { label: 'A chip of the prompt → its lens painted (one lens request; read ahead in the pauses)', stem: 'chip' },
  { label: 'The chip of the token the last Step made (read ahead in the pause)', stem: 'chip_newest' },
  { label: 'Lesson sentence picked → every panel painted', stem: 'sentence', limit: 150 },
];
const STEP_LIMIT = 1.5; // Step painted ÷ the engine's step
const MEMORY_LIMIT_MB = 800;
const LENS_LIMIT_MS = 5;

export function latencySection(figures: Figures): string {
  if (!('latency_step_painted_ms_median' in figures)) return '';
  const ms = (key: string) => (key in figures ? `${fixed(figures[key])} ms` : '—');
  const lines = [
    '## What a user waits for (issue 19)',
    '',
    'The explorer page in headless Chromium, answered by the extension\'s own ExplorerController and session worker on the' +
      ' full-size model (bench/cases/latency.ts). Each action is timed by the page\'s clock from the click to the DOM change it' +
      ' causes and to "painted", two animation frames after that change; frames are not paced to a display, where the wait for' +
      ' the next vsync (0–16.7 ms) comes on top. Between actions the page is left quiet for 300 ms, a learner\'s pace. Messages' +
      ' travel page ↔ host through the Chrome DevTools protocol, the bench\'s stand-in for VS Code\'s webview IPC (page → host a' +
      ' playwright binding; host → page, since round six, one `Runtime.evaluate` of `postMessage` with the message as JSON,' +
      ' not playwright\'s `page.evaluate`, whose API layer in the host\'s process took 5–17 ms a message). Medians [min–max] (runs).',
    '',
    '| Action | click → DOM | click → painted | every panel fresh | host answer arrived | target | verdict |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const row of ROWS) {
    const painted = figures[`latency_${row.stem}_painted_ms_median`];
    if (painted === undefined) continue;
    const spread = `[${fixed(figures[`latency_${row.stem}_painted_ms_min`])}–${fixed(figures[`latency_${row.stem}_painted_ms_max`])}] (${figures[`latency_${row.stem}_painted_runs`]})`;
    const [target, verdictText] = row.stem === 'step' ? stepTarget(figures) : row.limit ? [`painted ≤ ${row.limit} ms`, verdict(painted, row.limit)] : ['—', '—'];
    lines.push(`| ${row.label} | ${ms(`latency_${row.stem}_dom_ms_median`)} | ${fixed(painted)} ms ${spread} | ${ms(`latency_${row.stem}_fresh_ms_median`)} | ${answer(figures, row.stem)} | ${target} | ${verdictText} |`);
  }
  lines.push('', `The engine's own step in the same run (a bare KV-cached forward at past 12 in the bench process, right after each timed Step): ${ms('latency_engine_step_ms_median')}.`, '');
  lines.push(...lensAndMemory(figures), '');
  return lines.join('\n');
}

/** When the host's first message arrived; none when no sample asked the host anything (an older run's figure is not shown). */
function answer(figures: Figures, stem: string): string {
  if (figures[`latency_${stem}_messages`] === 0) return 'none: nothing asked';
  const key = `latency_${stem}_first_message_ms_median`;
  return key in figures ? `${fixed(figures[key])} ms` : '—';
}

function stepTarget(figures: Figures): [string, string] {
  const key = 'latency_step_painted_over_engine';
  if (!(`${key}_median` in figures)) return [`painted ≤ ${STEP_LIMIT}× the engine's step`, 'not measured'];
  const value = figures[`${key}_median`];
  return [`painted ≤ ${STEP_LIMIT}× the engine's step: ${value.toFixed(2)}× [${figures[`${key}_min`].toFixed(2)}–${figures[`${key}_max`].toFixed(2)}] per Step`, verdict(value, STEP_LIMIT)];
}

function lensAndMemory(figures: Figures): string[] {
  const lines = ['| Target | Measured | Verdict |', '|---|---|---|'];
  const rows: [string, string, boolean][] = [
    ['First lens read of a token the worker read ahead (the newest, after a Step or an analysis) ≤ 5 ms', 'lens_read_ahead_ms_median', true],
    ["First lens read of any token after the worker's pause read every token ahead (newest first) ≤ 5 ms", 'lens_read_ahead_any_ms_median', true],
    ['First lens read of a token not read ahead (13 rows through the lm_head, 13 softmaxes): what the read ahead saves', 'lens_ms_median', false],
  ];
  for (const [label, key, target] of rows) {
    if (key in figures) lines.push(`| ${label} | ${fixed(figures[key])} ms | ${target ? verdict(figures[key], LENS_LIMIT_MS) : '—'} |`);
  }
  if ('session_memory_added_mb' in figures) {
    const peak = `${fixed(figures.session_memory_added_mb)} MiB (the process peaked at ${fixed(figures.session_memory_peak_mb)} MiB, of which ${fixed(figures.session_memory_baseline_mb)} MiB were Node, tsx, playwright and the page server before the controller started)`;
    lines.push(`| Peak RSS of a full session, host + worker, fp32 (the lesson, then ${figures.session_memory_steps} Steps) ≤ ${MEMORY_LIMIT_MB} MiB | ${peak} | ${verdict(figures.session_memory_added_mb, MEMORY_LIMIT_MB)} |`);
  }
  return lines.length > 2 ? lines : [];
}

function verdict(value: number, limit: number): string {
  const off = Math.abs(value / limit - 1) * 100;
  return value <= limit ? `met (${off.toFixed(0)}% to spare)` : `**missed** by ${off.toFixed(0)}%`;
}
