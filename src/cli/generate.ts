// `generate`: the decoding loop from the command line — pick a token, append it, run the model
// again, until <|endoftext|>, --max-tokens or the end of the context. --tree FILE also writes the run as the
// decoding tree, in the file the panel's Save Data writes (protocol/export-format.ts): one path, no branches.
import { writeFile } from 'node:fs/promises';
import type { Gpt2Tokenizer } from '../engine/tokenizer';
import type { ExplorerSession } from '../explorer/session';
import { exportOf, exportText } from '../protocol/export-format';
import type { StopReason } from '../protocol/views';
import { parse, UsageError } from './args';
import type { Command } from './command';
import { MODEL_USAGE } from './model-option';
import { decodingOption } from './decoding-option';
import { percent, quote } from './format';
import { DECODING_OPTIONS, DECODING_USAGE, decodingSettings, promptArgument, withSession } from './session-command';

const usage = `Usage: gpt2-explorer generate --model DIR|ID [--json] [--max-tokens N] [--temperature T] [--top-k K] [--top-p P] [--seed S] [--int8] [--tree FILE.json] (PROMPT | --ids I,J,...)

Continues PROMPT one token at a time: each token is drawn from the model's next-token
distribution, appended, and the model runs again on the longer text (with its KV cache).
A prompt longer than the model's context keeps its last tokens, leaving room for --max-tokens new ones.

Options:
${MODEL_USAGE}
  --json             print {"prompt_tokens", "generated", "text", "stop"} (below)
  --max-tokens N     stop after N new tokens (default 10)
  --tree FILE.json   also write the run as the decoding tree, as the Decoding tree panel's Save Data does:
                     {"format": "gpt2-explorer/panel", prompt, model, decoding, "panel": {"type": "tree",
                     "view": {nodes, current, pick}}}; a generate run is one path, pick explains its last token
${DECODING_USAGE}

JSON: prompt_tokens [{id, text}]; generated [{id, text, prob}] where prob is the token's probability
under the distribution it was drawn from; text, the generated tokens decoded (without the prompt);
stop, why it ended: "eos" (<|endoftext|> was picked), "max_tokens" or "context_full".
`;

export interface Generation {
  prompt_tokens: { id: number; text: string }[];
  generated: { id: number; text: string; prob: number }[];
  text: string;
  stop: StopReason;
}

export const command: Command = {
  summary: 'continue a prompt token by token (greedy, temperature, top-k, top-p, seed)',
  usage,
  async run(argv, io) {
    const args = parse(argv, { ...DECODING_OPTIONS, 'max-tokens': { type: 'string' }, tree: { type: 'string' } });
    const settings = { ...decodingSettings(args), maxNewTokens: decodingOption(args, 'max-tokens', 'maxNewTokens') };
    const prompt = promptArgument(args);
    const tree = args.values.tree;
    if (typeof tree === 'string' && !tree.endsWith('.json')) throw new UsageError(`--tree writes a .json file, got ${tree}`);
    return withSession(args, io, prompt, settings, async (session, tokenizer) => {
      const generation = await generate(session, tokenizer);
      if (typeof tree === 'string') await writeTree(session, tree);
      return args.values.json === true ? generation : formatGeneration(generation);
    });
  },
};

/** Runs the session to its stop and reports it in the JSON contract's shape. */
export async function generate(session: ExplorerSession, tokenizer: Gpt2Tokenizer): Promise<Generation> {
  const view = await session.generate();
  const generated = session.generated().map(({ id, text, prob }) => ({ id, text, prob }));
  return {
    prompt_tokens: view.tokens.slice(0, view.promptLength).map(({ id, text }) => ({ id, text })),
    generated,
    text: tokenizer.decode(generated.map((token) => token.id)),
    stop: view.stop!, // generate() returns only once a stop condition holds
  };
}

/** The session's decoding tree in the panel's Save Data format. */
async function writeTree(session: ExplorerSession, file: string): Promise<void> {
  const view = session.view();
  await writeFile(file, exportText(exportOf(view, { type: 'tree', view: view.tree! }, new Date()))).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`--tree could not write ${file}: ${error.code ?? error.message}`);
  });
}

function formatGeneration(generation: Generation): string {
  const prompt = generation.prompt_tokens.map((token) => token.text).join('');
  const lines = [`Prompt (${generation.prompt_tokens.length} tokens): ${quote(prompt)}`, '', `Generated (${generation.generated.length}), each with its probability when picked:`];
  generation.generated.forEach((token, i) => {
    lines.push(`  ${String(i + 1).padStart(4)}. ${quote(token.text).padEnd(18)} ${String(token.id).padStart(6)}  ${percent(token.prob)}`);
  });
  lines.push('', `Text: ${quote(generation.text)}`, `Stopped: ${STOP_MEANING[generation.stop]}`);
  return lines.join('\n') + '\n';
}

const STOP_MEANING: Record<StopReason, string> = {
  eos: 'the model picked <|endoftext|> (eos)',
  max_tokens: 'the --max-tokens limit was reached (max_tokens)',
  context_full: "the model's context is full (context_full)",
};
