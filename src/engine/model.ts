// GPT-2 on onnxruntime-node: one session runs the model graph (prompt and KV-cache steps alike),
// a second, small one runs the logit-lens head. API surface first; the implementation follows.
import type { ForwardResult, Gpt2Config, KvCache, LoadOptions } from './types';

export class Gpt2Model {
  private constructor(readonly config: Gpt2Config) {}

  /** Reads dir/config.json and dir/model.safetensors, builds the graphs and opens both sessions. */
  static async load(dir: string, options: LoadOptions = {}): Promise<Gpt2Model> {
    throw new Error(`Gpt2Model.load(${dir}, ${JSON.stringify(options)}): not implemented yet`);
  }

  /**
   * Runs ids (T ≥ 1 new tokens) after the P = past?.length ?? 0 positions held by `past`.
   * P + T must not exceed config.nPositions. `past` stays valid: it can be continued again.
   */
  async forward(ids: number[], past?: KvCache): Promise<ForwardResult> {
    throw new Error(`forward(${ids.length} ids, past ${past?.length ?? 0}): not implemented yet`);
  }

  /** Logit lens: ln_f + tied unembedding of n residual vectors. residuals [n, d] → logits [n, V]. */
  async lens(residuals: Float32Array, n: number): Promise<Float32Array> {
    throw new Error(`lens(${residuals.length / n} wide): not implemented yet`);
  }

  /** Releases both sessions; the model cannot be used afterwards. */
  async dispose(): Promise<void> {}
}
