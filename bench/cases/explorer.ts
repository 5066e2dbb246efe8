// The explorer as the learner drives it: an ExplorerSession on our model, timed per action, each
// action doing what the session worker does for the panel (src/explorer/worker.ts): the session
// call, then the snapshot it posts (view + token positions), then the views the panel asks for.
import type { Gpt2Model } from '../../src/engine/model';
import type { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import type { ForwardResult, KvCache } from '../../src/engine/types';
import { ProjectionFrame } from '../../src/explorer/projection';
import { ExplorerSession } from '../../src/explorer/session';
import { DEFAULT_DECODING, type DecodingSettings } from '../../src/protocol/decoding';
import type { HostMessage } from '../../src/protocol/explorer';
import type { SentenceView } from '../../src/protocol/views';
import type { CaseContext, CaseResult } from '../harness/case';
import { interleave, time, type Contender } from '../harness/stats';
import { NEXT_ID, promptIds } from './prompts';

const LESSON_SENTENCE = 'The capital of Germany is Berlin. The capital of France is'; // 12 tokens
const LONG_TEXT = `${LESSON_SENTENCE} Paris. `.repeat(40);
// The product's defaults (temperature 1: after every Step the full 50,257-token distribution is
// recomputed, as a learner's Step does; Step itself is greedy), with room for many Steps.
const SETTINGS: DecodingSettings = { ...DEFAULT_DECODING, maxNewTokens: 1024 };
const DEFAULTS = { layer: 6, head: 0 }; // the lesson's Layer/Head for its sentence

/** A sentence of exactly `length` tokens: the lesson's, then more of it. */
function sentence(tokenizer: Gpt2Tokenizer, length: number): SentenceView {
  const tokens = tokenizer.encode(LONG_TEXT);
  const text = LONG_TEXT.slice(0, tokens[length - 1].end);
  if (tokenizer.encode(text).length !== length) throw new Error(`could not cut a ${length}-token sentence`);
  return { id: `bench-${length}`, text, source: 'custom' };
}

export function openSession(model: Gpt2Model, tokenizer: Gpt2Tokenizer, length: number): Promise<ExplorerSession> {
  return ExplorerSession.create(model, tokenizer, { sentence: sentence(tokenizer, length), settings: SETTINGS, defaults: DEFAULTS });
}

/** The `session` message the webview receives after Analyze or Step, as it is posted. */
export function sessionMessage(session: ExplorerSession): string {
  const message: HostMessage = { type: 'session', session: session.view(), projection: session.projection() };
  return JSON.stringify(message);
}

/** The chip the learner clicked (the lesson's: the prompt's last token) and the token tracked in the lens. */
interface Selection {
  token: number;
  trackId: number;
  at: { layer: number; head: number }; // the lesson's Layer/Head, as the session fitted it to the model (distilgpt2 has 6 layers)
}

/**
 * What the panel asks for once a new session message arrives (webview/explorer/app.tsx): the head's
 * pattern always; the lens and Q/K/V of the clicked chip, which stays where it was.
 */
async function panelRequests(session: ExplorerSession, selected: Selection): Promise<void> {
  const { layer, head } = selected.at;
  JSON.stringify(await session.attention(layer, head));
  JSON.stringify(session.qkv(layer, head, selected.token));
  JSON.stringify(await session.lens(layer, selected.token, selected.trackId));
}

export async function timeExplorer(model: Gpt2Model, tokenizer: Gpt2Tokenizer, context: CaseContext, result: CaseResult): Promise<void> {
  const { repeats } = context;
  result.timings.session_analyze12 = await time(
    async () => {
      const session = await openSession(model, tokenizer, 12);
      sessionMessage(session);
      return session;
    },
    { repeats, warmup: 2, after: (session) => session.dispose() },
  );
  for (const past of [12, 200]) await timeSteps(model, await stepSetup(model, tokenizer, past), context, result);
  await timeViews(await openSession(model, tokenizer, 12), context, result);
  await timeProjectionFit(model, context, result);
}

/** A session on a `past`-token prompt, ready to Step, and a bare KV cache of the same length. */
export interface StepSetup {
  session: ExplorerSession;
  prompt: KvCache; // from model.forward on as many tokens: the bare step continues it
}

export async function stepSetup(model: Gpt2Model, tokenizer: Gpt2Tokenizer, past: number): Promise<StepSetup> {
  return { session: await openSession(model, tokenizer, past), prompt: (await model.forward(promptIds(past))).cache };
}

/**
 * One step three ways, each from the same prompt (a Reset before each session step, untimed): the
 * bare forward, the session's Step with the `session` message it posts, and that plus what the panel
 * then asks for — the step with every per-step view.
 */
export function stepContenders(model: Gpt2Model, { session, prompt }: StepSetup): { forward: Contender; snapshot: Contender; views: Contender } {
  const view = session.view();
  const selected = { token: view.promptLength - 1, trackId: view.next.top[0].id, at: view.defaults };
  const before = () => session.reset().then(() => undefined);
  return {
    forward: { name: 'forward', run: () => model.forward([NEXT_ID], prompt), after: (out) => (out as ForwardResult).cache.dispose() },
    snapshot: { name: 'snapshot', before, run: async () => (await session.step(), sessionMessage(session)) },
    views: { name: 'views', before, run: async () => (await session.step(), sessionMessage(session), await panelRequests(session, selected)) },
  };
}

/** The three kinds of step interleaved round by round, so their rows compare like with like. */
async function timeSteps(model: Gpt2Model, setup: StepSetup, context: CaseContext, result: CaseResult): Promise<void> {
  const past = setup.session.view().promptLength;
  const suffix = past === 12 ? '' : String(past);
  result.values[`analysis_message${suffix}_bytes`] = sessionMessage(setup.session).length;
  const { forward, snapshot, views } = stepContenders(model, setup);
  const timings = await interleave([forward, snapshot, views], { rounds: context.repeats * 2, warmup: 2 });
  result.timings[`forward_step${past}`] = timings.forward;
  result.timings[`step_snapshot${suffix}`] = timings.snapshot;
  result.timings[`step_views${suffix}`] = timings.views;
  setup.prompt.dispose();
  setup.session.dispose();
}

/** The views one at a time, on the lesson's 12-token prompt. */
async function timeViews(session: ExplorerSession, context: CaseContext, result: CaseResult): Promise<void> {
  const { repeats } = context;
  const tokens = session.view().tokens.length;
  let token = 0; // the lens keeps what it read per token: a new token each run reads through the lm_head
  result.timings.lens = await time(() => session.lens(DEFAULTS.layer, token++, null), { repeats: tokens - 1, warmup: 1 });
  const trackId = session.view().next.top[0].id;
  result.timings.lens_cached = await time(() => session.lens(DEFAULTS.layer, tokens - 1, trackId), { repeats: repeats * 2, warmup: 2 });
  result.timings.attention = await time(async () => JSON.stringify(await session.attention(DEFAULTS.layer, DEFAULTS.head)), { repeats: repeats * 2, warmup: 2 });
  result.timings.qkv = await time(() => JSON.stringify(session.qkv(DEFAULTS.layer, DEFAULTS.head, tokens - 1)), { repeats: repeats * 2, warmup: 2 });
  session.setDecoding({ temperature: 1 });
  result.timings.sample = await time(() => session.sample(), { repeats: repeats * 4, warmup: 2 });
  // What the worker does in the pause after a Step (src/explorer/worker.ts), then the panel's first request for that token.
  result.timings.lens_read_ahead = await time(() => session.lens(DEFAULTS.layer, session.view().tokens.length - 1, null), {
    repeats: repeats * 2,
    before: async () => (await session.step(), await session.prefetchLens()),
  });
  // What the worker does in every pause since (src/explorer/worker.ts): every token read ahead, newest first; then an older token's first request.
  let older = 0;
  result.timings.lens_read_ahead_any = await time(() => session.lens(DEFAULTS.layer, older++ % tokens, null), {
    repeats: repeats * 2,
    before: async () => void (await session.step(), await session.readAhead(() => false)),
  });
  session.dispose();
}

/** The PCA behind Token Positions Across Layers, fitted on 13 layers × 12 tokens (done once per prompt). */
async function timeProjectionFit(model: Gpt2Model, context: CaseContext, result: CaseResult): Promise<void> {
  const pass = await model.forward(promptIds(12));
  const { nLayer, nEmbd: d } = model.config;
  const rows = Array.from({ length: (nLayer + 1) * 12 }, (_, i) => pass.hidden.subarray(i * d, (i + 1) * d));
  result.timings.projection = await time(() => ProjectionFrame.fit(rows, d), { repeats: context.repeats, warmup: 1 });
  pass.cache.dispose();
}
