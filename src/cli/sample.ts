// `sample`: roll the prompt's next token N times without appending (the lesson's Sample button)
// and count what came up, next to each drawn token's probability.
import type { Gpt2Tokenizer } from '../engine/tokenizer';
import type { ExplorerSession } from '../explorer/session';
import { integer, parse, required } from './args';
import type { Command } from './command';
import { MODEL_USAGE } from './model-option';
import { percent, quote } from './format';
import { DECODING_OPTIONS, DECODING_USAGE, decodingSettings, promptArgument, withSession } from './session-command';

const usage = `Usage: gpt2-explorer sample --model DIR|ID --n N [--seed S] [--temperature T] [--top-k K] [--top-p P] [--json] [--int8] (PROMPT | --ids I,J,...)

Draws the token after PROMPT N times from the model's next-token distribution (nothing is
appended) and counts the draws: over many rolls the shares approach the probabilities.

Options:
${MODEL_USAGE}
  --n N              how many rolls (required)
  --json             print {"counts": {"<id>": n}, "probs": {"<id>": p}} for every id drawn
${DECODING_USAGE}
`;

const SHOWN_ROWS = 25; // the readable table's length

export interface Tally {
  counts: Record<string, number>;
  probs: Record<string, number>; // the drawn ids' probabilities under the distribution they were drawn from
}

export const command: Command = {
  summary: "roll the prompt's next token N times and count the draws (--seed, --temperature)",
  usage,
  async run(argv, io) {
    const args = parse(argv, { ...DECODING_OPTIONS, n: { type: 'string' } });
    const settings = decodingSettings(args);
    required(args, 'n');
    const rolls = integer(args, 'n', 0, 1, 10_000_000);
    const prompt = promptArgument(args);
    return withSession(args, io, prompt, settings, (session, tokenizer) => {
      const tally = roll(session, rolls);
      return args.values.json === true ? tally : formatTally(tally, rolls, tokenizer);
    });
  },
};

/** `rolls` draws from the session's current distribution, counted by token id. */
export function roll(session: ExplorerSession, rolls: number): Tally {
  const { counts } = session.sample(rolls);
  const probs = Object.fromEntries(Object.keys(counts).map((id) => [id, session.probability(Number(id))]));
  return { counts, probs };
}

function formatTally(tally: Tally, rolls: number, tokenizer: Gpt2Tokenizer): string {
  const rows = Object.entries(tally.counts).sort(([a, n], [b, m]) => m - n || Number(a) - Number(b));
  const lines = [`${rolls} rolls, ${rows.length} different tokens`, `  ${'text'.padEnd(18)} ${'id'.padStart(6)}  ${'drawn'.padStart(7)}  ${'share'.padStart(7)}  ${'prob'.padStart(7)}`];
  for (const [id, count] of rows.slice(0, SHOWN_ROWS)) {
    const text = quote(tokenizer.tokenText(Number(id))).padEnd(18);
    lines.push(`  ${text} ${id.padStart(6)}  ${String(count).padStart(7)}  ${percent(count / rolls)}  ${percent(tally.probs[id])}`);
  }
  if (rows.length > SHOWN_ROWS) lines.push(`  … and ${rows.length - SHOWN_ROWS} more tokens drawn less often (--json lists them all)`);
  return lines.join('\n') + '\n';
}
