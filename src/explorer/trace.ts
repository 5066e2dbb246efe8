// Every per-position output of the passes run so far, kept token by token so the prompt pass and
// each one-token step land in the same place and every view works on generated tokens too.
// Shapes: L layers, H heads, d width, dh = d / H. Attention patterns are not kept: they are computed
// for the head in view from the queries and keys kept here (ExplorerSession.attention).
import type { ForwardResult, Gpt2Config } from '../engine/types';

/** One position's outputs; opaque outside the trace (the decoding tree keeps them to show a branch again). */
export interface Position {
  hidden: Float32Array; // [L+1, d] residual stream after the embeddings, then after each block
  q: Float32Array; // [L, H, dh]
  k: Float32Array; // [L, H, dh]
  v: Float32Array; // [L, H, dh]
}

export class Trace {
  private readonly positions: Position[] = [];

  constructor(private readonly config: Gpt2Config) {}

  get length(): number {
    return this.positions.length;
  }

  /** Adds the T positions of a pass that continued exactly the positions held here. */
  append(result: ForwardResult): void {
    if (result.pastLength !== this.length) throw new Error(`trace: a pass after ${result.pastLength} positions cannot follow ${this.length}`);
    for (let t = 0; t < result.length; t++) this.positions.push(this.slice(result, t));
  }

  /**
   * Adds the last position of a pass that ran, after the positions of some shorter prefix, the tokens this
   * trace already holds past it and one more: a branch continued from the KV cache of an earlier node.
   */
  appendLast(result: ForwardResult): void {
    if (result.pastLength + result.length - 1 !== this.length) throw new Error(`trace: a pass ending at ${result.pastLength + result.length} positions cannot follow ${this.length}`);
    this.positions.push(this.slice(result, result.length - 1));
  }

  /** Position `token`, as kept (a view, not a copy). */
  at(token: number): Position {
    return this.positions[token];
  }

  /** Keeps the first `length` positions and puts `positions` after them: another branch of the decoding tree. */
  restore(length: number, positions: Position[]): void {
    this.truncate(length);
    this.positions.push(...positions);
  }

  /** Forgets every position from `length` on (reset to the prompt). */
  truncate(length: number): void {
    this.positions.length = Math.min(length, this.positions.length);
  }

  /** hidden state of `token` at `layer` (0 = embeddings): [d], a view. */
  hidden(layer: number, token: number): Float32Array {
    const d = this.config.nEmbd;
    return this.positions[token].hidden.subarray(layer * d, (layer + 1) * d);
  }

  /** All L+1 hidden states of `token`: [L+1, d], a view. */
  hiddenLayers(token: number): Float32Array {
    return this.positions[token].hidden;
  }

  /** One head's q, k or v of every position so far: [T, dh]. */
  rows(kind: 'q' | 'k' | 'v', layer: number, head: number): Float32Array {
    const dh = this.config.nEmbd / this.config.nHead;
    const offset = (layer * this.config.nHead + head) * dh;
    const out = new Float32Array(this.length * dh);
    this.positions.forEach((position, t) => out.set(position[kind].subarray(offset, offset + dh), t * dh));
    return out;
  }

  /** Every head's q, k or v of `token`: [L, H, dh], a view. */
  heads(kind: 'q' | 'k' | 'v', token: number): Float32Array {
    return this.positions[token][kind];
  }

  /** Every head's q, k or v of positions 0..count-1: [L, H, count, dh], as one pass would return them. */
  span(kind: 'q' | 'k' | 'v', count: number): Float32Array {
    const { nLayer: L, nHead: H } = this.config;
    const dh = this.config.nEmbd / H;
    const out = new Float32Array(L * H * count * dh);
    for (let t = 0; t < count; t++) {
      const position = this.positions[t][kind];
      for (let r = 0; r < L * H; r++) out.set(position.subarray(r * dh, (r + 1) * dh), (r * count + t) * dh);
    }
    return out;
  }

  /** One head's q, k or v of `token`: [dh]. */
  vector(kind: 'q' | 'k' | 'v', layer: number, head: number, token: number): number[] {
    const dh = this.config.nEmbd / this.config.nHead;
    const offset = (layer * this.config.nHead + head) * dh;
    return Array.from(this.positions[token][kind].subarray(offset, offset + dh));
  }

  /** Position t of a pass, copied out of its [L(+1), H, T, …] arrays. */
  private slice(result: ForwardResult, t: number): Position {
    const { nLayer: L, nHead: H, nEmbd: d } = this.config;
    const T = result.length;
    const dh = d / H;
    // Position t's first `width` values of each of `rows` rows of a [rows, T, stride] array; with T = 1
    // (a Step) and whole rows, that is one block: one copy instead of one per row (13 or 144 in GPT-2 small).
    const gather = (source: Float32Array, rows: number, width: number, stride: number) => {
      if (T === 1 && width === stride) return source.slice(0, rows * width);
      const out = new Float32Array(rows * width);
      for (let r = 0; r < rows; r++) out.set(source.subarray((r * T + t) * stride, (r * T + t) * stride + width), r * width);
      return out;
    };
    return {
      hidden: gather(result.hidden, L + 1, d, d),
      q: gather(result.q, L * H, dh, dh),
      k: gather(result.k, L * H, dh, dh),
      v: gather(result.v, L * H, dh, dh),
    };
  }
}
