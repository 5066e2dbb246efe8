// The one contract between the extension host and its webviews. Every message is described once,
// as a runtime schema; its TypeScript type is inferred from it. Both sides check every message they
// receive with `parse…Message` and drop (and log) anything malformed instead of throwing.
//
// Host → explorer webview: HostMessage.   Explorer webview → host: ExplorerMessage.
// Host → walkthrough view: WalkthroughHostMessage.   Walkthrough view → host: WalkthroughMessage.

import { array, boolean, Infer, literal, nullable, number, object, oneOf, optional, record, Result, Schema, string, union } from './schema';

/** Upper bounds that no real GPT-2 exceeds; the explorer checks the model's own limits after this. */
const MAX_LAYERS = 96;
const MAX_HEADS = 128;
const MAX_TOKENS = 4096;
const MAX_VOCAB = 1_000_000;
const MAX_TEXT = 200_000;

const layer = number({ min: 0, max: MAX_LAYERS, integer: true });
const head = number({ min: 0, max: MAX_HEADS, integer: true });
const tokenIndex = number({ min: 0, max: MAX_TOKENS, integer: true });
const tokenId = number({ min: 0, max: MAX_VOCAB, integer: true });
const probability = number({ min: 0, max: 1 });
const anyNumber = number();

// ——— view data (see src/explorer/views.ts for what each field means) ———

const candidate = object({ id: tokenId, text: string(1000), prob: probability });

const tokenChip = object({
  index: tokenIndex,
  id: tokenId,
  text: string(1000),
  generated: boolean,
  start: number({ min: -1, max: MAX_TEXT, integer: true }),
  end: number({ min: -1, max: MAX_TEXT, integer: true }),
});

/** Bounds shared by the settings UI, the Set Temperature command and the explorer. */
export const DECODING_LIMITS = {
  temperature: { min: 0, max: 2 },
  topK: { min: 0, max: MAX_VOCAB, integer: true },
  topP: { min: 0, max: 1 },
  maxNewTokens: { min: 1, max: 1024, integer: true },
  seed: { min: 0, max: 2 ** 32 - 1, integer: true },
} as const;

const decodingSettings = object({
  temperature: number(DECODING_LIMITS.temperature),
  topK: number(DECODING_LIMITS.topK),
  topP: number(DECODING_LIMITS.topP),
  maxNewTokens: number(DECODING_LIMITS.maxNewTokens),
  seed: number(DECODING_LIMITS.seed),
});

const stopReason = oneOf(['eos', 'max_tokens', 'context_full'] as const);
const tallyView = object({ counts: record(number({ min: 0, integer: true })), total: number({ min: 0, integer: true }), last: nullable(candidate) });

const sessionView = object({
  sentence: object({ id: string(200), text: string(MAX_TEXT), source: oneOf(['preset', 'selection', 'codelens', 'custom'] as const) }),
  tokens: array(tokenChip, MAX_TOKENS),
  promptLength: tokenIndex,
  generated: tokenIndex,
  stop: nullable(stopReason),
  next: object({ top: array(candidate, 100), kept: tokenId }),
  tally: tallyView,
  settings: decodingSettings,
  model: object({
    name: string(200),
    layers: layer,
    heads: head,
    embd: number({ min: 1, max: 65536, integer: true }),
    vocab: tokenId,
    positions: tokenIndex,
  }),
  defaults: object({ layer, head }),
  truncated: number({ min: 0, integer: true }),
});

const projectionView = object({ layers: layer, tokens: tokenIndex, points: array(anyNumber), last: tokenIndex });
const attentionView = object({ layer, head, size: tokenIndex, weights: array(probability, MAX_TOKENS * MAX_TOKENS) });
const qkvView = object({ layer, head, token: tokenIndex, q: array(anyNumber, 4096), k: array(anyNumber, 4096), v: array(anyNumber, 4096) });
const lensView = object({
  layer,
  token: tokenIndex,
  top: array(candidate, 100),
  track: nullable(object({ id: tokenId, text: string(1000), probs: array(probability, MAX_LAYERS + 1) })),
});
const presetView = object({ id: string(200), text: string(MAX_TEXT), layer, head, note: string(1000) });

/** What the explorer webview shows and remembers across reloads (kept with setState; echoed to the host). */
const tab = oneOf(['tokens', 'attention', 'generation'] as const);
const uiState = object({
  tab,
  layer, // Layer dropdown
  head, // Head dropdown
  slider: layer, // Token Positions Across Layers slider, 0..L
  token: nullable(tokenIndex), // the clicked chip
  showQkv: boolean, // the Q/K/V box is open
  lensLayer: layer, // layer the logit lens reads
  trackId: nullable(tokenId), // token whose probability is plotted across layers
});
const uiPatch = object({
  tab: optional(tab),
  layer: optional(layer),
  head: optional(head),
  slider: optional(layer),
  token: optional(nullable(tokenIndex)),
  showQkv: optional(boolean),
  lensLayer: optional(layer),
  trackId: optional(nullable(tokenId)),
});

