// Issue 20: what a long prompt costs. Each length runs in its own process ('long-prompt-12' …), so its
// peak RSS is the analysis's alone (taken before the yardstick's session opens): the analysis as the
// worker answers Analyze (ExplorerSession.create on the ids: prefill passes, projection fit; then the
// session message and the pattern of the head in view), interleaved round by round with a bare forward
// pass of the same ids (graph.ts's trunk with only the last position's logits, one run). The 1,024 case
// also times a Step at 1,000 tokens of context against one at 12, interleaved.
import * as ort from 'onnxruntime-node';
import { buildBareForward } from '../../src/engine/graph';
import { Gpt2Model } from '../../src/engine/model';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { ExplorerSession } from '../../src/explorer/session';
import { PanelProjection } from '../../src/extension/explorer/panel-projection';
import { DEFAULT_DECODING } from '../../src/protocol/decoding';
import type { AttentionMap } from '../../src/protocol/views';
import { emptyResult, type CaseContext, type CaseResult, type CaseRunner } from '../harness/case';
import { interleave, peakRssMb, ratios } from '../harness/stats';
import { engineOptions, graphFeeds } from './graph-session';
import type { ForwardResult } from '../../src/engine/types';
import { NEXT_ID, promptIds } from './prompts';
import { openBenchWeights } from './weights';

export const LONG_PROMPT_LENGTHS = [12, 64, 256, 1024] as const;
const DEFAULTS = { layer: 6, head: 0 };
const SETTINGS = { ...DEFAULT_DECODING, maxNewTokens: 1024 };
const STEP_CONTEXTS = [12, 1000];

function open(model: Gpt2Model, tokenizer: Gpt2Tokenizer, length: number): Promise<ExplorerSession> {
  const sentence = { id: `bench-${length}`, text: `${length} bench tokens`, source: 'custom' as const };
  return ExplorerSession.create(model, tokenizer, { sentence, ids: promptIds(length), settings: SETTINGS, defaults: DEFAULTS });
}

/** Analyze as the worker answers it and the panel first paints it: the session message, then the head in view, packed. */
async function analysis(model: Gpt2Model, tokenizer: Gpt2Tokenizer, length: number): Promise<ExplorerSession> {
  const session = await open(model, tokenizer, length);
  firstPaint(session, await session.attentionMap(DEFAULTS.layer, DEFAULTS.head));
  return session;
}

/** The panel's first two messages as JSON (what crosses to the webview). */
function firstPaint(session: ExplorerSession, view: AttentionMap): { session: string; attention: string } {
  return { session: JSON.stringify({ type: 'session', session: session.view(), projection: session.projection() }), attention: JSON.stringify({ type: 'attentionMap', view }) };
}

/** The first paint's bytes, and the head in view as one JSON array of T² weights as it was sent before it was packed. */
async function paintBytes(model: Gpt2Model, tokenizer: Gpt2Tokenizer, length: number, result: CaseResult): Promise<void> {
  const session = await open(model, tokenizer, length);
  const paint = firstPaint(session, await session.attentionMap(DEFAULTS.layer, DEFAULTS.head));
  result.values[`long_session_message${length}_bytes`] = paint.session.length;
  result.values[`long_attention_message${length}_bytes`] = paint.attention.length;
  result.values[`long_attention_json${length}_bytes`] = JSON.stringify({ type: 'attention', view: await session.attention(DEFAULTS.layer, DEFAULTS.head) }).length;
  session.dispose();
}

