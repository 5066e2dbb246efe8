// `score`: GPT-2 on a text itself (token surprise, issue 18): for each token after the first, the
// log-probability the model gave it from the tokens before it, its rank, the top 5 there and the
// first lens layer that ranks it first (src/explorer/score.ts). A text over the context is scored in
// chunks, told on stderr before the first and as each is done (a long text takes minutes), so stdout keeps its shape.
import { type Chunk, chunkOverlap, chunkPlan, scoreTokens } from '../explorer/score';
import { surpriseSummary, type TextScores } from '../protocol/surprise';
import { parse } from './args';
import type { Command } from './command';
import { percent, quote } from './format';
import { LOAD_USAGE, MODEL_OPTIONS, MODEL_USAGE, openModel } from './model-option';
import { scoreInput } from './score-input';

const usage = `Usage: gpt2-explorer score --model DIR|ID [--json] [--file FILE] [--int8] TEXT

Scores every token of TEXT by how the model saw it coming: for each token after the first, the
natural-log probability the model gave it from the tokens before it, its rank (1 = the model's first
choice; tokens tied with it share the better rank), the model's top 5 there, and the first hidden
state 0..L whose logit lens ranks it first (null when none does). The first token has logprob, rank
and lensLayer null and an empty top: nothing comes before it.

A text longer than the model's context (1,024 tokens for GPT-2) is scored in chunks of at most the
context: each later chunk first reads again the quarter-context of tokens before it (256 for GPT-2),
so its first token is scored from those alone. Where the chunks start is told on stderr before scoring,
and each chunk as it is done.

--json prints {"tokens": [{"id", "text", "logprob", "rank", "top": [{"id", "text", "prob"}], "lensLayer"}]}.

Options:
${MODEL_USAGE}
  --json             print JSON instead of a table
  --file FILE        read the text from FILE (UTF-8; - for stdin) instead of TEXT
${LOAD_USAGE}
`;

const options = {
  ...MODEL_OPTIONS,
  json: { type: 'boolean' },
  file: { type: 'string' },
} as const;

export const command: Command = {
  summary: 'token surprise: how likely the model found each token of a text, its rank and lens layer (--json)',
  usage,
  async run(argv, io) {
    const args = parse(argv, options);
    const text = await scoreInput(args, io.stdin);
    const { model, tokenizer } = await openModel(args, io.stderr);
    try {
      const tokens = await tokenizer.encodeInChunks(text);
      const plan = chunkPlan(tokens.length, model.config.nPositions);
      if (plan.length > 1) tellChunks(tokens.length, model.config.nPositions, plan, io.stderr);
      const onChunk = plan.length > 1 ? (chunk: Chunk) => tellChunkDone(chunk, plan, io.stderr) : undefined;
      const scores = await scoreTokens(model, tokenizer, tokens, { onChunk });
      return args.values.json === true ? toJson(scores) : formatScores(scores);
    } finally {
      await model.dispose();
    }
  },
};

/** The exact shape the issue names (an outside reference checks it): no ranges, no chunk marks. */
function toJson({ tokens }: TextScores) {
  return { tokens: tokens.map(({ id, text, logprob, rank, top, lensLayer }) => ({ id, text, logprob, rank, top, lensLayer })) };
}

const n = (value: number) => value.toLocaleString('en-US');

/** Told before the first pass: a text of many contexts is scored for minutes, and said nothing until the end. */
function tellChunks(tokens: number, context: number, plan: Chunk[], stderr: NodeJS.WritableStream): void {
  stderr.write(
    `gpt2-explorer score: ${n(tokens)} tokens, more than the model's context of ${n(context)}: scored in ${plan.length} chunks ` +
      `starting at tokens ${plan.map((chunk) => n(chunk.start)).join(', ')}; each later chunk first reads again the ${n(chunkOverlap(context))} tokens before it, ` +
      `so its first token is scored from those alone\n`,
  );
}

function tellChunkDone(chunk: Chunk, plan: Chunk[], stderr: NodeJS.WritableStream): void {
  stderr.write(`gpt2-explorer score: chunk ${n(plan.findIndex((planned) => planned.start === chunk.start) + 1)} of ${n(plan.length)} scored (tokens ${n(chunk.start)}–${n(chunk.end - 1)})\n`);
}

function formatScores({ tokens }: TextScores): string {
  const lines = [`  ${'#'.padStart(5)}  ${'id'.padStart(6)}  ${'text'.padEnd(18)}  ${'rank'.padStart(6)}  ${'prob'.padStart(7)}  lens  model's first choice`];
  tokens.forEach((token, i) => {
    const mark = token.chunkStart && i > 0 ? '  ← a new chunk starts here' : '';
    const scored = token.logprob === null ? `${'–'.padStart(6)}  ${'–'.padStart(7)}  ${'–'.padStart(4)}` : `${String(token.rank).padStart(6)}  ${percent(Math.exp(token.logprob))}  ${String(token.lensLayer ?? '–').padStart(4)}  ${quote(token.top[0].text)}`;
    lines.push(`  ${String(i).padStart(5)}  ${String(token.id).padStart(6)}  ${quote(token.text).padEnd(18)}  ${scored}${mark}`);
  });
  const { scored, meanBits, most } = surpriseSummary(tokens);
  if (meanBits !== null && most !== null) {
    lines.push('', `Mean surprise: ${meanBits.toFixed(2)} bits per token over ${scored} scored tokens; the most surprising: ${quote(most.text)} (token ${most.index}, ${most.bits.toFixed(2)} bits, rank ${most.rank})`);
  }
  return lines.join('\n') + '\n';
}
