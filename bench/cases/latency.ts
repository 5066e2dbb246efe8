// Issue 19: what a user waits for. The explorer page in headless Chromium, answered by the extension's
// own ExplorerController running the real session worker on the full-size model (the webview tests'
// ControllerBackend, with the bench's threads): each action is timed in the page from the click to the
// DOM change and to the painted frame (latency-page.ts). Paired with the engine's own step, a bare
// KV-cached forward pass of a model opened in this process, run right after each timed Step.
// Chromium runs with frames not paced to a display (a real one adds its wait for the next vsync, 0–16.7 ms).
import { chromium, type Browser, type Page } from 'playwright-core';
import { Gpt2Model } from '../../src/engine/model';
import { PRESETS } from '../../src/explorer/presets';
import { chromiumPath, CHROMIUM_ARGS } from '../../test/chromium';
import type { HostMessage } from '../../src/protocol/explorer';
import { ControllerBackend } from '../../test/webview/controller-backend';
import { openExplorer, servePages, type PageServer } from '../../test/webview/harness';
import { emptyResult, type CaseContext, type CaseResult } from '../harness/case';
import { summarize } from '../harness/stats';
import { measure, PAGE_PROBE, settle, type Sample } from './latency-page';
import { NEXT_ID, promptIds } from './prompts';

const LESSON = PRESETS[0]; // 'france', 12 tokens, Layer 6 / Head 0: what the panel opens on
const OTHER = PRESETS[2]; // picked before each timed pick of the lesson sentence
const UNPACED = ['--disable-frame-rate-limit', '--disable-gpu-vsync'];

type Samples = Record<string, Sample[]>;

export async function latency(context: CaseContext): Promise<CaseResult> {
  const result = emptyResult();
  const [browser, server, backend, model] = await Promise.all([
    chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, ...UNPACED] }),
    servePages(),
    ControllerBackend.start(context.modelDir, PRESETS, [], context.threads),
    Gpt2Model.load(context.modelDir, { threads: context.threads }),
  ]);
  try {
    const samples: Samples = {};
    const engine = await timeRounds(browser, server, backend, model, context.repeats, samples);
    result.timings.latency_engine_step = summarize(engine);
    // Each timed Step against the bare step run right after it: the Step target's verdict is the median of these.
    result.ratios!.latency_step_painted_over_engine = summarize(samples.step.map((sample, i) => sample.painted / engine[i]));
    for (const [name, list] of Object.entries(samples)) record(result, name, list);
    const problems = backend.ui.problems;
    if (problems.length > 0) throw new Error(`the controller reported: ${problems.join('; ')}`);
    result.notes.push(
      `Latency: ${context.repeats} rounds in one page (Chromium, frames not paced to a display), the real controller and session worker (${context.threads} threads) on the full-size model; the engine step is a bare forward at past 12 in the bench process, run after each timed Step.`,
    );
  } finally {
    await Promise.all([browser.close(), server.close(), backend.dispose(), model.dispose()]);
  }
  return result;
}

function record(result: CaseResult, name: string, list: Sample[]): void {
  result.timings[`latency_${name}_dom`] = summarize(list.map((sample) => sample.dom));
  result.timings[`latency_${name}_painted`] = summarize(list.map((sample) => sample.painted));
  const fresh = list.flatMap((sample) => (sample.fresh === null ? [] : [sample.fresh]));
  if (fresh.length > 0) result.timings[`latency_${name}_fresh`] = summarize(fresh);
  // When the first host message arrived: the host and worker's share of the wait.
  const first = list.flatMap((sample) => (sample.messages.length > 0 ? [sample.messages[0][1]] : []));
  if (first.length > 0) result.timings[`latency_${name}_first_message`] = summarize(first);
  result.values[`latency_${name}_messages`] = list.reduce((sum, sample) => sum + sample.messages.length, 0) / list.length;
}

