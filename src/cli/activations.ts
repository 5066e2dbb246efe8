// Everything `analyze --full` and `--save` hand out, for a prompt of any length up to the context:
// the prompt read in the engine's prefill passes, their internals joined into whole-prompt arrays,
// and each head's [T, T] attention computed when it is written (one head in memory at a time).
import type { Gpt2Model } from '../engine/model';
import { prefill } from '../engine/prefill';
import type { ForwardResult } from '../engine/types';

export interface Activations {
  T: number;
  logits: Float32Array; // [V] at the last position
  hidden: Float32Array; // [L+1, T, d]
  q: Float32Array; // [L, H, T, dh]
  k: Float32Array;
  v: Float32Array;
  attention: (layer: number, head: number) => Promise<Float32Array>; // [T, T]
}

export async function readActivations(model: Gpt2Model, ids: number[]): Promise<Activations> {
  const { nLayer: L, nHead: H, nEmbd: d } = model.config;
  const T = ids.length;
  const dh = d / H;
  const hidden = new Float32Array((L + 1) * T * d);
  const [q, k, v] = [0, 1, 2].map(() => new Float32Array(L * H * T * dh));
  const place = (to: Float32Array, from: Float32Array, rows: number, width: number, pass: ForwardResult) => {
    for (let r = 0; r < rows; r++) {
      to.set(from.subarray(r * pass.length * width, (r + 1) * pass.length * width), (r * T + pass.pastLength) * width);
    }
  };
  const last = await prefill(model, ids, (pass) => {
    place(hidden, pass.hidden, L + 1, d, pass);
    place(q, pass.q, L * H, dh, pass);
    place(k, pass.k, L * H, dh, pass);
    place(v, pass.v, L * H, dh, pass);
  });
  last.cache.dispose();
  const head = (values: Float32Array, layer: number, h: number) => values.subarray((layer * H + h) * T * dh, (layer * H + h + 1) * T * dh);
  return { T, logits: last.logits, hidden, q, k, v, attention: (layer, h) => model.attention(head(q, layer, h), head(k, layer, h), T) };
}
