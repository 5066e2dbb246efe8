// GPT-2 on onnxruntime-node, as two sessions (see graph.ts): the transformer, for prompts (P = 0)
// and KV-cache steps (P > 0) alike, and the lm_head (ln_f + tied unembedding), which turns the last
// position into the next-token logits and any residual into a logit-lens row. wte is then held
// once, packed for the lm_head's product; the transformer's embedding lookup reads only the rows it
// needs from the mapped file. (One graph computing logits for every position held wte twice over,
// and a lens head a third time.)
// F32 weights are read by ORT straight out of model.safetensors as external data; F16/BF16 ones
// are widened to float32 and handed over as in-memory external data.
// With weights 'int8' the matrices of the products are read one at a time, quantized to 8 bits
// (or read back from the cache of an earlier load: int8-cache.ts) and written into the graphs
// themselves (see graph.ts); everything else is read as above. ORT
// then holds each quantized matrix once, packed for MatMulNBits (measured, full size: 414 MiB RSS
// after load and GC against 587 MiB in fp32, of which 147 MiB is the fp32 wte the embedding lookup
// reads). Prepacking stays on: without it (session option disable_prepacking) the process held
// 75 MiB less, but a step took 380 ms instead of 11.
import * as ort from 'onnxruntime-node';
import { availableParallelism } from 'node:os';
import { basename, dirname } from 'node:path';
import { buildAttentionMap } from './attention-graph';
import { buildHeadOutputs } from './head-outputs-graph';
import { HeadOutputsSession } from './head-outputs';
import { buildPatchBlock, buildPatchReadout } from './patch-graph';
import { PatchSessions, type BlockOutputs, type BlockRun } from './patch';
import { buildLmHead, buildTransformer, INT8, INT8_ACCURACY_LEVEL, int8Matrices, type WeightSource } from './graph';
import { KvStore } from './kv-cache';
import { inMemory as memoryFile } from './onnx-builder';
import { checkGpt2Folder, type Gpt2Weights } from './gpt2-weights';
import { Int8Store } from './int8-cache';
import { ScoreReadout, type RowScores } from './score-readout';
import { readTensorAsFloat32, readTensorRowsAsFloat32 } from './safetensors';
import { DEFAULT_PROVIDER, type ForwardResult, type Gpt2Config, type HeadOutputs, type KvCache, type LoadOptions, type WeightsMode } from './types';
import { openSession, providerCandidates } from './providers';
import { WeightsGuard } from './weights-guard';

export class Gpt2Model {
  private disposed = false;
  private readonly running = new Set<Promise<unknown>>(); // passes started and not yet finished

  private constructor(
    readonly config: Gpt2Config,
    readonly weights: WeightsMode, // what the matrix products run on: every number shown comes from these
    private readonly transformer: ort.InferenceSession,
    private readonly lmHead: ort.InferenceSession,
    private readonly attentionMap: ort.InferenceSession, // weightless: one head's [T, T] pattern from its saved q and k
    private readonly headOutputsSession: HeadOutputsSession, // opened on first use: every head's output at one position
    private readonly patchSessions: PatchSessions, // opened on first use: one block at a time, with activations patched in
    private readonly guard: WeightsGuard | undefined, // only when ORT maps weights from the file
    private readonly weightsInMemory: Map<string, Float32Array>, // ORT may read these in place: kept alive until dispose()
    readonly provider: { name: string; passedOver: string[] } = { name: 'cpu', passedOver: [] }, // the execution provider that runs it, and those auto could not start
    private readonly readout: ScoreReadout, // opened on first use: the surprise scores of lm_head rows, inside ORT
  ) {}

