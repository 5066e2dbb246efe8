// The host's side of the session worker: it starts dist/session-worker.js, sends it one request at a
// time from a queue, and turns each reply back into a resolved or rejected promise. No `vscode` here:
// the tests drive it on a real worker and a real model.
//
// Why one at a time: the session is a sequence (Step after Step after Reset); fifty rapid Step clicks
// must land as fifty steps in order, never interleaved with a view request that reads half a state.
// Why coalesce: dragging a slider asks for attention/Q-K-V/lens views faster than they are computed;
// only the newest waiting request of each view type is worth running — unless it is asked `alone`: GPT-2: Save
// Analysis asks each view once for its file, and neither its request nor the panel's may drop the other.
// Why check replies: the worker is our code, but a reply is only data crossing a thread; each is checked
// against the schema of what was asked, so a bug there becomes a logged 'internal' error, not bad views.

import { Worker } from 'node:worker_threads';
import { leaveMark, MARKS } from '../common/marks';
import { parseWorkerProgress, parseWorkerReply, parseWorkerResult, WorkerError, type ProgressOf, type RequestOf, type WorkerEnvelope, type WorkerReply, type WorkerRequest, type WorkerRequestType, type WorkerResults } from '../../protocol/worker';

/** View requests that a newer request of the same type makes pointless. */
const COALESCED: ReadonlySet<WorkerRequestType> = new Set(['attention', 'attentionMap', 'qkv', 'lens', 'attribution', 'headsGrid', 'score', 'lensLayer', 'compare', 'patch']); // a newer text's score makes the older one pointless too; a newer hover, the older one's
/** How long a closing worker may take to finish its pass and dispose (a full-size load takes ≈ 3 s). */
const STOP_GRACE_MS = 30_000;

export interface SessionClientOptions {
  /** Starts a worker; by default `new Worker(workerPath)`. Tests pass their own to reach the thread. */
  spawn: () => Worker;
  /** The worker ended without being asked to (an uncaught error, out of memory, terminated). */
  onCrash?: (reason: string) => void;
  /** True while a request somebody asked for runs or waits (an `unasked` one is not counted); false when none does. */
  onBusy?: (busy: boolean) => void;
  /** Where a malformed reply is told (it also fails its request with kind 'internal'). */
  log?: (line: string) => void;
}

/** How a request ended: its checked result, or why not. */
type Outcome = { ok: true; result: unknown } | { ok: false; error: WorkerError };

interface Job {
  id: number;
  request: WorkerRequest;
  onProgress?: (progress: unknown) => void; // ProgressOf the request's type
  alone: boolean; // neither replaced by a newer request of its type nor replacing one
  unasked: boolean; // work nobody waits for (the attention read ahead): onBusy does not count it
  resolve: (result: unknown) => void;
  reject: (error: WorkerError) => void;
}

export class SessionClient {
  private worker: Worker | null = null;
  private readonly waiting: Job[] = [];
  private running: Job | null = null;
  private nextId = 1;
  private disposed = false;

  constructor(private readonly options: SessionClientOptions) {}

  static forBundle(workerPath: string, options: Omit<SessionClientOptions, 'spawn'> = {}): SessionClient {
    return new SessionClient({ ...options, spawn: () => new Worker(workerPath) });
  }

