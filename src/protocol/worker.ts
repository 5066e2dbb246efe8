// The messages between the extension host and the session worker (src/explorer/worker.ts). The worker
// owns the model and the one ExplorerSession; the host asks, one request at a time, and gets back the
// view data of views.ts. Both directions are checked at run time like the webview's: the worker checks
// each request before it acts, the host checks each reply against the schema of what it asked.

import { EXECUTION_PROVIDERS, WEIGHTS_MODES } from '../engine/types';
import { decodingPatch, decodingSettings } from './decoding';
import { compareView, PATCH_SITES, patchingView, patchProgress, patchSite } from './compare';
import { array, boolean, type Infer, literal, nullable, number, object, oneOf, optional, parseWith, type Result, type Schema, string, union } from './schema';
import { MAX_SCORED_TEXT, textScores } from './surprise';
import { analysisProgress, type AnalysisProgress, attentionMap, attentionView, attributionPanelView, head, headsGridView, layer, layerHead, MAX_HEADS, lensView, MAX_TEXT, MAX_TYPED_TOKEN, modelInfo, qkvView, sentenceView, sessionSnapshot, tallyView, tokenId, tokenIndex, tokenizedView, treeNodeId } from './views';

/** What the worker can be asked to do; `type` names the ExplorerSession method it calls. */
export const workerRequest = union({
  /** threads 0: the engine's default; provider: the execution provider (default cpu); int8CacheDir: where 8-bit weights are kept between loads (none: quantized every time). */
  load: object({ type: literal('load'), modelDir: string(4096), threads: number({ min: 0, max: 256, integer: true }), weights: oneOf(WEIGHTS_MODES), provider: optional(oneOf(EXECUTION_PROVIDERS)), int8CacheDir: optional(string(4096)) }),
  /** defaults: a preset's Layer/Head. */
  analyze: object({ type: literal('analyze'), sentence: sentenceView, settings: decodingSettings, defaults: optional(layerHead) }),
  step: object({ type: literal('step') }),
  sample: object({ type: literal('sample') }),
  sampleAppend: object({ type: literal('sampleAppend') }),
  setDecoding: object({ type: literal('setDecoding'), patch: decodingPatch }),
  reset: object({ type: literal('reset') }),
  /** The decoding tree: append `id` instead of what Step or a draw would pick (a branch); show node `node` (null: the prompt). */
  force: object({ type: literal('force'), id: tokenId }),
  select: object({ type: literal('select'), node: nullable(treeNodeId) }),
  attention: object({ type: literal('attention'), layer, head }),
  /** The same pattern packed for the panel (views.ts attentionMap): what requestAttention gets; `attention` is for files. */
  attentionMap: object({ type: literal('attentionMap'), layer, head }),
  /** Every head's pattern at `layer`, packed, in one run: what the host reads ahead for the panel in a pause (attention-ahead.ts). */
  layerAttentionMaps: object({ type: literal('layerAttentionMaps'), layer }),
  qkv: object({ type: literal('qkv'), layer, head, token: tokenIndex }),
  /** trackId null: track the token's top guess at the last layer (the answer's track says which). */
  lens: object({ type: literal('lens'), layer, token: tokenIndex, trackId: nullable(tokenId) }),
  /** Direct logit attribution of target [− versus] at token. */
  attribution: object({ type: literal('attribution'), token: tokenIndex, target: tokenId, versus: nullable(tokenId) }),
  /** How the tokenizer splits a short text (the Attribution panel's typed target). */
  tokenize: object({ type: literal('tokenize'), text: string(MAX_TYPED_TOKEN) }),
  /** Token surprise over a text of its own (not the session's): scores/chunks as in src/explorer/score.ts; the session stays. */
  score: object({ type: literal('score'), text: string(MAX_SCORED_TEXT) }),
  /** The lens layer of token `index` of the text scored last (its scores leave it out): 'superseded' when `text` is not that text. */
  lensLayer: object({ type: literal('lensLayer'), text: string(MAX_SCORED_TEXT), index: number({ min: 0, integer: true }) }),
  /** Every head's pattern, reduced (views.ts headsGridView), with where `token` looks most in each. */
  headsGrid: object({ type: literal('headsGrid'), token: tokenIndex }),
  /** Two prompts side by side (protocol/compare.ts); pair: a preset pair's metric tokens. The session stays. */
  compare: object({ type: literal('compare'), clean: string(MAX_TEXT), corrupt: string(MAX_TEXT), pair: optional(object({ target: string(1000), versus: string(1000) })) }),
  /** Activation patching of clean into corrupt, one grid per site asked; posts patch progress; stopped by cancel (kind 'cancelled'). */
  patch: object({ type: literal('patch'), clean: string(MAX_TEXT), corrupt: string(MAX_TEXT), what: array(patchSite, PATCH_SITES.length), target: tokenId, versus: tokenId }),
  dispose: object({ type: literal('dispose') }),
  /**
   * Stops the analyze, patch or score under way; answered at once, out of turn. The analyze or patch then
   * fails with kind 'cancelled'; the score with 'superseded' (the client sends it when a newer text to score comes).
   */
  cancel: object({ type: literal('cancel') }),
});

