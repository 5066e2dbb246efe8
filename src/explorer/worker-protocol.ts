// The messages between the extension host and the session worker (src/explorer/worker.ts). The worker
// owns the model and the one ExplorerSession; the host asks, one request at a time, and gets back the
// plain view data of views.ts. Both sides are our own code in one bundle set, so these are typed, not
// schema-checked (the webview's messages, which are not ours to trust, go through src/protocol.ts).

import type { WeightsMode } from '../engine/types';
import type { DecodingSettings } from '../protocol/decoding';
import type { AttentionView, LensView, ModelInfo, ProjectionView, QkvView, SentenceView, SessionView, TallyView } from '../protocol/views';

/** What the worker can be asked to do; `kind` names the ExplorerSession method it calls. */
export type WorkerRequest =
  | { kind: 'load'; modelDir: string; threads: number; weights: WeightsMode } // threads 0: the engine's default
  | { kind: 'analyze'; sentence: SentenceView; settings: DecodingSettings; defaults?: { layer: number; head: number } } // defaults: a preset's Layer/Head
  | { kind: 'step' }
  | { kind: 'sample' }
  | { kind: 'sampleAppend' }
  | { kind: 'setDecoding'; patch: Partial<DecodingSettings> }
  | { kind: 'reset' }
  | { kind: 'attention'; layer: number; head: number }
  | { kind: 'qkv'; layer: number; head: number; token: number }
  | { kind: 'lens'; layer: number; token: number; trackId: number | null }
  | { kind: 'dispose' };

export type WorkerRequestKind = WorkerRequest['kind'];

/** A session as the panel draws it: the view and the token positions that go with it. */
export interface SessionSnapshot {
  session: SessionView;
  projection: ProjectionView;
}

/** What each request answers with. */
export interface WorkerResults {
  load: ModelInfo;
  analyze: SessionSnapshot;
  step: SessionSnapshot;
  sample: TallyView; // a roll that is not appended: only the tally changes
  sampleAppend: SessionSnapshot;
  setDecoding: SessionSnapshot;
  reset: SessionSnapshot;
  attention: AttentionView;
  qkv: QkvView;
  lens: LensView;
  dispose: null;
}

export type RequestOf<K extends WorkerRequestKind> = Extract<WorkerRequest, { kind: K }>;

/**
 * Why a request failed, so the host can say what to do next:
 * - model-files: the model folder lacks a file or holds a bad one (download or import again);
 * - no-model: a session request before `load` succeeded;
 * - no-session: a step/view request before `analyze`;
 * - invalid: the request itself is out of range (a layer the model does not have …);
 * - crashed: the worker died (the client restarts it); superseded: a newer request of the same view
 *   replaced this one before it ran; disposed: the client was closed before it ran;
 * - internal: anything else (a bug: the message is logged).
 */
export type WorkerErrorKind = 'model-files' | 'no-model' | 'no-session' | 'invalid' | 'crashed' | 'superseded' | 'disposed' | 'internal';

export interface WorkerErrorInfo {
  kind: WorkerErrorKind;
  message: string;
}

/** host → worker */
export interface WorkerEnvelope {
  id: number;
  request: WorkerRequest;
}

/** worker → host: the answer to request `id`. */
export type WorkerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: WorkerErrorInfo };

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
