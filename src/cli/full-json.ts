// `analyze --json --full` written piece by piece: at 1,024 tokens the whole answer is ≈ 1.5 GB of
// JSON, more than one string may hold ("Invalid string length"). The bytes are those JSON.stringify
// would give for the nested arrays (keys in the same order), a row at a time, waiting for stdout.
import { once } from 'node:events';
import type { Gpt2Config } from '../engine/types';
import type { Activations } from './activations';
import type { Analysis } from './analysis';

const FLUSH = 1 << 20; // characters gathered before a write

export async function writeFullJson(out: NodeJS.WritableStream, analysis: Analysis, acts: Activations, config: Gpt2Config): Promise<void> {
  const { nLayer: L, nHead: H, nEmbd: d } = config;
  const { T } = acts;
  const dh = d / H;
  let pending = '';
  const put = async (text: string) => {
    pending += text;
    if (pending.length < FLUSH) return;
    const full = !out.write(pending);
    pending = '';
    if (full) await once(out, 'drain');
  };
  const rows = async (values: Float32Array, count: number, width: number) => {
    for (let r = 0; r < count; r++) await put(`${r === 0 ? '' : ','}${JSON.stringify(Array.from(values.subarray(r * width, (r + 1) * width)))}`);
  };
  /** [outer][T][width] from a flat array, each outer block through `block`. */
  const nested = async (outer: number, block: (i: number) => Promise<Float32Array> | Float32Array, width: number) => {
    await put('[');
    for (let i = 0; i < outer; i++) {
      await put(i === 0 ? '[' : ',[');
      await rows(await block(i), T, width);
      await put(']');
    }
    await put(']');
  };
  const perHead = (values: Float32Array) => (i: number) => values.subarray(i * T * dh, (i + 1) * T * dh);
  const heads = async (block: (i: number) => Promise<Float32Array> | Float32Array, width: number) => {
    await put('[');
    for (let layer = 0; layer < L; layer++) {
      await put(layer === 0 ? '' : ',');
      await nested(H, (h) => block(layer * H + h), width);
    }
    await put(']');
  };
  await put(JSON.stringify(analysis).slice(0, -1)); // without its closing brace
  await put(',"hidden":');
  await nested(L + 1, (layer) => acts.hidden.subarray(layer * T * d, (layer + 1) * T * d), d);
  await put(',"attention":');
  await heads((i) => acts.attention(Math.floor(i / H), i % H), T);
  for (const part of ['q', 'k', 'v'] as const) {
    await put(`,"${part}":`);
    await heads(perHead(acts[part]), dh);
  }
  await put('}\n');
  if (!out.write(pending)) await once(out, 'drain');
}
