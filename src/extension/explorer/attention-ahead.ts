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

import { patternBytes, PATTERNS_HELD_BYTES } from '../../protocol/attention-map';
import type { AttentionMap } from '../../protocol/views';
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
  private taken = new Set<number>(); // its layers read (or being read) already: the panel holds them
  private layers: number[] = []; // its layers still to read, nearest the one answered last first
  private timer: ReturnType<typeof setTimeout> | undefined;
  private reading = false;

  /** idleMs: how long the queue must stay idle first (tests shorten it). */
  constructor(
    private readonly ports: AheadPorts,
    private readonly idleMs = AHEAD_IDLE_MS,
  ) {}

  /**
   * The panel was answered `layer`'s pattern: the layers nearest it that it does not hold are read once the
   * queue is idle, as many as PATTERNS_HELD_BYTES leaves room for (all of them but at a long prompt).
   */
  answered(layer: number): void {
    const shown = this.ports.shown();
    if (!shown) return;
    if (shown.of !== this.of) [this.of, this.taken] = [shown.of, new Set()];
    const room = layersWithin(shown) - this.taken.size;
    this.layers = nearest(layer, shown.layers).filter((l) => !this.taken.has(l)).slice(0, Math.max(0, room));
    this.later();
  }

  /** The panel holds nothing read ahead (it reloaded, or closed). */
  forget(): void {
    clearTimeout(this.timer);
    [this.of, this.taken, this.layers] = [null, new Set(), []];
  }

  dispose(): void {
    this.forget();
  }

  private later(): void {
    clearTimeout(this.timer);
    if (this.layers.length > 0 && !this.reading) this.timer = setTimeout(() => void this.next(), this.idleMs);
  }

  private async next(): Promise<void> {
    const of = this.of;
    if (this.ports.shown()?.of !== of) return; // a Step or a new sentence: its own answer starts again
    if (!this.ports.idle()) return this.later();
    const layer = this.layers.shift();
    if (layer === undefined) return;
    this.taken.add(layer);
    this.reading = true;
    const maps = await this.ports.read(layer).finally(() => (this.reading = false));
    if (of !== this.of || this.ports.shown()?.of !== of) return this.later(); // overtaken: what is left for the session now shown
    if (maps) this.ports.post(maps);
    if (this.ports.idle()) return void this.next();
    this.later();
  }
}

/** How many layers of this session's patterns PATTERNS_HELD_BYTES holds (none when one layer is more: 25 MB a layer at 1,024 tokens). */
function layersWithin({ layers, heads, size }: { layers: number; heads: number; size: number }): number {
  return Math.min(layers, Math.floor(PATTERNS_HELD_BYTES / (heads * patternBytes(size))));
}

/** Every layer, nearest `layer` first. */
function nearest(layer: number, layers: number): number[] {
  return Array.from({ length: layers }, (_, l) => l).sort((a, b) => Math.abs(a - layer) - Math.abs(b - layer) || a - b);
}
