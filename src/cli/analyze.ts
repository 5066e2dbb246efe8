// `analyze`: one forward pass over a prompt, and what the model makes of it — the tokens, the
// next-token distribution, the logit lens at the last position, and (--full) every internal.
import { row } from '../engine/matrix';
import { Gpt2Model } from '../engine/model';
import { Gpt2Tokenizer } from '../engine/tokenizer';
import type { ForwardResult } from '../engine/types';
import { softmax, topK } from '../explorer/decoding/logits';
import type { Analysis, Ranked } from './analysis';
import { formatAnalysis } from './analyze-table';
import { parse, UsageError } from './args';
import type { Command } from './command';
import { LOAD_USAGE, loadOptions, MODEL_USAGE, modelDir, tellProvider } from './model-option';
import { decodingOption } from './decoding-option';

const usage = `Usage: gpt2-explorer analyze --model DIR|ID [--json] [--full] [--temperature T] [--int8] PROMPT

Runs GPT-2 once over PROMPT and prints its tokens, the 10 most likely next tokens and, for every
layer, the logit lens's top 10 at the last position.

Options:
${MODEL_USAGE}
  --json             print JSON instead of a table
  --full             with --json: also hidden [L+1][T][d], attention [L][H][T][T], q, k, v [L][H][T][d/H]
  --temperature T    probabilities are softmax(logits / T); default 1, 0 = all mass on the top token
${LOAD_USAGE}
`;

const options = {
  model: { type: 'string' },
  json: { type: 'boolean' },
  full: { type: 'boolean' },
  temperature: { type: 'string' },
  threads: { type: 'string' },
  int8: { type: 'boolean' },
  provider: { type: 'string' },
} as const;

const TOP = 10;

export const command: Command = {
  summary: 'run GPT-2 over a prompt: tokens, next-token top 10, logit lens (--json, --full)',
  usage,
  async run(argv) {
    const args = parse(argv, options);
    const temperature = decodingOption(args, 'temperature', 'temperature');
    if (args.positionals.length !== 1) throw new UsageError(`expected one PROMPT argument, got ${args.positionals.length}`);
    const prompt = args.positionals[0];
    if (prompt.trim() === '') throw new UsageError('the prompt is empty: give GPT-2 some text to read');
    const load = loadOptions(args);
    const full = args.values.full === true;
    if (full && args.values.json !== true) throw new UsageError('--full needs --json');

    const dir = await modelDir(args);
    const tokenizer = await Gpt2Tokenizer.fromModelDir(dir);
    const model = await Gpt2Model.load(dir, load);
    tellProvider(model);
    try {
      const analysis = await analyze(model, tokenizer, prompt, temperature, full);
      return args.values.json === true ? analysis : formatAnalysis(analysis, temperature);
    } finally {
      await model.dispose();
    }
  },
};

/** Tokenizes, runs one pass, and ranks the next token and the lens at the last position. */
export async function analyze(model: Gpt2Model, tokenizer: Gpt2Tokenizer, prompt: string, temperature: number, full: boolean): Promise<Analysis> {
  const { nLayer: L, nHead: H, nEmbd: d, vocabSize: V, nPositions } = model.config;
  const tokens = tokenizer.encode(prompt);
  if (tokens.length > nPositions) throw new Error(`the prompt is ${tokens.length} tokens long; GPT-2 reads at most ${nPositions}`);
  const T = tokens.length;
  const result = await model.forward(tokens.map((token) => token.id));
  result.cache.dispose();
  // Ranked by logit, so that at temperature 0 the runners-up still show (with probability 0).
  const rank = (logits: Float32Array): Ranked[] => {
    const probs = softmax(logits, temperature);
    return topK(logits, TOP).map((id) => ({ id, text: tokenizer.tokenText(id), prob: probs[id] }));
  };
  const lensLogits = await model.lens(lastPositionPerLayer(result, L + 1, d), L + 1); // [L+1, V]
  const analysis: Analysis = {
    tokens,
    next: rank(result.logits),
    lens: Array.from({ length: L + 1 }, (_, layer) => ({ layer, top: rank(row(lensLogits, layer, V)) })),
  };
  if (!full) return analysis;
  return {
    ...analysis,
    hidden: nest(result.hidden, [L + 1, T, d]) as number[][][],
    attention: nest(result.attention, [L, H, T, T]) as number[][][][],
    q: nest(result.q, [L, H, T, d / H]) as number[][][][],
    k: nest(result.k, [L, H, T, d / H]) as number[][][][],
    v: nest(result.v, [L, H, T, d / H]) as number[][][][],
  };
}

/** hidden [L+1, T, d] → the last position's vector at every layer, [L+1, d]. */
function lastPositionPerLayer(result: ForwardResult, layers: number, d: number): Float32Array {
  const out = new Float32Array(layers * d);
  const T = result.length;
  for (let layer = 0; layer < layers; layer++) out.set(row(result.hidden, layer * T + T - 1, d), layer * d);
  return out;
}

/** A flat row-major array as nested arrays of the given dims. */
function nest(data: Float32Array, dims: number[]): unknown[] {
  const [first, ...rest] = dims;
  if (rest.length === 0) return Array.from(data.subarray(0, first));
  const stride = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: first }, (_, i) => nest(data.subarray(i * stride, (i + 1) * stride), rest));
}
