// A long prompt read in passes of PREFILL_PASS tokens, each continuing the KV cache of the one before:
// the same numbers as one pass (the tests hold them to the reference), but each pass's internals are
// a bounded size, there is a place to report progress and to stop, and ORT's per-run buffers stay small.
import type { Gpt2Model } from './model';
import type { ForwardResult } from './types';

/** Tokens per prefill pass: the one bound of it (the session, the CLI and the bench read it here). */
export const PREFILL_PASS = 256;

export interface PrefillOptions {
  signal?: AbortSignal; // checked before each pass: an abort stops the prefill with signal.reason
  onProgress?: (done: number, total: number) => void; // after each pass: tokens read so far of the prompt's
}

/**
 * Runs `ids` through the model pass by pass, handing each pass's result to `onPass` (in order),
 * and returns the last one: its logits and its cache (holding every position) continue the prompt.
 * Each earlier pass's cache is disposed once the next one has continued it.
 */
export async function prefill(model: Gpt2Model, ids: number[], onPass: (result: ForwardResult) => void, options: PrefillOptions = {}): Promise<ForwardResult> {
  let last: ForwardResult | undefined;
  for (let start = 0; start < ids.length || last === undefined; start += PREFILL_PASS) {
    options.signal?.throwIfAborted();
    const result = await model.forward(ids.slice(start, start + PREFILL_PASS), last?.cache, ids.length); // room for the whole prompt: its cache is made once
    last?.cache.dispose();
    onPass(result);
    last = result;
    options.onProgress?.(Math.min(start + PREFILL_PASS, ids.length), ids.length);
  }
  return last;
}
