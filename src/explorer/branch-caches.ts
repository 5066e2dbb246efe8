// The KV caches of the few tree nodes the learner left last, so going back to one and continuing runs no
// pass over what its cache holds; a node without one continues from its nearest ancestor that has one (or the
// prompt's, which the session always keeps) by running only the tokens in between. A cache holds every position
// up to its node (≈ 74 kB a position in GPT-2 small), so only a few are kept; the oldest is freed first.
import type { KvCache } from '../engine/types';

const KEPT = 4;

export class BranchCaches {
  private readonly caches = new Map<number, KvCache>(); // node id → its cache; oldest first

  has(node: number): boolean {
    return this.caches.has(node);
  }

  /** Keeps `cache` as `node`'s; frees the oldest beyond KEPT. */
  keep(node: number, cache: KvCache): void {
    this.caches.get(node)?.dispose();
    this.caches.delete(node);
    this.caches.set(node, cache);
    if (this.caches.size > KEPT) {
      const [oldest, dropped] = this.caches.entries().next().value!;
      this.caches.delete(oldest);
      dropped.dispose();
    }
  }

  /** `node`'s cache, handed over (no longer kept here: the caller frees it or keeps it again). */
  take(node: number): KvCache | null {
    const cache = this.caches.get(node) ?? null;
    this.caches.delete(node);
    return cache;
  }

  /** `node`'s cache, still kept here. */
  peek(node: number): KvCache | undefined {
    return this.caches.get(node);
  }

  clear(): void {
    for (const cache of this.caches.values()) cache.dispose();
    this.caches.clear();
  }
}