export type WorkerRequest = Infer<typeof workerRequest>;
export type WorkerRequestType = WorkerRequest['type'];
export type RequestOf<K extends WorkerRequestType> = Extract<WorkerRequest, { type: K }>;

/** What each request answers with. */
export const workerResults = {
  load: modelInfo,
  analyze: sessionSnapshot,
  step: sessionSnapshot,
  sample: tallyView, // a roll that is not appended: only the tally changes
  sampleAppend: sessionSnapshot,
  setDecoding: sessionSnapshot,
  reset: sessionSnapshot,
  force: sessionSnapshot,
  select: sessionSnapshot,
  attention: attentionView,
  attentionMap,
  layerAttentionMaps: array(attentionMap, MAX_HEADS),
  qkv: qkvView,
  lens: lensView,
  attribution: attributionPanelView,
  tokenize: tokenizedView,
  score: textScores,
  lensLayer: object({ layer: nullable(layer) }),
  headsGrid: headsGridView,
  compare: compareView,
  patch: array(patchingView, PATCH_SITES.length),
  dispose: literal(null),
  cancel: literal(null),
} satisfies { [K in WorkerRequestType]: Schema<unknown> };

export type WorkerResults = { [K in WorkerRequestType]: Infer<(typeof workerResults)[K]> };

/**
 * Why a request failed, so the host can say what to do next:
 * - model-files: the model folder lacks a file or holds a bad one (download or import again);
 * - no-model: a session request before `load` succeeded;
 * - no-session: a step/view request before `analyze`;
 * - invalid: the request itself is out of range (a layer the model does not have …) or malformed;
 * - crashed: the worker died (the client restarts it); superseded: a newer request of the same view
 *   replaced this one before it ran; disposed: the client was closed before it ran;
 * - cancelled: an analyze stopped by a cancel request;
 * - internal: anything else (a bug: the message is logged).
 */
export const workerErrorKind = oneOf(['model-files', 'no-model', 'no-session', 'invalid', 'crashed', 'superseded', 'disposed', 'cancelled', 'internal'] as const);
export type WorkerErrorKind = Infer<typeof workerErrorKind>;

export const workerErrorInfo = object({ kind: workerErrorKind, message: string(100_000) });
export type WorkerErrorInfo = Infer<typeof workerErrorInfo>;

/** host → worker */
export const workerEnvelope = object({ id: number({ min: 0, integer: true }), request: workerRequest });
export type WorkerEnvelope = Infer<typeof workerEnvelope>;

/** worker → host: the answer to request `id`; `result` is checked against workerResults[request.type]. */
export type WorkerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: WorkerErrorInfo };
const workerReplyHead = object({ id: number({ min: 0, integer: true }), ok: boolean, result: optional(unknownValue()), error: optional(workerErrorInfo) });

/** worker → host, before the reply to request `id`: how far it is (an analyze: `progress`; a patch: `patched`; a load quantizing to 8 bits: `quantized`, weights of all). */
export const workerProgress = object({ id: number({ min: 0, integer: true }), progress: optional(analysisProgress), patched: optional(patchProgress), quantized: optional(patchProgress) });
export type WorkerProgress = Infer<typeof workerProgress>;
/** What the progress messages of request type K carry. */
export type ProgressOf<K extends WorkerRequestType> = K extends 'patch' | 'load' ? Infer<typeof patchProgress> : AnalysisProgress;

/** Checks a progress message, in the host; never throws. Replies carry `ok`, progress messages `progress` or `patched`. */
export const parseWorkerProgress = (raw: unknown): Result<WorkerProgress> => parseWith(workerProgress, raw);

/** Checks a request, in the worker; never throws. */
export const parseWorkerEnvelope = (raw: unknown): Result<WorkerEnvelope> => parseWith(workerEnvelope, raw);

/** Checks a reply's frame (id, ok, error), in the host; the result is checked by parseWorkerResult. */
export function parseWorkerReply(raw: unknown): Result<WorkerReply> {
  const parsed = parseWith(workerReplyHead, raw);
  if (!parsed.ok) return parsed;
  const { id, ok, result, error } = parsed.value;
  if (ok) return { ok: true, value: { id, ok: true, result } };
  return error ? { ok: true, value: { id, ok: false, error } } : { ok: false, error: 'a failed reply without its error' };
}

/** Checks what request `type` answered with, in the host; never throws. */
export function parseWorkerResult<K extends WorkerRequestType>(type: K, raw: unknown): Result<WorkerResults[K]> {
  return parseWith(workerResults[type] as Schema<WorkerResults[K]>, raw);
}

/** An error carrying its kind across the thread boundary. */
export class WorkerError extends Error {
  constructor(
    readonly kind: WorkerErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}

/** Any value: the frame of a reply is checked here, its result by the schema of the request. */
function unknownValue(): Schema<unknown> {
  return { check: (value) => ({ ok: true, value }) };
}