/**
 * The host's messages reach the page as one DevTools `Runtime.evaluate` of `postMessage(<JSON>)`, instead of the
 * webview harness's playwright `page.evaluate`: the same pipe, without playwright's API layer in the host's own
 * process (a call's stack captured and source-mapped, its arguments serialised for its utility script). That
 * layer took 5–17 ms a message on the shared two cores (stamped on one clock, issue 19's round six), and VS Code's
 * webview IPC has no such step; this hop is still the bench's stand-in for that IPC, not the IPC.
 */
async function postOverCdp(page: Page, backend: ControllerBackend, unsent: string[]): Promise<void> {
  const session = page.context().newCDPSession(page);
  // Messages the harness sent already may still be on their way: a no-op evaluate after them lands after them, and
  // every message from here on waits behind it and behind the one before, so the page gets them all in order.
  let tail: Promise<unknown> = session.then(() => page.evaluate('0'));
  const send = async (message: HostMessage) => (await session).send('Runtime.evaluate', { expression: `window.postMessage(${JSON.stringify(message)}, '*')` });
  backend.attach((message) => {
    tail = tail.then(() => send(message)).catch((error: unknown) => void unsent.push(`${message.type}: ${String(error)}`));
    return tail.then(() => undefined);
  });
  await tail;
}

/** The rounds: the lesson's Self-Attention moves, its Steps and Samples on the Generation tab, a new sentence. */
async function timeRounds(browser: Browser, server: PageServer, backend: ControllerBackend, model: Gpt2Model, rounds: number, samples: Samples): Promise<number[]> {
  const { page } = await openExplorer(browser, server, { backend, width: 900, height: 900 });
  const unsent: string[] = []; // host messages the page could not be given: the case fails
  await postOverCdp(page, backend, unsent);
  await page.locator('.chip').first().waitFor();
  await page.evaluate(PAGE_PROBE);
  const add = (name: string, sample: Sample) => (samples[name] ??= []).push(sample);
  const prompt = (await model.forward(promptIds(12))).cache;
  const engine: number[] = [];
  const bareStep = async () => {
    const start = performance.now();
    (await model.forward([NEXT_ID], prompt)).cache.dispose();
    engine.push(performance.now() - start);
  };
  const tab = async (name: string) => (await page.getByRole('tab', { name }).click(), settle(page));
  await tab('Self-Attention');
  await measure(page, { kind: 'chip', index: 11 }); // the lesson's chip (untimed: the lens is then open)
  for (let round = 0; round < rounds; round++) {
    await tab('Self-Attention');
    for (const value of [3, 6, 9, 12, 0]) add('slider', await measure(page, { kind: 'slider', value }));
    // The sentence starts at Layer 6 / Head 0: each move picks another layer or head than the one shown.
    const layer = round % 12 === LESSON.layer ? LESSON.layer + 1 : round % 12;
    for (const value of [layer, (layer + 5) % 12]) add('layer_head', await measure(page, { kind: 'layer', value, head: LESSON.head }));
    add('layer_head', await measure(page, { kind: 'head', value: 1 + (round % 11), layer: (layer + 5) % 12 }));
    add('chip', await measure(page, { kind: 'chip', index: round % 11 })); // a prompt token: the worker reads every token's lens ahead in the pauses
    add('step_attention_tab', await measure(page, { kind: 'step' }));
    add('chip_newest', await measure(page, { kind: 'chip', index: -1 })); // the token that Step made: read ahead in the pause
    await tab('Generation');
    for (let i = 0; i < 4; i++) {
      add('step', await measure(page, { kind: 'step' }));
      await bareStep();
      add('sample', await measure(page, { kind: 'sample' }));
    }
    await measure(page, { kind: 'reset' });
    await tab('Self-Attention');
    await measure(page, { kind: 'sentence', id: OTHER.id, note: OTHER.note, layer: OTHER.layer, head: OTHER.head });
    add('sentence', await measure(page, { kind: 'sentence', id: LESSON.id, note: LESSON.note, layer: LESSON.layer, head: LESSON.head }));
    await measure(page, { kind: 'chip', index: 11 });
  }
  prompt.dispose();
  if (unsent.length > 0) throw new Error(`host messages did not reach the page: ${unsent.join('; ')}`);
  await page.context().close();
  return engine;
}