function longPrompt(length: number): CaseRunner {
  return async (context: CaseContext): Promise<CaseResult> => {
    const result = emptyResult();
    const rounds = length >= 1024 ? Math.max(4, Math.ceil(context.repeats / 2)) : context.repeats;
    const model = await Gpt2Model.load(context.modelDir, { threads: context.threads });
    const tokenizer = await Gpt2Tokenizer.fromModelDir(context.modelDir);
    (await analysis(model, tokenizer, length)).dispose(); // ORT's first run sets up what it keeps
    result.values[`long_analysis${length}_peak_rss_mb`] = peakRssMb();
    await paintBytes(model, tokenizer, length, result);
    const weights = await openBenchWeights(context.modelDir);
    const bare = await ort.InferenceSession.create(buildBareForward(weights.config, weights.source), engineOptions(context));
    const ids = promptIds(length);
    const timings = await interleave(
      [
        { name: 'analysis', run: () => analysis(model, tokenizer, length), after: (session) => (session as ExplorerSession).dispose() },
        { name: 'bare', run: () => bare.run(graphFeeds(weights.config, ids)) },
      ],
      { rounds, warmup: 2 }, // measured: the first two rounds at 1,024 tokens ran 2–3× slower, both of them (arenas, page cache)
    );
    result.timings[`long_analysis${length}`] = timings.analysis;
    result.timings[`long_bare${length}`] = timings.bare;
    result.ratios = { [`long_analysis${length}_over_bare`]: ratios(timings.analysis, timings.bare) };
    if (length === 1024) await timeSteps(model, tokenizer, context, result);
    await bare.release();
    await model.dispose();
    return result;
  };
}

/**
 * A Step (with its session message) at 12 and at 1,000 tokens of context, a Reset before each (untimed),
 * interleaved with the engine's bare KV-cache step (model.forward of one token) at the same contexts:
 * what of the growth is the model's own.
 */
async function timeSteps(model: Gpt2Model, tokenizer: Gpt2Tokenizer, context: CaseContext, result: CaseResult): Promise<void> {
  const sessions = await Promise.all(STEP_CONTEXTS.map((length) => open(model, tokenizer, length)));
  const panels = STEP_CONTEXTS.map(() => new PanelProjection()); // what each panel holds: a Step's message is what changed
  const tell = (i: number) => JSON.stringify(panels[i].message(sessions[i].view(), sessions[i].projection()));
  const caches = await Promise.all(STEP_CONTEXTS.map(async (length) => (await model.forward(promptIds(length))).cache));
  const contenders = STEP_CONTEXTS.flatMap((length, i) => [
    {
      name: `step${length}`,
      before: () => sessions[i].reset().then(() => void tell(i)),
      run: async () => (await sessions[i].step(), tell(i)),
    },
    { name: `forward${length}`, run: () => model.forward([NEXT_ID], caches[i]), after: (out: unknown) => (out as ForwardResult).cache.dispose() },
  ]);
  const timings = await interleave(contenders, { rounds: context.repeats * 2, warmup: 2 });
  for (const name of Object.keys(timings)) result.timings[`long_${name}`] = timings[name];
  for (const [i, length] of STEP_CONTEXTS.entries()) {
    await sessions[i].reset();
    tell(i);
    await sessions[i].step();
    result.values[`long_step${length}_message_bytes`] = tell(i).length; // one Step's session message, as the panel gets it
    result.values[`long_step${length}_whole_message_bytes`] = JSON.stringify({ type: 'session', session: sessions[i].view(), projection: sessions[i].projection() }).length;
  }
  result.ratios!.long_step1000_over_step12 = ratios(timings.step1000, timings.step12);
  result.ratios!.long_forward1000_over_forward12 = ratios(timings.forward1000, timings.forward12);
  sessions.forEach((session) => session.dispose());
  caches.forEach((cache) => cache.dispose());
}

export const longPromptCases: Record<string, CaseRunner> = Object.fromEntries(LONG_PROMPT_LENGTHS.map((length) => [`long-prompt-${length}`, longPrompt(length)]));

const TEN_MB = 10 * 2 ** 20;

/** 10 MiB of prose through encodeInChunks: how long, and the longest the event loop waited meanwhile. */
async function tokenizeTenMegabytes(context: CaseContext): Promise<CaseResult> {
  const result = emptyResult();
  const tokenizer = await Gpt2Tokenizer.fromModelDir(context.modelDir);
  const paragraph = 'The capital of Germany is Berlin. The capital of France is Paris, and 2,000 people said so in 1969!\n';
  const text = paragraph.repeat(Math.ceil(TEN_MB / paragraph.length)).slice(0, TEN_MB);
  let longest = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  const start = performance.now();
  const tokens = await tokenizer.encodeInChunks(text);
  result.values.tokenize10mb_ms = performance.now() - start;
  clearInterval(timer);
  result.values.tokenize10mb_longest_wait_ms = Math.max(longest, performance.now() - last);
  result.values.tokenize10mb_tokens = tokens.length;
  return result;
}

longPromptCases['long-prompt-tokenize'] = tokenizeTenMegabytes;
