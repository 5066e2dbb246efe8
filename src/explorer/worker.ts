// The session worker (bundled to dist/session-worker.js): a worker_threads entry that owns the model,
// the tokenizer and the current ExplorerSession. onnxruntime-node blocks the thread it runs on (2–3 s to
// create a session, tens of ms per pass), so the extension host never runs it: it posts requests here
// (src/extension/explorer/session-client.ts). Requests are answered strictly in arrival order, one at a
// time, except `cancel`, which is answered at once and stops the analyze or score under way between two
// of its steps (tokenising pieces, prefill passes, lens batches). Each is checked against the protocol
// before anything acts on it; a malformed one is answered with kind 'invalid' and changes nothing. An analyze posts
// progress messages ({ id, progress }) before its reply: the chips, then each prefill pass. Once the queue has
// been empty for a moment after a Step or an analysis, the worker reads the tokens' lens ahead, newest first.

import { parentPort } from 'node:worker_threads';
import { Gpt2Model } from '../engine/model';
import { folderProvenance, withChecksum, type Provenance } from '../engine/provenance';
import { PREFILL_PASS } from '../engine/prefill';
import { Gpt2Tokenizer } from '../engine/tokenizer';
import type { TokenChip } from '../protocol/views';
import { parseWorkerEnvelope, WorkerError, type WorkerProgress, type RequestOf, type WorkerErrorInfo, type WorkerReply, type WorkerRequest, type WorkerRequestType, type WorkerResults } from '../protocol/worker';
import { compare } from './compare';
import { headsGrid } from './heads-grid';
import { patchPair } from './patch-pair';
import { describeModel } from './model-info';
import { LensLayers, scoreForEditor } from './score-lens';
import { ExplorerSession, type SessionProgress } from './session';

const port = parentPort;
if (!port) throw new Error('session-worker.js runs as a worker thread (new Worker(...)), not on its own');

let model: Gpt2Model | null = null;
let tokenizer: Gpt2Tokenizer | null = null;
let session: ExplorerSession | null = null;
let queue: Promise<void> = Promise.resolve();
let analyzing: AbortController | null = null; // the analyze under way
let scoring: AbortController | null = null; // the score under way
const scored = new Map<string, LensLayers>(); // the texts scored last (the editor's and the explorer's chips): hovers ask for their lens layers
const SCORED_KEPT = 2;
let provenance: Provenance | null = null; // which model it is: the views and exports carry it
let hashing: AbortController | null = null; // the sha256 of weights outside the Hugging Face cache, after loading
let patching: AbortController | null = null; // the patch under way
let waiting = 0; // requests received and not yet answered
let changes = 0; // requests that brought a new newest token
let readAt = 0; // `changes` when a read ahead last read every token: the lens is stale while they differ
let idle: ReturnType<typeof setTimeout> | undefined;
/** Requests that bring a new newest token, whose lens is then read ahead once nothing has come for PREFETCH_IDLE_MS. */
const NEW_TOKEN = new Set(['analyze', 'step', 'sampleAppend', 'reset']);
const PREFETCH_IDLE_MS = 100; // past the views the panel asks for right after a Step, before a learner's next click
const READ_AHEAD_IDLE_MS = 1000; // then the other tokens, after a learner's pause: their lm_head runs held up a sentence picked right after another (bench latency, loaded)

port.on('message', (raw: unknown) => {
  const envelope = parseWorkerEnvelope(raw);
  if (envelope.ok && envelope.value.request.type === 'cancel') return cancel(envelope.value.id);
  waiting++;
  clearTimeout(idle);
  if (envelope.ok && NEW_TOKEN.has(envelope.value.request.type)) changes++;
  queue = queue.then(() => answer(raw)).finally(() => --waiting === 0 && changes !== readAt && (idle = setTimeout(prefetchWhenIdle, PREFETCH_IDLE_MS)));
});

/**
 * In the pause after a Step or an analysis: a first lens read when a chip is clicked would take longer
 * than a frame. The newest token's is read first; the other tokens' after a longer pause, newest first, so
 * their lm_head runs take no core from what a new sentence's panels ask and draw right after it. A request
 * that comes meanwhile stops it (it waits for at most one lm_head run); the next pause goes on.
 */
