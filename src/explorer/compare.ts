// Two prompts side by side (the Compare tab): both token rows, both prompts' positions at every layer
// in one 2D frame fitted on both (so a dot of one prompt and a dot of the other can be compared), how
// far apart the two last positions are after each layer, both next-token distributions, and the
// patching metric's default tokens. The session's prompt is the clean one; it stays as it is.
import type { Gpt2Model } from '../engine/model';
import type { Gpt2Tokenizer } from '../engine/tokenizer';
import { type CompareSide, type CompareView, MAX_COMPARE_TOKENS } from '../protocol/compare';
import { softmax, topK } from './decoding/logits';
import { checkPair, PatchInputError, type PatchToken } from './patching';
import { normalise, ProjectionFrame } from './projection';

const TOP = 10;

/** The two prompts' tokens, checked: each non-empty, at most MAX_COMPARE_TOKENS and the model's context. */
export function compareTokens(tokenizer: Gpt2Tokenizer, texts: [string, string], nPositions: number): [PatchToken[], PatchToken[]] {
  const limit = Math.min(MAX_COMPARE_TOKENS, nPositions);
  const [clean, corrupt] = texts.map((text, i) => {
    const tokens = tokenizer.encode(text).map(({ id, text }) => ({ id, text }));
    const which = i === 0 ? 'the first prompt' : 'the second prompt';
    if (tokens.length === 0) throw new RangeError(`${which} is empty: give GPT-2 some text to read`);
    // A patching grid has a run per position: the bound is Compare's, whatever the model's context.
    if (tokens.length > limit) throw new RangeError(`${which} has ${tokens.length} tokens; Compare and patching take prompts of at most ${limit}: shorten it (or pick a shorter sentence) to compare it`);
    return tokens;
  });
  return [clean, corrupt];
}

/** The one token `text` is, or a RangeError that says what it is instead. */
export function singleToken(tokenizer: Gpt2Tokenizer, text: string): PatchToken {
  const tokens = tokenizer.encode(text);
  if (tokens.length !== 1) throw new RangeError(`the metric's token ${JSON.stringify(text)} is ${tokens.length} tokens, not one`);
  return { id: tokens[0].id, text: tokens[0].text };
}

/** Compares `cleanText` (the session's prompt) with `corruptText`; `pair` names the metric's tokens of a preset pair. */
export async function compare(model: Gpt2Model, tokenizer: Gpt2Tokenizer, cleanText: string, corruptText: string, pair?: { target: string; versus: string }): Promise<CompareView> {
  const { nLayer: L, nEmbd: d, nPositions } = model.config;
  const [clean, corrupt] = compareTokens(tokenizer, [cleanText, corruptText], nPositions);
  const passes = [await model.forward(clean.map((t) => t.id)), await model.forward(corrupt.map((t) => t.id))];
  passes.forEach((pass) => pass.cache.dispose());
  const [Tc, Tk] = [clean.length, corrupt.length];
  const row = (pass: 0 | 1, layer: number, t: number) => passes[pass].hidden.subarray((layer * (pass === 0 ? Tc : Tk) + t) * d, (layer * (pass === 0 ? Tc : Tk) + t + 1) * d);
  const rows = Array.from({ length: L + 1 }, (_, layer) => [
    ...Array.from({ length: Tc }, (_, t) => row(0, layer, t)),
    ...Array.from({ length: Tk }, (_, t) => row(1, layer, t)),
  ]).flat();
  const frame = ProjectionFrame.fit(rows, d);
  const points = rows.flatMap((vector) => frame.project(vector));
  const distance = Array.from({ length: L + 1 }, (_, layer) => normalisedDistance(row(0, layer, Tc - 1), row(1, layer, Tk - 1)));
  const side = (text: string, tokens: PatchToken[], logits: Float32Array): CompareSide => {
    const probs = softmax(logits);
    return { text, tokens, next: topK(logits, TOP).map((id) => ({ id, text: tokenizer.tokenText(id), prob: probs[id] })) };
  };
  const [cleanSide, corruptSide] = [side(cleanText, clean, passes[0].logits), side(corruptText, corrupt, passes[1].logits)];
  const { target, versus } = pair ? { target: singleToken(tokenizer, pair.target), versus: singleToken(tokenizer, pair.versus) } : defaultMetric(cleanSide, corruptSide);
  return { clean: cleanSide, corrupt: corruptSide, layers: L + 1, points, distance, target, versus, refusal: refusal(clean, corrupt) };
}

/** The clean prompt's top token versus the corrupted one's, or its runner-up when both put the same token first. */
function defaultMetric(clean: CompareSide, corrupt: CompareSide): { target: PatchToken; versus: PatchToken } {
  const named = ({ id, text }: { id: number; text: string }) => ({ id, text });
  const target = named(clean.next[0]);
  return { target, versus: named(corrupt.next.find((candidate) => candidate.id !== target.id) ?? corrupt.next[0]) };
}

/** Why the pair cannot be patched, or ''. */
function refusal(clean: PatchToken[], corrupt: PatchToken[]): string {
  try {
    checkPair(clean, corrupt);
    return '';
  } catch (error) {
    if (error instanceof PatchInputError) return error.message;
    throw error;
  }
}

/**
 * The root-mean-square distance of two residual vectors after each is centred and divided by its own
 * RMS (ln_f without its weights): the residual stream's norm grows a lot with depth, and unscaled the
 * later layers would dwarf the rest. 0 for the same direction, at most 2.
 */
export function normalisedDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const [x, y] = [normalise(a), normalise(b)];
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += (x[i] - y[i]) ** 2;
  return Math.sqrt(sum / x.length);
}