  /** Reads dir/config.json and dir/model.safetensors (checked tensor by tensor), builds the graphs, opens both sessions. */
  static async load(dir: string, options: LoadOptions = {}): Promise<Gpt2Model> {
    const { config, weights } = await checkGpt2Folder(dir);
    const mode = options.weights ?? 'float32';
    const accuracyLevel = options.int8AccuracyLevel ?? INT8_ACCURACY_LEVEL;
    if (mode === 'int8' && config.nEmbd % INT8.block !== 0) {
      throw new Error(`8-bit weights need n_embd to be a multiple of ${INT8.block}; this model's is ${config.nEmbd}`);
    }
    const weightsInMemory = await weightsInMemoryIfNeeded(weights, mode === 'int8' ? quantizedNames(config) : new Set());
    const source = weightSource(weights, weightsInMemory);
    const sessionExtras = {
      // ORT refuses absolute external-data paths; for a graph loaded from memory, relative ones are found here.
      // The weights file's own folder (it is a real path): ORT refuses a link leading out of the folder (the HF cache's blobs).
      model_external_initializers_file_folder_path: dirname(weights.file),
      // Each session has its own thread pool. Spinning idle threads of one session take the cores from
      // the other, which runs right after it on every step: measured, a step took twice as long.
      'intra_op.allow_spinning': '0',
    };
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: options.threads ?? availableParallelism(),
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: options.optimization ?? 'all',
      extra: { session: sessionExtras },
      externalData: [...weightsInMemory].map(([name, values]) => memoryFile(name, values)),
    };
    const guard = weightsInMemory.size === 0 ? new WeightsGuard(weights.file) : undefined;
    const store = mode === 'int8' ? await Int8Store.open(weights, config, options.int8CacheDir, options.onQuantize, options.log) : undefined;
    const sessions: ort.InferenceSession[] = [];
    let candidates = providerCandidates(options.provider ?? DEFAULT_PROVIDER);
    let passedOver: string[] = [];
    try {
      // The lm_head first: ORT reads wte through the file mapping while it packs it, and the pages it read
      // stay resident until that session is open. Opened second, those 147 MiB came on top of the packed
      // blocks (peak RSS of a load 733 MiB against 586 after it); first, on top of nothing (issue 19).
      for (const graph of ['lmHead', 'transformer'] as const) {
        const int8 = store ? { matrix: await store.matrices(graph), accuracyLevel } : undefined;
        const build = graph === 'transformer' ? buildTransformer : buildLmHead;
        const opened = await openSession(build(config, source, int8), sessionOptions, candidates);
        sessions.push(opened.session);
        passedOver = passedOver.length > 0 ? passedOver : opened.passedOver;
        candidates = [opened.provider]; // the transformer runs where the lm_head does
      }
      await store?.finish();
      sessions.push(await ort.InferenceSession.create(buildAttentionMap(config.nEmbd / config.nHead), { ...sessionOptions, executionProviders: ['cpu'], externalData: [] }));
      // One thread: its ~60 operators are tiny, and with spinning off each one split over two threads waited for
      // the second to wake; on a loaded machine that was most of the Attribution ask (bench 'attribution': 1.62× → 1.22×).
      const headOutputs = HeadOutputsSession.lazy(config, mode, buildHeadOutputs(config, source), { ...sessionOptions, intraOpNumThreads: 1, extra: { session: { ...sessionExtras, disable_prepacking: '1' } } });
      const graphs = { block: (layer: number) => buildPatchBlock(config, layer, source), readout: () => buildPatchReadout(config, source) };
      const patch = new PatchSessions(config, mode, graphs, sessionOptions, (ids) => weightRows(weights, weightsInMemory, 'wte.weight', ids));
      const readout = new ScoreReadout(sessionOptions);
      return new Gpt2Model(config, mode, sessions[1], sessions[0], sessions[2], headOutputs, patch, guard, weightsInMemory, { name: candidates[0], passedOver }, readout);
    } catch (error) {
      await Promise.all([...sessions.map((session) => session.release()), store?.abandon()]);
      guard?.close();
      throw error;
    }
  }

  /**
   * Runs `ids` (T ≥ 1 new tokens) after the P = past?.length ?? 0 positions held by `past`.
   * P + T must not exceed config.nPositions. `past` stays valid and can be continued again.
   * `room`: how many positions the new cache should have space for, when more are known to follow
   * (the prefill's whole prompt), so its keys/values are not moved as it fills.
   */
  async forward(ids: number[], past?: KvCache, room = 0): Promise<ForwardResult> {
    this.checkOpen();
    const P = past?.length ?? 0;
    this.checkIds(ids, P);
    const from = this.ownStore(past);
    const store = KvStore.continuing(this.config, from, P, P + ids.length, room);
    store.hold(P + ids.length); // before the run: a continuation of `past` started meanwhile must not write where this one will
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
      past_length: new ort.Tensor('int64', BigInt64Array.of(BigInt(P)), [1]),
      ...this.pastFeeds(store, P),
    };
    try {
      return await this.track(this.pass(feeds, ids.length, store, P)); // both runs, so dispose() waits for the lm_head too
    } catch (error) {
      store.release(P + ids.length);
      throw error;
    }
  }

  /** The transformer on T new positions after P cached ones, then the lm_head on the last one; k and v go into the store. */
  private async pass(feeds: Record<string, ort.Tensor>, T: number, store: KvStore, P: number): Promise<ForwardResult> {
    const { nLayer: L, nHead: H, nEmbd: d } = this.config;
    const out = await this.transformer.run(feeds);
    const hidden = floats(out.hidden, [L + 1, T, d]);
    const last = hidden.slice(hidden.length - d); // [d]: the last position after the last block
    const k = floats(out.k, [L, H, T, d / H]);
    const v = floats(out.v, [L, H, T, d / H]);
    const logits = await this.head(last, 1); // [1, V] = [V]
    store.write(P, T, k, v);
    return {
      pastLength: P,
      length: T,
      hidden,
      attention: floats(out.attention, [L, H, P + T]),
      q: floats(out.q, [L, H, T, d / H]),
      k,
      v,
      logits,
      cache: new OrtKvCache(this, store, P + T),
    };
  }

  /** Logit lens: ln_f + tied unembedding of n residual vectors. residuals [n, d] → logits [n, V]. */
  async lens(residuals: Float32Array, n: number): Promise<Float32Array> {
    this.checkOpen();
    const d = this.config.nEmbd;
    if (!Number.isInteger(n) || n < 0 || residuals.length !== n * d) {
      throw new RangeError(`lens: expected ${n} rows of ${d} values (${n * d}), got ${residuals.length}`);
    }
    if (n === 0) return new Float32Array(0);
    return this.track(this.head(residuals, n));
  }

  /**
   * The lm_head on n residual rows, read out in ORT (score-readout.ts): each row's log-probability and
   * rank of targets[i], and its top k. Only these leave ORT, not the [n, V] logits.
   */
  async lensScores(residuals: Float32Array, n: number, targets: number[], k: number): Promise<RowScores> {
    this.checkOpen();
    const d = this.config.nEmbd;
    if (!Number.isInteger(n) || n < 1 || residuals.length !== n * d) throw new RangeError(`lensScores: expected ${n} rows of ${d} values (${n * d}), got ${residuals.length}`);
    const bad = targets.find((id) => !Number.isInteger(id) || id < 0 || id >= this.config.vocabSize);
    if (bad !== undefined || targets.length !== n) throw new RangeError(`lensScores: ${targets.length} targets for ${n} rows${bad === undefined ? '' : `, token id ${bad} not in the vocabulary`}`);
    return this.track(this.head(residuals, n).then((logits) => this.readout.run(logits, n, targets, k)));
  }

  /**
   * One head's whole causal attention pattern over T positions, from the queries q [T, dh] and keys
   * k [T, dh] its passes returned: weights [T, T], row = query, zero above the diagonal. The same
   * Attention kernel as the transformer's, so the same numbers as a pass that kept every row.
   * `heads` > 1: that many heads side by side in one run (q, k [heads, T, dh] → weights [heads, T, T]).
   */
  async attention(q: Float32Array, k: Float32Array, T: number, heads = 1): Promise<Float32Array> {
    this.checkOpen();
    const dh = this.config.nEmbd / this.config.nHead;
    const rows = T * heads;
    if (!Number.isInteger(T) || T < 1 || !Number.isInteger(heads) || heads < 1 || q.length !== rows * dh || k.length !== rows * dh) {
      throw new RangeError(`attention: expected q and k of ${heads > 1 ? `${heads} × ` : ''}${T} rows of ${dh} values, got ${q.length} and ${k.length}`);
    }
    const feeds = { q: new ort.Tensor('float32', q, [1, heads, T, dh]), k: new ort.Tensor('float32', k, [1, heads, T, dh]) };
    const out = await this.track(this.attentionMap.run(feeds));
    return floats(out.weights, [heads, T, T]);
  }

  /**
   * For direct logit attribution at position t = S − 1: every head's own output there, from the queries
   * q [L, H, dh] of t and the keys and values k, v [L, H, S, dh] of positions 0..t that its passes
   * returned, with the weights the attribution reads (see HeadOutputs). Float32 models only.
   */
  async headOutputs(q: Float32Array, k: Float32Array, v: Float32Array, S: number, ids: number[]): Promise<HeadOutputs> {
    this.checkOpen();
    const bad = ids.find((id) => !Number.isInteger(id) || id < 0 || id >= this.config.vocabSize);
    if (bad !== undefined) throw new RangeError(`headOutputs: token id ${bad} is not in the vocabulary (0..${this.config.vocabSize - 1})`);
    return this.track(this.headOutputsSession.run(q, k, v, S, ids));
  }

  /** Activation patching, one block at a time: block `layer` on run.batch copies, patched where its masks say (patch-graph.ts). Float32 models only. */
  async patchBlock(layer: number, run: BlockRun, record = false): Promise<BlockOutputs> {
    this.checkOpen();
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.config.nLayer) throw new RangeError(`patchBlock: no layer ${layer}`);
    return this.track(this.patchSessions.block(layer, run, record));
  }

  /** The logits of the two metricIds for n last positions x [n, d] (ln_f, then their unembedding rows): [n, 2]. */
  async patchReadout(x: Float32Array, n: number, metricIds: [number, number]): Promise<Float32Array> {
    this.checkOpen();
    this.checkIds(metricIds, 0);
    return this.track(this.patchSessions.readout(x, n, metricIds));
  }

  /** Releases the sessions once the passes already started have finished; no new ones start. Safe to call twice. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.allSettled(this.running);
    await Promise.all([this.transformer.release(), this.lmHead.release(), this.attentionMap.release(), this.headOutputsSession.release(), this.patchSessions.release(), this.readout.release()]);
    this.weightsInMemory.clear();
    this.guard?.close();
  }

  /** The store a cache of this model reads from (undefined for a prompt). */
  private ownStore(past: KvCache | undefined): KvStore | undefined {
    if (past === undefined) return undefined;
    if (!(past instanceof OrtKvCache && past.owner === this)) throw new Error('forward: this KV cache was made by another model');
    return past.store();
  }

  /**
   * Every layer's cached keys/values as feeds [1, H, C, dh]: tensors over the store's own buffers, or
   * for a prompt (P = 0) empty ones, so its pass scores no unfilled slots.
   */
  private pastFeeds(store: KvStore, P: number): Record<string, ort.Tensor> {
    const { nHead: H, nEmbd: d } = this.config;
    const C = P === 0 ? 0 : store.capacity;
    const view = (buffer: Float32Array) => new ort.Tensor('float32', C === 0 ? new Float32Array(0) : buffer, [1, H, C, d / H]);
    const feeds: Record<string, ort.Tensor> = {};
    store.keys.forEach((keys, i) => {
      feeds[`past_key.${i}`] = view(keys);
      feeds[`past_value.${i}`] = view(store.values[i]);
    });
    return feeds;
  }

  /** The lm_head on n ≥ 1 residual rows: [n, d] → [n, V]. */
  private async head(residuals: Float32Array, n: number): Promise<Float32Array> {
    const { nEmbd: d, vocabSize: V } = this.config;
    const out = await this.lmHead.run({ residual: new ort.Tensor('float32', residuals, [n, d]) });
    return floats(out.logits, [n, V]);
  }

  private track<T>(run: Promise<T>): Promise<T> {
    this.running.add(run);
    const done = () => this.running.delete(run);
    run.then(done, done);
    return run;
  }

  private checkIds(ids: number[], pastLength: number): void {
    const { vocabSize: V, nPositions } = this.config;
    if (ids.length === 0) throw new RangeError('forward: no token ids');
    const bad = ids.find((id) => !Number.isInteger(id) || id < 0 || id >= V);
    if (bad !== undefined) throw new RangeError(`forward: token id ${bad} is not in the vocabulary (0..${V - 1})`);
    if (pastLength + ids.length > nPositions) {
      throw new RangeError(`forward: ${pastLength} cached + ${ids.length} new positions exceed the context of ${nPositions}`);
    }
  }

  private checkOpen(): void {
    if (this.disposed) throw new Error('Gpt2Model: used after dispose()');
    this.guard?.check();
  }
}