const modelState = oneOf(['none', 'loading', 'ready', 'error'] as const);

// ——— host → explorer webview ———

export const hostMessage = union({
  /** First message after `ready`: the Sentence dropdown's presets. */
  init: object({ type: literal('init'), presets: array(presetView, 100) }),
  /** Model state for the status line; `busy` disables Step/Sample while inference runs. */
  status: object({ type: literal('status'), model: modelState, busy: boolean, detail: string(1000) }),
  /** A new or changed session: after Analyze, Step, Sample-and-append, Reset or a setting change. */
  session: object({ type: literal('session'), session: sessionView, projection: projectionView }),
  attention: object({ type: literal('attention'), view: attentionView }),
  qkv: object({ type: literal('qkv'), view: qkvView }),
  lens: object({ type: literal('lens'), view: lensView }),
  /** A Sample roll that was not appended (lesson, Generation step 5). */
  tally: object({ type: literal('tally'), tally: tallyView }),
  /** The host (walkthrough, commands) changes what the panel shows. */
  ui: object({ type: literal('ui'), patch: uiPatch }),
  /** Something failed; `action` names a command the webview offers as a button. */
  error: object({ type: literal('error'), message: string(2000), action: nullable(oneOf(['downloadModel', 'importModel', 'openSettings'] as const)) }),
});

// ——— explorer webview → host ———

export const explorerMessage = union({
  ready: object({ type: literal('ready') }),
  selectSentence: object({ type: literal('selectSentence'), id: string(200) }),
  step: object({ type: literal('step') }),
  sample: object({ type: literal('sample') }),
  sampleAppend: object({ type: literal('sampleAppend') }),
  reset: object({ type: literal('reset') }),
  setDecoding: object({
    type: literal('setDecoding'),
    patch: object({
      temperature: optional(number(DECODING_LIMITS.temperature)),
      topK: optional(number(DECODING_LIMITS.topK)),
      topP: optional(number(DECODING_LIMITS.topP)),
      maxNewTokens: optional(number(DECODING_LIMITS.maxNewTokens)),
      seed: optional(number(DECODING_LIMITS.seed)),
    }),
  }),
  requestAttention: object({ type: literal('requestAttention'), layer, head }),
  requestQkv: object({ type: literal('requestQkv'), layer, head, token: tokenIndex }),
  requestLens: object({ type: literal('requestLens'), layer, token: tokenIndex, trackId: nullable(tokenId) }),
  /** Select the token's characters in the editor it came from. */
  revealToken: object({ type: literal('revealToken'), index: tokenIndex }),
  /** The webview's UI state changed (the walkthrough follows progress through it). */
  uiState: object({ type: literal('uiState'), ui: uiState }),
  runCommand: object({ type: literal('runCommand'), command: oneOf(['downloadModel', 'importModel', 'openSettings'] as const) }),
});

// ——— walkthrough view ———

export const walkthroughHostMessage = union({
  /** Which lesson step is current and which are done (ids from src/explorer/lesson.ts). */
  progress: object({ type: literal('progress'), current: string(200), done: array(string(200), 100), modelReady: boolean }),
});

export const walkthroughMessage = union({
  ready: object({ type: literal('ready') }),
  /** Do the step in the explorer panel (open it, pick the sentence, move the slider …). */
  runStep: object({ type: literal('runStep'), id: string(200) }),
  goto: object({ type: literal('goto'), id: string(200) }),
  resetProgress: object({ type: literal('resetProgress') }),
});

export type HostMessage = Infer<typeof hostMessage>;
export type ExplorerMessage = Infer<typeof explorerMessage>;
export type WalkthroughHostMessage = Infer<typeof walkthroughHostMessage>;
export type WalkthroughMessage = Infer<typeof walkthroughMessage>;
export type UiState = Infer<typeof uiState>;
export type UiPatch = Infer<typeof uiPatch>;
export type ModelState = Infer<typeof modelState>;
export type CommandAction = Exclude<Extract<HostMessage, { type: 'error' }>['action'], null>;

/** Checks a message from a webview; never throws. */
export const parseExplorerMessage = (raw: unknown): Result<ExplorerMessage> => guard(explorerMessage, raw);
export const parseWalkthroughMessage = (raw: unknown): Result<WalkthroughMessage> => guard(walkthroughMessage, raw);
/** Checks a message from the host, in the webview; never throws. */
export const parseHostMessage = (raw: unknown): Result<HostMessage> => guard(hostMessage, raw);
export const parseWalkthroughHostMessage = (raw: unknown): Result<WalkthroughHostMessage> => guard(walkthroughHostMessage, raw);

function guard<T>(schema: Schema<T>, raw: unknown): Result<T> {
  try {
    return schema.check(raw, '');
  } catch (error) {
    // A hostile value (a getter that throws, a deep structure) must not escape as an exception.
    return { ok: false, error: `message could not be checked: ${String(error)}` };
  }
}
