// The KV cache, kept in JavaScript: per layer one buffer of keys and one of values, [H, C, dh] each
// (C the capacity), that a pass reads in place (a tensor over the buffer, no copy) and whose next
// positions the pass's own k and v outputs are written into. A step then moves O(T) bytes per layer
// instead of the whole cache twice (ORT's copy of past into present, onnxruntime-node's copy of every
// output into a new buffer): at 1,000 tokens of context that was most of a step's time.
//
// Several caches share one store: a continuation writes past its cache's end, so positions 0..P-1 are
// never written again and the cache it came from stays valid. When some live cache of the store
// already holds positions beyond P (the cache was continued before and that continuation is still
// alive: a Reset, a branch), the continuation gets a copy of the first P positions instead.
import type { Gpt2Config } from './types';

const MIN_CAPACITY = 32; // positions a new store holds at least; it doubles when it fills

/** Keys and values of L layers, [H, capacity, dh] each; positions beyond those of any live cache are free. */
export class KvStore {
  readonly keys: Float32Array[];
  readonly values: Float32Array[];
  private readonly live = new Map<number, number>(); // cache length → how many live caches of this store have it

  constructor(readonly config: Gpt2Config, readonly capacity: number) {
    const { nLayer: L, nEmbd: d } = config;
    this.keys = Array.from({ length: L }, () => new Float32Array(capacity * d));
    this.values = Array.from({ length: L }, () => new Float32Array(capacity * d));
  }

  /**
   * A store to hold `length` positions of which the first `past` come from `from` (undefined: none):
   * `from` itself when nothing live holds positions beyond `past` there and it has the space, else a
   * new one with space for max(length, room) at least.
   */
  static continuing(config: Gpt2Config, from: KvStore | undefined, past: number, length: number, room = 0): KvStore {
    if (from !== undefined && from.capacity >= length && !from.holdsBeyond(past)) return from;
    const store = new KvStore(config, capacityFor(Math.max(length, Math.min(room, config.nPositions)), config.nPositions));
    if (from !== undefined) store.copyFrom(from, past);
    return store;
  }

  /** Counts a cache of `length` positions as live (before its pass runs, so a concurrent continuation sees it). */
  hold(length: number): void {
    this.live.set(length, (this.live.get(length) ?? 0) + 1);
  }

  release(length: number): void {
    const count = (this.live.get(length) ?? 0) - 1;
    if (count > 0) this.live.set(length, count);
    else this.live.delete(length);
  }

  /** Writes positions start..start+T-1 from a pass's k and v outputs, [L, H, T, dh] each. */
  write(start: number, T: number, k: Float32Array, v: Float32Array): void {
    const { nLayer: L, nHead: H, nEmbd: d } = this.config;
    const dh = d / H;
    for (let layer = 0; layer < L; layer++) {
      for (let head = 0; head < H; head++) {
        const from = (layer * H + head) * T * dh;
        const to = (head * this.capacity + start) * dh;
        this.keys[layer].set(k.subarray(from, from + T * dh), to);
        this.values[layer].set(v.subarray(from, from + T * dh), to);
      }
    }
  }

  private holdsBeyond(length: number): boolean {
    for (const held of this.live.keys()) if (held > length) return true;
    return false;
  }

  /** Positions 0..length-1 of every head of every layer. */
  private copyFrom(source: KvStore, length: number): void {
    const dh = this.config.nEmbd / this.config.nHead;
    for (let layer = 0; layer < this.keys.length; layer++) {
      for (let head = 0; head < this.config.nHead; head++) {
        const from = head * source.capacity * dh;
        const to = head * this.capacity * dh;
        this.keys[layer].set(source.keys[layer].subarray(from, from + length * dh), to);
        this.values[layer].set(source.values[layer].subarray(from, from + length * dh), to);
      }
    }
  }
}

/** The next power of two ≥ length (at least MIN_CAPACITY), at most the context (length ≤ context). */
function capacityFor(length: number, context: number): number {
  let capacity = MIN_CAPACITY;
  while (capacity < length) capacity *= 2;
  return Math.min(capacity, context);
}
