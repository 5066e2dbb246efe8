// A head's attention pattern packed for the trip to the panel (views.ts attentionMap), and unpacked there into
// the AttentionView every view draws from. Exact: the model computes in float32 and the map keeps float32.

import type { Result } from './schema';
import type { AttentionMap, AttentionView } from './views';

/**
 * Float32 bytes of attention patterns held for one session, on either side: what the host reads ahead
 * (extension/explorer/attention-ahead.ts) and what the panel keeps of the maps it was sent (webview/explorer/
 * host-data.ts). Every layer of GPT-2 small's patterns up to ≈ 100 tokens; at 1,024 tokens one head's is 2 MB.
 */
export const PATTERNS_HELD_BYTES = 2 * 1024 * 1024;

/** The float32 bytes of a [size, size] pattern's lower triangle, as a map carries it. */
export function patternBytes(size: number): number {
  return ((size * (size + 1)) / 2) * 4;
}

/** Packs a [T, T] row-major pattern (row = query); what lies above the diagonal is 0 and is left out. */
export function packAttention(layer: number, head: number, size: number, weights: ArrayLike<number>): AttentionMap {
  const lower = new Float32Array((size * (size + 1)) / 2);
  for (let query = 0, at = 0; query < size; query++) {
    for (let key = 0; key <= query; key++) lower[at++] = weights[query * size + key];
  }
  return { layer, head, size, lower: toBase64(new Uint8Array(lower.buffer)) };
}

/** The AttentionView a map holds; an error for one that is not a causal pattern of probabilities of its size. */
export function unpackAttention(map: AttentionMap): Result<AttentionView> {
  const { layer, head, size } = map;
  const count = (size * (size + 1)) / 2;
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(map.lower);
  } catch {
    return { ok: false, error: `attention map of layer ${layer}, head ${head}: not base64` };
  }
  if (bytes.length !== 4 * count) return { ok: false, error: `attention map of layer ${layer}, head ${head}: ${bytes.length} bytes for ${size} tokens (expected ${4 * count})` };
  const lower = new Float32Array(bytes.buffer, bytes.byteOffset, count);
  const weights = new Array<number>(size * size).fill(0);
  for (let query = 0, at = 0; query < size; query++) {
    for (let key = 0; key <= query; key++, at++) {
      const weight = lower[at];
      if (!(weight >= 0 && weight <= 1)) return { ok: false, error: `attention map of layer ${layer}, head ${head}: weight ${weight} at query ${query}, key ${key} is not a probability` };
      weights[query * size + key] = weight;
    }
  }
  return { ok: true, value: { layer, head, size, weights } };
}

// Node's Buffer where there is one (the worker: 2 MB in a few ms); the webview only unpacks, with atob.
const nodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

function toBase64(bytes: Uint8Array): string {
  if (nodeBuffer) return nodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text); // throws on what is not base64
  const bytes = new Uint8Array(binary.length); // a buffer of its own: 4-byte aligned for the Float32Array view
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
