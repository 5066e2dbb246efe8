// `attribute`: direct logit attribution at one position of a prompt (explorer/attribution.ts) — how
// much the embeddings, every head, every attention bias, every MLP and ln_f's bias put into a token's
// logit there, or into the difference of two tokens' logits.
import { Gpt2Model } from '../engine/model';
import { prefill } from '../engine/prefill';
import { Gpt2Tokenizer } from '../engine/tokenizer';
import { attribute, attributionView } from '../explorer/attribution';
import { topK } from '../explorer/decoding/logits';
import { Trace } from '../explorer/trace';
import { integer, parse, UsageError } from './args';
import type { Command } from './command';
import { LOAD_USAGE, loadOptions, MODEL_OPTIONS, MODEL_USAGE, modelDir, tellProvider } from './model-option';
import { tokenChoice } from './token-choice';

const usage = `Usage: gpt2-explorer attribute --model DIR|ID --json [--target TEXT | --target-id N] [--versus TEXT | --versus-id N] [--position P] PROMPT

Splits the logit of a token at one position of PROMPT (or the difference of two tokens' logits)
into what each part of the model adds to it: the embeddings (token + position), each attention
head's own output in every layer, each layer's attention output bias, each MLP's output and the
final LayerNorm's bias. Each part is centred and divided by the final LayerNorm's scale at that
position, then dotted with the token's unembedding row; the parts add up to "total".
Prints {"position", "target": {"id", "text"}, "versus": {"id", "text"} | null, "total", "embed",
"heads": [layers][heads], "attnBias": [layers], "mlp": [layers], "finalBias"}.

Options:
${MODEL_USAGE}
  --json             print JSON (the only output of this command)
  --target TEXT      the token to attribute: TEXT must be exactly one token (mind the leading space:
                     " Paris"); default: the model's most likely next token at the position
  --target-id N      the same, as a token id
  --versus TEXT      attribute logit(target) − logit(versus) instead (one token); default: none,
                     logit(target) alone ("versus": null; the panel starts at top-1 versus top-2)
  --versus-id N      the same, as a token id
  --position P       the position to read, 0 = the first token (default: the last)
${LOAD_USAGE}
`;

const options = {
  ...MODEL_OPTIONS,
  json: { type: 'boolean' },
  target: { type: 'string' },
  'target-id': { type: 'string' },
  versus: { type: 'string' },
  'versus-id': { type: 'string' },
  position: { type: 'string' },
} as const;

export const command: Command = {
  summary: 'direct logit attribution: what each head, MLP and bias adds to a token\'s logit (--json)',
  usage,
  async run(argv, io) {
    const args = parse(argv, options);
    if (args.values.json !== true) throw new UsageError('attribute prints JSON only: add --json');
    if (args.positionals.length !== 1) throw new UsageError(`expected one PROMPT argument, got ${args.positionals.length}`);
    const prompt = args.positionals[0];
    if (prompt.trim() === '') throw new UsageError('the prompt is empty: give GPT-2 some text to read');
    const load = loadOptions(args, io.stderr);
    const dir = await modelDir(args, io.stderr);
    const tokenizer = await Gpt2Tokenizer.fromModelDir(dir);
    const tokens = tokenizer.encode(prompt);
    const model = await Gpt2Model.load(dir, load);
    tellProvider(model, io.stderr);
    try {
      const { nLayer: L, nPositions, vocabSize } = model.config;
      if (tokens.length > nPositions) throw new Error(`the prompt is ${tokens.length} tokens long; GPT-2 reads at most ${nPositions}`);
      const position = integer(args, 'position', tokens.length - 1, 0, tokens.length - 1);
      const pick = (name: 'target' | 'versus') => tokenChoice(args, name, tokenizer, vocabSize);
      const trace = new Trace(model.config);
      (await prefill(model, tokens.map((token) => token.id), (pass) => trace.append(pass))).cache.dispose();
      const target = pick('target') ?? topK(await model.lens(trace.hidden(L, position), 1), 1)[0];
      const versus = pick('versus');
      return attributionView(await attribute(model, trace, { position, target, versus }), (id) => tokenizer.tokenText(id));
    } finally {
      await model.dispose();
    }
  },
};