  /**
   * Queues a request; resolves with the worker's answer, rejects with a WorkerError. A view request replaces
   * the one of its type still waiting, unless either is asked `alone`. An `unasked` request (nobody waits for
   * it) does not make onBusy say busy: the panel's buttons stay as they are while the host reads ahead.
   */
  request<K extends WorkerRequestType>(request: RequestOf<K>, onProgress?: (progress: ProgressOf<K>) => void, { alone = false, unasked = false } = {}): Promise<WorkerResults[K]> {
    if (this.disposed) return Promise.reject(new WorkerError('disposed', 'the GPT-2 session was closed'));
    if (COALESCED.has(request.type) && !alone) this.supersede(request.type);
    if (request.type === 'score' && this.running?.request.type === 'score') this.postCancel(); // a long text's chunks stop for the newer text
    return new Promise<WorkerResults[K]>((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, request, onProgress: onProgress as Job['onProgress'], alone, unasked, resolve: resolve as (result: unknown) => void, reject });
      this.pump();
    });
  }

  /**
   * Stops the analyze (or patch) that runs now (it then fails with kind 'cancelled'); one still waiting
   * is dropped. Out of turn: the worker answers it at once, not after the queue.
   */
  cancel(type: 'analyze' | 'patch' = 'analyze'): void {
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      if (this.waiting[i].request.type !== type) continue;
      this.waiting.splice(i, 1)[0].reject(new WorkerError('cancelled', `the ${type === 'analyze' ? 'analysis' : 'patching'} was cancelled`));
    }
    if (this.running?.request.type === type) this.postCancel();
  }

  /** Out of turn: stops the analyze or score the worker runs now. */
  private postCancel(): void {
    const cancel: WorkerEnvelope = { id: 0, request: { type: 'cancel' } }; // id 0: no job waits for its answer
    this.worker?.postMessage(cancel);
  }

  /** A request runs or waits. */
  get busy(): boolean {
    return this.running !== null || this.waiting.length > 0;
  }

  /** A request somebody asked for runs or waits. */
  private get asked(): boolean {
    return (this.running !== null && !this.running.unasked) || this.waiting.some((job) => !job.unasked);
  }

  /** True while a worker thread exists (it is started by the first request). */
  get started(): boolean {
    return this.worker !== null;
  }

  /**
   * Closes the worker, even mid-inference: whatever was running or waiting is rejected at once with
   * kind 'disposed', and the worker is asked to dispose its model after the pass it is in. Resolves
   * when the thread has ended and its memory is freed. A new request starts a new worker.
   *
   * Not worker.terminate(): terminating a thread while onnxruntime-node runs aborts the whole process
   * ("terminate called after throwing an instance of 'Napi::Error'", seen here), and the process is the
   * extension host. Only a worker that ignores the request for STOP_GRACE_MS is terminated.
   */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.failAll('disposed', 'the GPT-2 session was closed');
    if (!worker) return;
    worker.removeAllListeners();
    worker.on('error', () => undefined); // the thread is going: what it says now is not news
    const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const dispose: WorkerEnvelope = { id: 0, request: { type: 'dispose' } }; // id 0: no job waits for its answer
    worker.postMessage(dispose);
    const grace = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
    await ended;
    clearTimeout(grace);
  }

  /** Stops the worker for good: later requests are rejected. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stop();
  }

  private supersede(type: WorkerRequestType): void {
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      if (this.waiting[i].request.type !== type || this.waiting[i].alone) continue;
      const [job] = this.waiting.splice(i, 1);
      job.reject(new WorkerError('superseded', `a newer ${type} request replaced this one`));
    }
  }

  private pump(): void {
    if (this.running || this.waiting.length === 0) {
      this.options.onBusy?.(this.asked);
      return;
    }
    const job = this.waiting.shift()!;
    this.running = job;
    this.options.onBusy?.(this.asked);
    const envelope: WorkerEnvelope = { id: job.id, request: job.request };
    try {
      this.ensureWorker().postMessage(envelope);
    } catch (error) {
      // The thread could not even start (a missing bundle): this request fails, the next one tries again.
      this.running = null;
      const reason = `The GPT-2 worker could not start: ${error instanceof Error ? error.message : String(error)}`;
      job.reject(new WorkerError('crashed', reason));
      this.options.onCrash?.(reason);
      this.pump();
    }
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = this.options.spawn();
    worker.on('message', (raw: unknown) => this.receive(raw));
    worker.on('error', (error) => this.crashed(worker, `it threw ${error.stack ?? error.message}`));
    worker.on('exit', (code) => this.crashed(worker, `it exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  /** Checks a reply's frame, then its result against what was asked; a malformed one fails the running request. */
  private receive(raw: unknown): void {
    const job = this.running;
    if (!job) return; // an answer to a request already given up (stop, crash)
    const progress = raw as { progress?: unknown; patched?: unknown; quantized?: unknown } | null;
    if (progress?.progress !== undefined || progress?.patched !== undefined || progress?.quantized !== undefined) return this.progressed(job, raw);
    leaveMark(MARKS.workerReply, { type: job.request.type }); // before the check: the bench times what follows the reply (bench/cases/surprise-screen.ts)
    const reply = parseWorkerReply(raw);
    if (!reply.ok) return this.settle(job, this.malformed(job, reply.error));
    if (reply.value.id !== job.id) return; // likewise: an older request's answer
    this.settle(job, this.outcome(job, reply.value));
  }

  /** How far the running analyze or patch is; a malformed one is logged and dropped (the reply still settles the job). */
  private progressed(job: Job, raw: unknown): void {
    const progress = parseWorkerProgress(raw);
    if (!progress.ok) return this.options.log?.(`the worker sent a malformed progress message: ${progress.error}`);
    const { id, progress: read, patched, quantized } = progress.value;
    const fits = job.request.type === 'patch' ? patched : job.request.type === 'load' ? quantized : read; // what this request's type reports
    if (id === job.id && fits !== undefined) job.onProgress?.(fits);
  }

  private outcome(job: Job, reply: WorkerReply): Outcome {
    if (!reply.ok) return { ok: false, error: new WorkerError(reply.error.kind, reply.error.message) };
    const result = parseWorkerResult(job.request.type, reply.result);
    return result.ok ? { ok: true, result: result.value } : this.malformed(job, result.error);
  }

  private malformed(job: Job, problem: string): Outcome {
    const message = `the worker answered "${job.request.type}" with a malformed reply: ${problem}`;
    this.options.log?.(message);
    return { ok: false, error: new WorkerError('internal', message) };
  }

  private settle(job: Job, outcome: Outcome): void {
    this.running = null;
    if (outcome.ok) job.resolve(outcome.result);
    else job.reject(outcome.error);
    if (job.request.type === 'dispose') this.worker = null; // it ends itself after answering
    this.pump();
  }

  private crashed(worker: Worker, how: string): void {
    if (worker !== this.worker) return; // a worker we stopped, or one that ended after `dispose`
    this.worker = null;
    worker.removeAllListeners();
    const reason = `The GPT-2 worker stopped unexpectedly: ${how}`;
    this.failAll('crashed', reason);
    this.options.onCrash?.(reason);
  }

  private failAll(kind: 'crashed' | 'disposed', message: string): void {
    const jobs = [...(this.running ? [this.running] : []), ...this.waiting.splice(0)];
    this.running = null;
    for (const job of jobs) job.reject(new WorkerError(kind, message));
    this.options.onBusy?.(false);
  }
}
