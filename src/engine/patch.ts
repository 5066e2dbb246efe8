// The sessions behind Gpt2Model.patchBlock and patchReadout (patch-graph.ts): one per block and the
// readout, all opened the first time patching is asked for, on the CPU like the head-outputs session.
// The readout is given the metric tokens' unembedding rows, read from the weights (see buildPatchReadout).
// Float32 models only: the patched numbers are the model's.
import * as ort from 'onnxruntime-node';
import type { Gpt2Config, WeightsMode } from './types';

/** An activation taken from a source run: where (a 0/1 mask) and from what ([N, d]). */
export interface BlockPatch {
  mask: Float32Array; // [B, 1, d] for mix (a head's columns), [B, N, 1] for attn and mlp (positions)
  source: Float32Array;
}

/** One block on `batch` copies of `positions` new positions after `past` (the same for every copy). */
export interface BlockRun {
  x: Float32Array; // [B, N, d]
  batch: number;
  positions: number;
  past?: { key: Float32Array; value: Float32Array; length: number }; // [B, H, P, dh] each
  mix?: BlockPatch;
  attn?: BlockPatch;
  mlp?: BlockPatch;
}

/** What a block computed: out [B, N, d]; when recorded, also mix, attn, mlp [B, N, d] and present keys/values [B, H, S, dh]. */
export interface BlockOutputs {
  out: Float32Array;
  recorded?: { mix: Float32Array; attn: Float32Array; mlp: Float32Array; presentKey: Float32Array; presentValue: Float32Array };
}

interface Graphs {
  block: (layer: number) => Uint8Array;
  readout: () => Uint8Array;
}

export class PatchSessions {
  private opened: Promise<{ blocks: ort.InferenceSession[]; readout: ort.InferenceSession }> | undefined;
  private rows: { key: string; rows: Promise<Float32Array> } | undefined; // the last metric pair's unembedding rows: a grid's batches share them

  constructor(
    private readonly config: Gpt2Config,
    private readonly mode: WeightsMode,
    private readonly graphs: Graphs,
    private readonly options: ort.InferenceSession.SessionOptions,
    private readonly unembedding: (ids: number[]) => Promise<Float32Array>, // wte's rows of ids, [ids.length, d]
  ) {}

  async block(layer: number, run: BlockRun, record: boolean): Promise<BlockOutputs> {
    const { nHead: H, nEmbd: d } = this.config;
    const dh = d / H;
    const { batch: B, positions: N } = run;
    const P = run.past?.length ?? 0;
    const tensor = (values: Float32Array, dims: number[]) => {
      if (values.length !== dims.reduce((a, b) => a * b, 1)) throw new RangeError(`patchBlock: ${values.length} values for [${dims.join(', ')}]`);
      return new ort.Tensor('float32', values, dims);
    };
    const patch = (name: 'mix' | 'attn' | 'mlp', maskDims: number[]) => ({
      [`patch_${name}`]: tensor(run[name]?.mask ?? new Float32Array(maskDims.reduce((a, b) => a * b, 1)), maskDims),
      [`source_${name}`]: tensor(run[name]?.source ?? new Float32Array(N * d), [N, d]),
    });
    const feeds = {
      x: tensor(run.x, [B, N, d]),
      past_key: tensor(run.past?.key ?? new Float32Array(0), [B, H, P, dh]),
      past_value: tensor(run.past?.value ?? new Float32Array(0), [B, H, P, dh]),
      ...patch('mix', [B, 1, d]),
      ...patch('attn', [B, N, 1]),
      ...patch('mlp', [B, N, 1]),
    };
    const { blocks } = await this.open();
    const out = await blocks[layer].run(feeds, record ? ['out', 'mix', 'attn', 'mlp', 'present_key', 'present_value'] : ['out']);
    const data = (name: string) => out[name].data as Float32Array;
    if (!record) return { out: data('out') };
    return { out: data('out'), recorded: { mix: data('mix'), attn: data('attn'), mlp: data('mlp'), presentKey: data('present_key'), presentValue: data('present_value') } };
  }

  /** x [n, d] → the logits of metricIds, [n, 2]. */
  async readout(x: Float32Array, n: number, metricIds: [number, number]): Promise<Float32Array> {
    const { readout } = await this.open();
    const d = this.config.nEmbd;
    const rows = await this.metricRows(metricIds);
    const out = await readout.run({
      x: new ort.Tensor('float32', x, [n, d]),
      metric_rows: new ort.Tensor('float32', rows, [2, d]),
    });
    return out.logits.data as Float32Array;
  }

  /** The pair's two rows, read from the weights once per pair rather than once per batch; a failed read is not kept. */
  private metricRows(metricIds: [number, number]): Promise<Float32Array> {
    const key = metricIds.join(',');
    if (this.rows?.key !== key) {
      const rows = this.unembedding(metricIds);
      this.rows = { key, rows };
      rows.catch(() => { if (this.rows?.rows === rows) this.rows = undefined; });
    }
    return this.rows.rows;
  }

  async release(): Promise<void> {
    this.rows = undefined;
    const opened = await this.opened?.catch(() => undefined);
    this.opened = undefined;
    await Promise.all([...(opened?.blocks ?? []), ...(opened?.readout ? [opened.readout] : [])].map((session) => session.release()));
  }

  private open() {
    this.opened ??= (async () => {
      if (this.mode === 'int8') throw new Error('patching reads the float32 model: load it without 8-bit weights');
      const create = (graph: Uint8Array) => ort.InferenceSession.create(graph, { ...this.options, executionProviders: ['cpu'] });
      const blocks: ort.InferenceSession[] = [];
      for (let layer = 0; layer < this.config.nLayer; layer++) blocks.push(await create(this.graphs.block(layer)));
      return { blocks, readout: await create(this.graphs.readout()) };
    })();
    return this.opened;
  }
}
