// Every per-position output of the passes run so far, so the prompt's passes and each one-token step
// land in the same place and every view works on generated tokens too. The passes' own arrays are
// kept, not copied position by position: a 1,024-token prompt's four passes hold 152 MB of them, and
// a copy doubled that until the passes were collected (and took 3 × 144 + 13 copies per position).
// Shapes: L layers, H heads, d width, dh = d / H; a pass of T positions holds hidden [L+1, T, d] and
// q, k, v [L, H, T, dh]. Attention patterns are not kept: they are computed for the head in view
// from the queries and keys kept here (ExplorerSession.attention).
import type { ForwardResult, Gpt2Config } from '../engine/types';

type Pass = Pick<ForwardResult, 'length' | 'hidden' | 'q' | 'k' | 'v'>;

/**
 * Where one position's outputs are: its pass, and its place t among the pass's T positions. Opaque outside
 * the trace (the decoding tree keeps them to show a branch again).
 */
export interface Position {
  pass: Pass;
  t: number;
}

export class Trace {
  private readonly places: Position[] = [];

  constructor(private readonly config: Gpt2Config) {}

  get length(): number {
    return this.places.length;
  }

  /** Adds the T positions of a pass that continued exactly the positions held here. */
  append(result: ForwardResult): void {
    if (result.pastLength !== this.length) throw new Error(`trace: a pass after ${result.pastLength} positions cannot follow ${this.length}`);
    const pass: Pass = { length: result.length, hidden: result.hidden, q: result.q, k: result.k, v: result.v };
    for (let t = 0; t < result.length; t++) this.places.push({ pass, t });
  }

  /**
   * Adds the last position of a pass that ran, after the positions of some shorter prefix, the tokens this
   * trace already holds past it and one more: a branch continued from the KV cache of an earlier node.
   */
  appendLast(result: ForwardResult): void {
    if (result.pastLength + result.length - 1 !== this.length) throw new Error(`trace: a pass ending at ${result.pastLength + result.length} positions cannot follow ${this.length}`);
    const pass: Pass = { length: result.length, hidden: result.hidden, q: result.q, k: result.k, v: result.v };
    this.places.push({ pass, t: result.length - 1 });
  }

  /** Position `token`, as kept (its pass's arrays are shared, not copied). */
  at(token: number): Position {
    return this.places[token];
  }

  /** Keeps the first `length` positions and puts `positions` after them: another branch of the decoding tree. */
  restore(length: number, positions: Position[]): void {
    this.truncate(length);
    this.places.push(...positions);
  }

  /** Forgets every position from `length` on (reset to the prompt). */
  truncate(length: number): void {
    this.places.length = Math.min(length, this.places.length);
  }

  /** hidden state of `token` at `layer` (0 = embeddings): [d], a view. */
  hidden(layer: number, token: number): Float32Array {
    const d = this.config.nEmbd;
    const { pass, t } = this.places[token];
    const start = (layer * pass.length + t) * d;
    return pass.hidden.subarray(start, start + d);
  }

  /** All L+1 hidden states of `token`: [L+1, d]. */
  hiddenLayers(token: number): Float32Array {
    return this.gather(token, 'hidden', this.config.nLayer + 1, this.config.nEmbd);
  }

  /** One head's q, k or v of every position so far: [T, dh]. */
  rows(kind: 'q' | 'k' | 'v', layer: number, head: number): Float32Array {
    const dh = this.config.nEmbd / this.config.nHead;
    const out = new Float32Array(this.length * dh);
    for (const { pass, t, position, run } of this.runs(this.length)) {
      const start = ((layer * this.config.nHead + head) * pass.length + t) * dh;
      out.set(pass[kind].subarray(start, start + run * dh), position * dh);
    }
    return out;
  }

  /** Every head's q, k or v of `token`: [L, H, dh]. */
  heads(kind: 'q' | 'k' | 'v', token: number): Float32Array {
    return this.gather(token, kind, this.config.nLayer * this.config.nHead, this.config.nEmbd / this.config.nHead);
  }

  /** Every head's q, k or v of positions 0..count-1: [L, H, count, dh], as one pass would return them. */
  span(kind: 'q' | 'k' | 'v', count: number): Float32Array {
    const { nLayer: L, nHead: H } = this.config;
    const dh = this.config.nEmbd / H;
    const out = new Float32Array(L * H * count * dh);
    for (const { pass, t, position, run } of this.runs(count)) {
      for (let r = 0; r < L * H; r++) out.set(pass[kind].subarray((r * pass.length + t) * dh, (r * pass.length + t + run) * dh), (r * count + position) * dh);
    }
    return out;
  }

  /** One head's q, k or v of `token`: [dh]. */
  vector(kind: 'q' | 'k' | 'v', layer: number, head: number, token: number): number[] {
    const dh = this.config.nEmbd / this.config.nHead;
    const { pass, t } = this.places[token];
    const start = ((layer * this.config.nHead + head) * pass.length + t) * dh;
    return Array.from(pass[kind].subarray(start, start + dh));
  }

  /**
   * Positions 0..count-1 as runs of positions consecutive in one pass (`run` of them from `position`,
   * at t .. t + run − 1 of `pass`): each run is one block of every row of its pass's arrays, so it is
   * one copy a row, not one a row and position (a 12-token prompt's attribution ask made 3,456 copies).
   */
  private runs(count: number): { pass: Pass; t: number; position: number; run: number }[] {
    const out: { pass: Pass; t: number; position: number; run: number }[] = [];
    for (let position = 0; position < count; ) {
      const { pass, t } = this.places[position];
      let run = 1;
      while (position + run < count && this.places[position + run].pass === pass && this.places[position + run].t === t + run) run++;
      out.push({ pass, t, position, run });
      position += run;
    }
    return out;
  }

  /**
   * Position `token`'s `width` values in each of `rows` rows of its pass's [rows, T, width] array: a
   * view when the pass had one position (a Step), else a copy.
   */
  private gather(token: number, kind: 'hidden' | 'q' | 'k' | 'v', rows: number, width: number): Float32Array {
    const { pass, t } = this.places[token];
    const source = pass[kind];
    if (pass.length === 1) return source.subarray(0, rows * width);
    const out = new Float32Array(rows * width);
    for (let r = 0; r < rows; r++) out.set(source.subarray((r * pass.length + t) * width, (r * pass.length + t + 1) * width), r * width);
    return out;
  }
}
