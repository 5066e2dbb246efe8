// What `generate` and `sample` share: the model folder, the prompt, how tokens are picked, and an
// explorer session on them that is freed whatever happens.
import type { CliIo } from './command';
import type { Gpt2Tokenizer } from '../engine/tokenizer';
import { ExplorerSession } from '../explorer/session';
import type { DecodingPatch } from '../protocol/decoding';
import { UsageError, type Options, type ParsedArgs } from './args';
import { LOAD_USAGE, MODEL_OPTIONS, openModel } from './model-option';
import { decodingOption } from './decoding-option';

export const DECODING_OPTIONS = {
  ...MODEL_OPTIONS,
  json: { type: 'boolean' },
  temperature: { type: 'string' },
  'top-k': { type: 'string' },
  'top-p': { type: 'string' },
  seed: { type: 'string' },
  ids: { type: 'string' },
} as const satisfies Options;

export const DECODING_USAGE = `  --temperature T    softmax(logits / T); default 1, 0 = greedy (always the most likely token)
  --top-k K          draw only from the K most likely tokens; default 0 = off (the whole distribution)
  --top-p P          draw only from the fewest tokens holding P of the mass; default 1 = off
  --seed S           seeds the sampler: the same seed gives the same draws (default 0)
${LOAD_USAGE}
  --ids I,J,...      the prompt as GPT-2 token ids instead of a PROMPT text (e.g. --ids 464,3139,286)`;

/** The decoding settings given on the command line (absent ones are the defaults). */
export function decodingSettings(args: ParsedArgs): DecodingPatch {
  return {
    temperature: decodingOption(args, 'temperature', 'temperature'),
    topK: decodingOption(args, 'top-k', 'topK'),
    topP: decodingOption(args, 'top-p', 'topP'),
    seed: decodingOption(args, 'seed', 'seed'),
  };
}

/** The prompt: the one PROMPT argument, which must hold some text, or --ids (then no PROMPT). */
export interface Prompt {
  text: string;
  ids?: number[];
}

export function promptArgument(args: ParsedArgs): Prompt {
  if (typeof args.values.ids === 'string') {
    if (args.positionals.length !== 0) throw new UsageError('give either PROMPT or --ids, not both');
    return { text: args.values.ids, ids: tokenIds(args.values.ids) };
  }
  if (args.positionals.length !== 1) throw new UsageError(`expected one PROMPT argument, got ${args.positionals.length}`);
  const text = args.positionals[0];
  if (text.trim() === '') throw new UsageError('the prompt is empty: give GPT-2 some text to read');
  return { text };
}

/** "464,3139, 286" → [464, 3139, 286]; the range is checked against the model's vocabulary later. */
function tokenIds(list: string): number[] {
  const parts = list.split(',').map((part) => part.trim());
  const bad = parts.find((part) => !/^\d+$/.test(part));
  if (bad !== undefined) throw new UsageError(`--ids must be comma-separated token ids (integers ≥ 0), got "${bad}"`);
  return parts.map(Number);
}

/** Opens --model, starts a session on `prompt` with `settings`, runs `work`, then frees the session and the model. */
export async function withSession<T>(args: ParsedArgs, io: CliIo, prompt: Prompt, settings: DecodingPatch, work: (session: ExplorerSession, tokenizer: Gpt2Tokenizer) => Promise<T> | T): Promise<T> {
  const { model, tokenizer } = await openModel(args, io.stderr);
  try {
    const sentence = { id: 'cli', text: prompt.text, source: 'custom' } as const;
    const session = await ExplorerSession.create(model, tokenizer, { sentence, settings, ...(prompt.ids ? { ids: prompt.ids } : {}) });
    try {
      return await work(session, tokenizer);
    } finally {
      session.dispose();
    }
  } finally {
    await model.dispose();
  }
}