/** Keys and values of the first `length` positions of a store (kv-cache.ts). */
class OrtKvCache implements KvCache {
  private held: KvStore | undefined;

  constructor(readonly owner: Gpt2Model, store: KvStore, readonly length: number) {
    this.held = store; // counted live by forward() before its pass ran
  }

  store(): KvStore {
    if (this.held === undefined) throw new Error('forward: this KV cache was disposed');
    return this.held;
  }

  dispose(): void {
    this.held?.release(this.length);
    this.held = undefined;
  }
}

/**
 * With F16/BF16 weights, every weight as float32 in memory (ORT's CPU kernels here run in float32).
 * All of them, F32 ones too: once a session is given in-memory external data, ORT looks every
 * external weight up there and no longer in files. An all-F32 file gives an empty map. With 8-bit
 * weights the blocks' matrices are left out: the graphs hold them quantized, not as external data.
 */
async function weightsInMemoryIfNeeded(weights: Gpt2Weights, quantized: Set<string>): Promise<Map<string, Float32Array>> {
  const inMemory = new Map<string, Float32Array>();
  if ([...weights.tensors.values()].every((entry) => entry.dtype === 'F32')) return inMemory;
  for (const [name, entry] of weights.tensors) {
    if (!quantized.has(name)) inMemory.set(name, await readTensorAsFloat32(weights.file, entry));
  }
  return inMemory;
}

