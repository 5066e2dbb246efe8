// `analyze --save FILE.safetensors`: the prompt's internals as a file Python loads directly
// (safetensors.numpy.load_file or safe_open): hidden [L+1, T, d], attention [L, H, T, T],
// q, k, v [L, H, T, dh], all F32; the prompt's token ids (a JSON array) under __metadata__.ids.
import { f32Bytes, writeSafetensors, type TensorToWrite } from '../engine/safetensors-writer';
import type { Gpt2Config } from '../engine/types';
import type { Activations } from './activations';

export async function saveActivations(file: string, ids: number[], acts: Activations, config: Gpt2Config): Promise<void> {
  const { nLayer: L, nHead: H, nEmbd: d } = config;
  const { T } = acts;
  const whole = (name: string, shape: number[], values: Float32Array): TensorToWrite => ({ name, dtype: 'F32', shape, chunks: () => [f32Bytes(values)] });
  const tensors: TensorToWrite[] = [
    whole('hidden', [L + 1, T, d], acts.hidden),
    { name: 'attention', dtype: 'F32', shape: [L, H, T, T], chunks: () => attentionChunks(acts, L, H) },
    whole('q', [L, H, T, d / H], acts.q),
    whole('k', [L, H, T, d / H], acts.k),
    whole('v', [L, H, T, d / H], acts.v),
  ];
  await writeSafetensors(file, tensors, { format: 'np', ids: JSON.stringify(ids) });
}

/** One head's pattern at a time: [L, H, T, T] would be 600 MB at 1,024 tokens. */
async function* attentionChunks(acts: Activations, L: number, H: number): AsyncIterable<Uint8Array> {
  for (let layer = 0; layer < L; layer++) for (let head = 0; head < H; head++) yield f32Bytes(await acts.attention(layer, head));
}
