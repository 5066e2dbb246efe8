// Reading a prompt for a session: its tokens (from the text, or given as ids), the cut of a text longer than the
// context, the prompt pass in prefill passes, and the projection frame fitted on every layer of it.
import type { Gpt2Model } from '../engine/model';
import { prefill, type PrefillOptions } from '../engine/prefill';
import type { Gpt2Tokenizer, Token } from '../engine/tokenizer';
import type { Gpt2Config, KvCache } from '../engine/types';
import type { DecodingSettings } from '../protocol/decoding';
import type { SentenceView, TokenChip } from '../protocol/views';
import { presetOnModel } from './presets';
import { ProjectionFrame } from './projection';
import { Trace } from './trace';

/** For long prompts: the chips as soon as they are known, then how far the prompt pass is; a signal to stop. */
export interface SessionProgress extends PrefillOptions {
  onTokens?: (chips: TokenChip[], truncated: number) => void;
}

/** Where the loop stands: the last position's logits and the cache to continue from. */
export interface Frontier {
  logits: Float32Array; // [V] at the last position
  cache: KvCache;
}

export interface ReadPrompt {
  chips: TokenChip[];
  truncated: number; // tokens cut from the start of a text longer than the context
  frontier: Frontier;
  frame: ProjectionFrame;
  trace: Trace; // every position of the prompt; the session appends the generated ones
}

/**
 * Tokenises the sentence (or takes its ids), keeps a text longer than the context to its last tokens, leaving room
 * for maxNewTokens new ones (at most a quarter of the context) so it can still be stepped, runs the prompt pass and
 * fits the projection.
 */
export async function readPrompt(model: Gpt2Model, tokenizer: Gpt2Tokenizer, sentence: SentenceView, ids: number[] | undefined, settings: DecodingSettings, progress: SessionProgress): Promise<ReadPrompt> {
  const config = model.config;
  const tokens = ids ? tokensOf(ids, tokenizer, config) : await tokenizer.encodeInChunks(sentence.text, progress.signal);
  if (tokens.length === 0) throw new RangeError('the prompt is empty: give GPT-2 some text to read');
  const truncated = tokens.length > config.nPositions ? tokens.length - config.nPositions + roomToGenerate(config, settings) : 0;
  const chips = tokens.slice(truncated).map((token, index): TokenChip => ({ index, ...token, generated: false }));
  progress.onTokens?.(chips, truncated);
  const trace = new Trace(config);
  const result = await prefill(model, chips.map((chip) => chip.id), (pass) => trace.append(pass), progress);
  const rows = Array.from({ length: (config.nLayer + 1) * chips.length }, (_, i) => trace.hidden(Math.floor(i / chips.length), i % chips.length));
  const frame = ProjectionFrame.fit(rows, config.nEmbd);
  return { chips, truncated, frontier: { logits: result.logits, cache: result.cache }, frame, trace };
}

/** A preset's Layer/Head on this model (presets.ts's presetOnModel), after checking them; default the middle layer, head 0. */
export function fitDefaults(defaults: { layer: number; head: number } | undefined, config: Gpt2Config): { layer: number; head: number } {
  if (!defaults) return { layer: Math.floor(config.nLayer / 2), head: 0 };
  for (const [what, value] of [['layer', defaults.layer], ['head', defaults.head]] as const) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`default ${what} ${value} must be an integer ≥ 0`);
  }
  return presetOnModel(defaults, config);
}

/** RangeError unless `value` is an integer in 0..count-1. */
export function checkIndex(what: string, value: number, count: number): void {
  if (!Number.isInteger(value) || value < 0 || value >= count) {
    throw new RangeError(`${what} ${value} is out of range: expected 0 to ${count - 1}`);
  }
}

/** A prompt given as ids, as chips without a place in any source text (start = end = -1, as generated ones). */
function tokensOf(ids: number[], tokenizer: Gpt2Tokenizer, config: Gpt2Config): Token[] {
  for (const id of ids) checkIndex('prompt token id', id, config.vocabSize);
  return ids.map((id) => ({ id, text: tokenizer.tokenText(id), start: -1, end: -1 }));
}

/** Positions kept free for generated tokens when a prompt has to be cut anyway. */
function roomToGenerate(config: Gpt2Config, settings: DecodingSettings): number {
  return Math.min(settings.maxNewTokens, Math.floor(config.nPositions / 4));
}