function prefetchWhenIdle(): void {
  const reading = session;
  if (waiting > 0 || !reading) return;
  const rest = (): void => void (waiting === 0 && reading === session && (idle = setTimeout(readRestWhenIdle, READ_AHEAD_IDLE_MS)));
  queue = queue.then(() => reading.prefetchLens()).then(rest).catch(() => undefined); // a disposed session reads nothing
}

function readRestWhenIdle(): void {
  const reading = session;
  if (waiting > 0 || !reading) return;
  const seen = changes;
  const read = () => reading.readAhead(() => waiting > 0).then((done) => void (done && reading === session && (readAt = seen)));
  queue = queue.then(read).catch(() => undefined);
}

/** Out of turn: the queue is busy with the very analyze or score this stops. */
function cancel(id: number): void {
  analyzing?.abort(new WorkerError('cancelled', 'the analysis was cancelled'));
  patching?.abort(new WorkerError('cancelled', 'the patching was cancelled'));
  scoring?.abort(new WorkerError('superseded', 'a newer text to score replaced this one'));
  post({ id, ok: true, result: null });
}

async function answer(raw: unknown): Promise<void> {
  const envelope = parseWorkerEnvelope(raw);
  if (!envelope.ok) return post({ id: requestId(raw), ok: false, error: { kind: 'invalid', message: `a malformed request: ${envelope.error}` } });
  const { id, request } = envelope.value;
  try {
    post({ id, ok: true, result: await handle(request, id) });
  } catch (error) {
    post({ id, ok: false, error: describe(error, request) });
  }
  if (request.type === 'dispose') port!.close(); // nothing else keeps the thread alive: it ends
}

function post(reply: WorkerReply | WorkerProgress): void {
  port!.postMessage(reply);
}

/** The id a malformed request carried, so its caller hears why; 0 (which no caller waits for) if it has none. */
function requestId(raw: unknown): number {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : 0;
}

type Handlers = { [K in WorkerRequestType]: (request: RequestOf<K>, id: number) => Promise<WorkerResults[K]> | WorkerResults[K] };

