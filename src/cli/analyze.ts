// `analyze`: one forward pass over a prompt, and what the model makes of it — the tokens, the
// next-token distribution, the logit lens at the last position, and (--full) every internal.
import { row } from '../engine/matrix';
import { Gpt2Model } from '../engine/model';
import { Gpt2Tokenizer } from '../engine/tokenizer';
import { softmax, topK } from '../explorer/decoding/logits';
import type { Analysis, Ranked } from './analysis';
import { formatAnalysis } from './analyze-table';
import { parse, UsageError } from './args';
import { Streamed, type Command } from './command';
import { readActivations, type Activations } from './activations';
import { writeFullJson } from './full-json';
import { saveActivations } from './save';
import { LOAD_USAGE, loadOptions, MODEL_OPTIONS, MODEL_USAGE, modelDir, tellProvider } from './model-option';
import { decodingOption } from './decoding-option';

const usage = `Usage: gpt2-explorer analyze --model DIR|ID [--json] [--full] [--save FILE.safetensors] [--temperature T] [--int8] PROMPT

Runs GPT-2 once over PROMPT and prints its tokens, the 10 most likely next tokens and, for every
layer, the logit lens's top 10 at the last position.

Options:
${MODEL_USAGE}
  --json             print JSON instead of a table
  --full             with --json: also hidden [L+1][T][d], attention [L][H][T][T], q, k, v [L][H][T][d/H]
  --save FILE        also write hidden, attention, q, k, v (same shapes, F32) to FILE.safetensors,
                     the prompt's token ids under __metadata__.ids (a JSON array)
  --temperature T    probabilities are softmax(logits / T); default 1, 0 = all mass on the top token
${LOAD_USAGE}
`;

const options = {
  ...MODEL_OPTIONS,
  json: { type: 'boolean' },
  full: { type: 'boolean' },
  save: { type: 'string' },
  temperature: { type: 'string' },
} as const;

const TOP = 10;

export const command: Command = {
  summary: 'run GPT-2 over a prompt: tokens, next-token top 10, logit lens (--json, --full)',
  usage,
  async run(argv, io) {
    const args = parse(argv, options);
    const temperature = decodingOption(args, 'temperature', 'temperature');
    if (args.positionals.length !== 1) throw new UsageError(`expected one PROMPT argument, got ${args.positionals.length}`);
    const prompt = args.positionals[0];
    if (prompt.trim() === '') throw new UsageError('the prompt is empty: give GPT-2 some text to read');
    const load = loadOptions(args, io.stderr);
    const full = args.values.full === true;
    if (full && args.values.json !== true) throw new UsageError('--full needs --json');

    const dir = await modelDir(args, io.stderr);
    const tokenizer = await Gpt2Tokenizer.fromModelDir(dir);
    const save = args.values.save;
    if (typeof save === 'string' && !save.endsWith('.safetensors')) throw new UsageError(`--save writes a .safetensors file, got ${save}`);
    const model = await Gpt2Model.load(dir, load);
    tellProvider(model, io.stderr);
    let streaming = false;
    try {
      const { analysis, acts } = await analyze(model, tokenizer, prompt, temperature);
      if (typeof save === 'string') await saveActivations(save, analysis.tokens.map((token) => token.id), acts, model.config);
      if (full) {
        streaming = true; // the attention is computed as it is written: the model stays open until then
        return new Streamed((out) => writeFullJson(out, analysis, acts, model.config).finally(() => model.dispose()));
      }
      return args.values.json === true ? analysis : formatAnalysis(analysis, temperature);
    } finally {
      if (!streaming) await model.dispose();
    }
  },
};

/** Tokenizes, reads the prompt (in prefill passes), and ranks the next token and the lens at the last position. */
export async function analyze(model: Gpt2Model, tokenizer: Gpt2Tokenizer, prompt: string, temperature: number): Promise<{ analysis: Analysis; acts: Activations }> {
  const { nLayer: L, nEmbd: d, vocabSize: V, nPositions } = model.config;
  const tokens = tokenizer.encode(prompt);
  if (tokens.length > nPositions) throw new Error(`the prompt is ${tokens.length} tokens long; GPT-2 reads at most ${nPositions}`);
  const acts = await readActivations(model, tokens.map((token) => token.id));
  // Ranked by logit, so that at temperature 0 the runners-up still show (with probability 0).
  const rank = (logits: Float32Array): Ranked[] => {
    const probs = softmax(logits, temperature);
    return topK(logits, TOP).map((id) => ({ id, text: tokenizer.tokenText(id), prob: probs[id] }));
  };
  const lensLogits = await model.lens(lastPositionPerLayer(acts, L + 1, d), L + 1); // [L+1, V]
  const analysis: Analysis = {
    tokens,
    next: rank(acts.logits),
    lens: Array.from({ length: L + 1 }, (_, layer) => ({ layer, top: rank(row(lensLogits, layer, V)) })),
  };
  return { analysis, acts };
}

/** hidden [L+1, T, d] → the last position's vector at every layer, [L+1, d]. */
function lastPositionPerLayer({ hidden, T }: Activations, layers: number, d: number): Float32Array {
  const out = new Float32Array(layers * d);
  for (let layer = 0; layer < layers; layer++) out.set(row(hidden, layer * T + T - 1, d), layer * d);
  return out;
}
