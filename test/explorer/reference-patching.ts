// Activation patching written on the independent float64 reference (test/engine/reference.ts),
// sharing nothing with src/: the clean pass is recorded through the reference's hook, then the
// corrupted pass is rerun once per cell with that one activation overwritten in place, and the
// metric read off the reference's own logits at the last position.
import { referenceForward, type ReferenceHook, type ReferenceModel } from '../engine/reference';

export type Site = 'resid' | 'attn' | 'mlp' | 'heads';

export interface ReferencePatching {
  clean: number;
  corrupt: number;
  effect: number[][];
}

export function referencePatching(model: ReferenceModel, clean: number[], corrupt: number[], target: number, versus: number, what: Site): ReferencePatching {
  const { nLayer: L, nHead: H, nEmbd: d, vocabSize: V } = model.config;
  const dh = d / H;
  const T = clean.length;
  const recorded = new Map<string, Float64Array>();
  const record: ReferenceHook = (site, layer, x) => void recorded.set(`${site}.${layer}`, Float64Array.from(x));
  const metric = (ids: number[], hook?: ReferenceHook) => {
    const logits = referenceForward(model, ids, undefined, hook).logits;
    return logits[(T - 1) * V + target] - logits[(T - 1) * V + versus];
  };
  const cleanMetric = metric(clean, record);
  const site = what === 'heads' ? 'mix' : what;
  const rows = what === 'resid' ? L + 1 : L;
  const cols = what === 'heads' ? H : T;
  const effect = Array.from({ length: rows }, (_, row) =>
    Array.from({ length: cols }, (_, col) =>
      metric(corrupt, (at, layer, x) => {
        if (at !== site || layer !== row) return;
        const from = recorded.get(`${site}.${layer}`)!;
        if (what === 'heads') {
          for (let t = 0; t < T; t++) for (let j = col * dh; j < (col + 1) * dh; j++) x[t * d + j] = from[t * d + j]; // head col at every position
        } else {
          x.set(from.subarray(col * d, (col + 1) * d), col * d); // position col
        }
      }),
    ),
  );
  return { clean: cleanMetric, corrupt: metric(corrupt), effect };
}
