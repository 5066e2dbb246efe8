// Issue 19: the memory of a full session, host and worker together, as the extension host holds them:
// the extension's ExplorerController and its session worker thread (one process, like VS Code's
// extension host) on the full-size fp32 model, driven through the explorer page in headless Chromium
// (a process of its own, not counted). The lesson's actions, then STEPS Steps at the product's decoding
// defaults (a Reset whenever generation stops), each answered with every view the page asks for
// (the lesson leaves the temperature at 1.5; Step is greedy whatever it is).
// Target: the process's peak RSS ≤ 800 MiB.
import type { Page } from 'playwright-core';
import { PRESETS } from '../../src/explorer/presets';
import { ControllerBackend } from '../../test/webview/controller-backend';
import { launchChromium, openExplorer, servePages } from '../../test/webview/harness';
import { emptyResult, type CaseContext, type CaseResult } from '../harness/case';
import { peakRssMb } from '../harness/stats';
import { measure, PAGE_PROBE, settle } from './latency-page';

const BATCH = 50;
// The next Step once the page has been quiet this long: a brisk learner. (The Step clicks that were once
// answered by nothing for 60 s were lost in the page probe, fixed there: see test/webview/latency-probe.test.ts.)
const PACE_MS = 100;

function rssMb(): number {
  (globalThis as { gc?: () => void }).gc?.(); // the child runs with --expose-gc: count live memory, not garbage
  return process.memoryUsage().rss / 2 ** 20;
}

export async function sessionMemory(context: CaseContext): Promise<CaseResult> {
  const result = emptyResult();
  const steps = context.repeats >= 10 ? 1000 : 100; // --quick: a tenth
  const [browser, server] = await Promise.all([launchChromium(), servePages()]);
  const baseline = rssMb(); // Node, tsx, playwright's client and the page server: not the extension's
  const backend = await ControllerBackend.start(context.modelDir, PRESETS, [], context.threads);
  const logged: string[] = []; // what the controller would have written to its output channel: told if the case fails
  let unsent: string[] = []; // host messages that never reached the page: told too
  Object.assign(backend.ui, { log: (line: string) => logged.push(line) });
  try {
    const { page, host } = await openExplorer(browser, server, { backend, width: 900, height: 900 });
    unsent = host.unsent;
    await page.locator('.chip').first().waitFor();
    await page.evaluate(PAGE_PROBE);
    await lesson(page, backend);
    const afterLesson = rssMb();
    const samples: number[] = [];
    for (let step = 1; step <= steps; step++) {
      if ((await page.locator('.stop').count()) > 0) await measure(page, { kind: 'reset' }, PACE_MS);
      await measure(page, { kind: 'step' }, PACE_MS);
      if (step % BATCH === 0) samples.push(rssMb());
    }
    const problems = backend.ui.problems;
    if (problems.length > 0) throw new Error(`the controller reported: ${problems.join('; ')}`);
    Object.assign(result.values, {
      session_memory_steps: steps,
      session_memory_baseline_mb: baseline,
      session_memory_after_lesson_mb: afterLesson,
      session_memory_last_batch_mb: samples[samples.length - 1],
      session_memory_peak_mb: peakRssMb(),
      session_memory_added_mb: peakRssMb() - baseline, // what host + worker add to the process: the target's figure
    });
    result.notes.push(`Session memory: RSS (MiB) of host + worker before the controller started ${baseline.toFixed(0)}, after the lesson ${afterLesson.toFixed(0)}, after each ${BATCH} of ${steps} Steps: ${samples.map((mb) => mb.toFixed(0)).join(' ')}`);
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; the controller logged: ${logged.join(' | ') || 'nothing'}; host messages not delivered: ${unsent.join(' | ') || 'none'}`);
  } finally {
    await Promise.all([browser.close(), server.close(), backend.dispose()]);
  }
  return result;
}

/** The lesson's steps as its "Do it" buttons do them (src/extension/walkthrough/lesson.ts). */
async function lesson(page: Page, backend: ControllerBackend): Promise<void> {
  await page.getByRole('tab', { name: 'Self-Attention' }).click();
  for (const value of [3, 6, 9, 12, 0]) await measure(page, { kind: 'slider', value });
  await measure(page, { kind: 'layer', value: 11, head: 0 });
  await click(page, 'Show Q / K / V Vectors');
  await measure(page, { kind: 'chip', index: 11 });
  await page.getByRole('tab', { name: 'Generation' }).click();
  for (let i = 0; i < 4; i++) await measure(page, { kind: 'step' });
  await measure(page, { kind: 'reset' });
  for (let i = 0; i < 20; i++) await measure(page, { kind: 'sample' }, 0);
  for (const [temperature, rolls] of [[0, 5], [1.5, 10]]) {
    await backend.controller.setDecoding({ temperature }); // what the lesson's button and the slider's release do
    await settle(page);
    for (let i = 0; i < rolls; i++) await measure(page, { kind: 'sample' }, 0);
  }
  while ((await page.locator('.stop').count()) === 0) await measure(page, { kind: 'step' }, 0);
}

async function click(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name }).click();
  await settle(page);
}