const handlers: Handlers = {
  load: async ({ modelDir, threads, weights, provider, int8CacheDir }, id) => {
    await release();
    let told = -1; // the whole percent told last: a message per matrix would be hundreds
    const onQuantize = (done: number, total: number) => {
      const percent = Math.floor((100 * done) / total);
      if (percent > told) post({ id, quantized: { done, total } });
      told = percent;
    };
    const [loaded, loadedTokenizer, found] = await Promise.all([
      Gpt2Model.load(modelDir, { weights, provider, int8CacheDir, onQuantize, ...(threads > 0 ? { threads } : {}) }),
      Gpt2Tokenizer.fromModelDir(modelDir),
      folderProvenance(modelDir),
    ]);
    model = loaded;
    tokenizer = loadedTokenizer;
    provenance = found;
    if (found.checksum === null) hashLater(found);
    const { name, passedOver } = loaded.provider;
    return { ...describeModel(loaded.config, loaded.weights), provider: passedOver.length > 0 ? `${name} (${passedOver.join('; ')})` : name, ...found };
  },
  analyze: async ({ sentence, settings, defaults }, id) => {
    if (!model || !tokenizer) throw new WorkerError('no-model', 'no model is loaded yet');
    const stop = new AbortController();
    analyzing = stop;
    let tokens: TokenChip[] = [];
    let truncated = 0;
    const progress: SessionProgress = {
      signal: stop.signal, // progress is told only for prompts of more than one prefill pass: a short one would flash
      onTokens: (chips, cut) => ((tokens = chips), (truncated = cut), chips.length > PREFILL_PASS && tell(0, chips.length)),
      onProgress: (done, total) => total > PREFILL_PASS && tell(done, total),
    };
    const tell = (done: number, total: number) => post({ id, progress: { tokens, truncated, done, total } });
    const next = await ExplorerSession.create(model, tokenizer, { sentence, settings, defaults, progress }).finally(() => (analyzing = null));
    session?.dispose();
    session = next;
    return snapshot(next);
  },
  step: async () => (await current().step(), snapshot(current())),
  sample: async () => current().sample(),
  sampleAppend: async () => (await current().sampleAppend(), snapshot(current())),
  setDecoding: async ({ patch }) => (await current().setDecoding(patch), snapshot(current())),
  reset: async () => (await current().reset(), snapshot(current())),
  force: async ({ id }) => (await current().force(id), snapshot(current())),
  select: async ({ node }) => (await current().select(node), snapshot(current())),
  attention: ({ layer, head }) => current().attention(layer, head),
  attentionMap: ({ layer, head }) => current().attentionMap(layer, head),
  layerAttentionMaps: ({ layer }) => current().layerAttentionMaps(layer),
  qkv: ({ layer, head, token }) => current().qkv(layer, head, token),
  lens: ({ layer, token, trackId }) => current().lens(layer, token, trackId),
  attribution: ({ token, target, versus }) => current().attribution(token, target, versus),
  score: ({ text }) => {
    if (!model || !tokenizer) throw new WorkerError('no-model', 'no model is loaded yet');
    const stop = new AbortController();
    scoring = stop;
    // An empty text is a RangeError: kind 'invalid'.
    scored.delete(text);
    const done = scoreForEditor(model, tokenizer, text, { signal: stop.signal }).finally(() => scoring === stop && (scoring = null));
    return done.then(({ scores, lens }) => {
      scored.set(text, lens);
      if (scored.size > SCORED_KEPT) scored.delete(scored.keys().next().value!);
      return scores;
    });
  },
  lensLayer: ({ text, index }) => {
    const lens = scored.get(text);
    if (!lens) throw new WorkerError('superseded', 'other texts were scored since: score this one again');
    return lens.at(index).then((layer) => ({ layer }));
  },
  headsGrid: ({ token }) => headsGrid(current(), token),
  tokenize: ({ text }) => {
    if (!tokenizer) throw new WorkerError('no-model', 'no model is loaded yet');
    return { text, tokens: tokenizer.encode(text).map((token) => ({ id: token.id, text: token.text })) };
  },
  compare: ({ clean, corrupt, pair }) => compare(loaded().model, loaded().tokenizer, clean, corrupt, pair),
  patch: ({ clean, corrupt, what, target, versus }, id) => {
    const stop = new AbortController();
    patching = stop;
    const onProgress = (done: number, total: number) => post({ id, patched: { done, total } });
    return patchPair(loaded().model, loaded().tokenizer, { clean, corrupt, what, target, versus, signal: stop.signal, onProgress }).finally(() => (patching = null));
  },
  dispose: async () => (await release(), null),
  cancel: () => null, // answered out of turn (above); here only if it came inside the queue
};

function handle(request: WorkerRequest, id: number): Promise<unknown> {
  const handler = handlers[request.type] as (request: WorkerRequest, id: number) => unknown;
  return Promise.resolve(handler(request, id));
}

function loaded(): { model: Gpt2Model; tokenizer: Gpt2Tokenizer } {
  if (!model || !tokenizer) throw new WorkerError('no-model', 'no model is loaded yet');
  return { model, tokenizer };
}

function current(): ExplorerSession {
  if (!session) throw new WorkerError('no-session', 'nothing is analyzed yet: pick a sentence or analyze a selection first');
  return session;
}

async function snapshot(of: ExplorerSession) {
  const view = of.view();
  return { session: provenance ? { ...view, model: { ...view.model, ...provenance } } : view, projection: await of.projection() };
}

/** Hashes the weights without holding up the load; the views tell the checksum from the next answer on. */
function hashLater(found: Provenance): void {
  const stop = new AbortController();
  hashing = stop;
  void withChecksum(found, stop.signal).then((full) => provenance === found && (provenance = full), () => undefined);
}

async function release(): Promise<void> {
  hashing?.abort();
  provenance = null;
  session?.dispose();
  session = null;
  scored.clear();
  await model?.dispose();
  model = null;
}

/** The error's kind travels with it; a failed `load` is about the model's files. */
function describe(error: unknown, request: WorkerRequest): WorkerErrorInfo {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof WorkerError) return { kind: error.kind, message };
  if (request.type === 'load') return { kind: 'model-files', message };
  if (error instanceof RangeError) return { kind: 'invalid', message };
  return { kind: 'internal', message: error instanceof Error && error.stack ? error.stack : message };
}