/** The weights int8 mode reads only quantized: every block's matrices (wte stays: the embedding lookup reads it). */
function quantizedNames(config: Gpt2Config): Set<string> {
  return new Set(int8Matrices(config, 'transformer').map((matrix) => matrix.name));
}

/** Weights from memory when they are there, else as external data straight out of the safetensors file. */
function weightSource(weights: Gpt2Weights, inMemory: Map<string, Float32Array>): WeightSource {
  const location = basename(weights.file);
  return (name) => {
    const values = inMemory.get(name);
    if (values !== undefined) return { kind: 'memory', values };
    const entry = weights.tensors.get(name);
    if (entry === undefined) throw new Error(`${weights.file}: missing tensor ${name}`);
    return { kind: 'external', location, offset: entry.begin, length: entry.end - entry.begin };
  };
}

/** Rows of a matrix weight [rows, width] as float32, from memory when it is there, else from the file (as the embedding lookup reads them). */
async function weightRows(weights: Gpt2Weights, inMemory: Map<string, Float32Array>, name: string, rows: number[]): Promise<Float32Array> {
  const entry = weights.tensors.get(name);
  if (entry === undefined) throw new Error(`${weights.file}: missing tensor ${name}`);
  const values = inMemory.get(name);
  if (values === undefined) return readTensorRowsAsFloat32(weights.file, entry, rows);
  const width = entry.shape[1];
  const out = new Float32Array(rows.length * width);
  rows.forEach((row, i) => out.set(values.subarray(row * width, (row + 1) * width), i * width));
  return out;
}

/** An output's float32 data, after checking its shape. */
function floats(tensor: ort.Tensor | undefined, dims: number[]): Float32Array {
  if (tensor === undefined || tensor.type !== 'float32') throw new Error('forward: a float32 output is missing');
  if (tensor.dims.length !== dims.length || tensor.dims.some((size, i) => size !== dims[i])) {
    throw new Error(`forward: output has shape [${tensor.dims.join(', ')}], expected [${dims.join(', ')}]`);
  }
  return tensor.data as Float32Array;
}
