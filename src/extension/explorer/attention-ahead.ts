// The attention patterns the panel has not asked for yet, read ahead in the pauses. A Layer or Head change
// asked the worker and waited for its answer: a trip of 17–25 ms on two cores (bench latency), more than a
// frame, for a pattern the worker computes in 0.1 ms. Once the panel has been answered a pattern, every head
// of the layers nearest the one shown is read here, a layer at a time (one run each), while the worker's
// queue is idle, and posted to the panel, which keeps them until the next session (webview/explorer/
// host-data.ts): the next change draws at once. No `vscode` here.
//
// Never stale: each layer is posted only if the session it was read from is still the one on screen; a
// read that a Step or a new sentence overtook is dropped (the worker answers in order, so one read before
// the Step reaches the panel before the Step's session, which makes it stale there too).

import type { AttentionMap } from '../../protocol/views';

/** Float32 bytes of patterns read ahead for one session at most (base64 adds a third): every layer of a prompt up to ≈ 100 tokens, none at 1,024 (25 MB a layer). */
export const AHEAD_BYTES = 2 * 1024 * 1024;
/** The queue must stay idle this long first: the requests a change makes (lens, Q/K/V, the heads grid) go before. */
export const AHEAD_IDLE_MS = 100;

export interface AheadPorts {
  /** Nothing runs or waits in the worker's queue. */
  idle(): boolean;
  /** The session on screen (its identity) and its shape; null when none is, or one is shown from a file. */
  shown(): { of: object; layers: number; heads: number; size: number } | null;
  /** Every head's pattern at `layer`; null when it did not run (a failure, the panel closed). */
  read(layer: number): Promise<AttentionMap[] | null>;
  post(maps: AttentionMap[]): void;
}

export class AttentionAhead {
  private of: object | null = null; // the session the layers below are read for
  private layers: number[] = []; // its layers still to read, nearest the one shown first
  private timer: ReturnType<typeof setTimeout> | undefined;
  private reading = false;

  constructor(private readonly ports: AheadPorts) {}

  /** The panel was answered `layer`'s pattern: the layers nearest it are read once the queue is idle. */
  answered(layer: number): void {
    const shown = this.ports.shown();
    if (!shown) return;
    if (shown.of !== this.of) [this.of, this.layers] = [shown.of, order(layer, shown)];
    this.later();
  }

  /** The panel holds nothing read ahead (it reloaded, or closed). */
  forget(): void {
    clearTimeout(this.timer);
    [this.of, this.layers] = [null, []];
  }

  dispose(): void {
    this.forget();
  }

  private later(): void {
    clearTimeout(this.timer);
    if (this.layers.length > 0 && !this.reading) this.timer = setTimeout(() => void this.next(), AHEAD_IDLE_MS);
  }

  private async next(): Promise<void> {
    const of = this.of;
    if (this.ports.shown()?.of !== of) return; // a Step or a new sentence: its own answer starts again
    if (!this.ports.idle()) return this.later();
    const layer = this.layers.shift();
    if (layer === undefined) return;
    this.reading = true;
    const maps = await this.ports.read(layer).finally(() => (this.reading = false));
    if (of !== this.of || this.ports.shown()?.of !== of) return;
    if (maps) this.ports.post(maps);
    if (this.ports.idle()) return void this.next();
    this.later();
  }
}

/** The layers to read, nearest `layer` first, as many as AHEAD_BYTES holds (none when one layer is more). */
function order(layer: number, { layers, heads, size }: { layers: number; heads: number; size: number }): number[] {
  const perLayer = heads * ((size * (size + 1)) / 2) * 4;
  const count = Math.min(layers, Math.floor(AHEAD_BYTES / perLayer));
  const nearest = Array.from({ length: layers }, (_, l) => l).sort((a, b) => Math.abs(a - layer) - Math.abs(b - layer) || a - b);
  return nearest.slice(0, count);
}
