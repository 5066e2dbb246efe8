// `patch`: activation patching between two prompts of the same token count (explorer/patching.ts) —
// the corrupted prompt rerun with one activation of the clean prompt's run, for every cell of a grid,
// and the metric logit(target) − logit(versus) at the last position of each run.
import { Gpt2Model } from '../engine/model';
import { Gpt2Tokenizer } from '../engine/tokenizer';
import { checkPair, patchGrid, patchingView, PATCH_SITES, type PatchSite } from '../explorer/patching';
import { parse, required, UsageError } from './args';
import type { Command } from './command';
import { LOAD_USAGE, loadOptions, MODEL_OPTIONS, MODEL_USAGE, modelDir, tellProvider } from './model-option';
import { tokenChoice } from './token-choice';

const usage = `Usage: gpt2-explorer patch --model DIR|ID --json --clean TEXT --corrupt TEXT [--target TEXT | --target-id N] [--versus TEXT | --versus-id N] [--what resid|attn|mlp|heads]

Activation patching: runs the corrupted prompt again and again, each time with one activation taken
from the clean prompt's run, and reads logit(target) − logit(versus) at the last position. The two
prompts must have the same number of tokens.
Prints {"what", "target": {"id", "text"}, "versus": {"id", "text"}, "clean", "corrupt", "effect"}:
clean and corrupt are the metric of the two unpatched runs; effect[row][col] is the metric of the
corrupted run patched at that cell. Rows are the hidden states 0 (the embeddings) .. L (after the
last block) for resid, the layers for attn, mlp and heads; columns are positions, or heads for heads.

Options:
${MODEL_USAGE}
  --json             print JSON (the only output of this command)
  --clean TEXT       the prompt activations are taken from
  --corrupt TEXT     the prompt that is run with them
  --target TEXT      the metric's first token (exactly one token: mind the leading space, " Paris");
                     default: the clean prompt's most likely next token
  --target-id N      the same, as a token id
  --versus TEXT      the token whose logit is subtracted; default: the corrupted prompt's most likely next token
  --versus-id N      the same, as a token id
  --what W           what is patched: ${PATCH_SITES.join(', ')} (default resid): a hidden state at a position, a block's
                     attention output (after c_proj) or MLP output at a position, or a head's mix of values at
                     every position
${LOAD_USAGE}
`;

const options = {
  ...MODEL_OPTIONS,
  json: { type: 'boolean' },
  clean: { type: 'string' },
  corrupt: { type: 'string' },
  target: { type: 'string' },
  'target-id': { type: 'string' },
  versus: { type: 'string' },
  'versus-id': { type: 'string' },
  what: { type: 'string' },
} as const;

export const command: Command = {
  summary: 'activation patching between two prompts: where the answer is made (--json)',
  usage,
  async run(argv, io) {
    const args = parse(argv, options);
    if (args.values.json !== true) throw new UsageError('patch prints JSON only: add --json');
    if (args.positionals.length !== 0) throw new UsageError(`patch takes no positional arguments (got ${args.positionals.map((p) => JSON.stringify(p)).join(' ')}): give --clean TEXT and --corrupt TEXT`);
    const [cleanText, corruptText] = [required(args, 'clean'), required(args, 'corrupt')];
    const rawWhat = args.values.what ?? 'resid';
    const what = PATCH_SITES.find((site): site is PatchSite => site === rawWhat);
    if (what === undefined) throw new UsageError(`--what must be one of ${PATCH_SITES.join(', ')}, got ${rawWhat}`);
    const load = loadOptions(args, io.stderr);
    const dir = await modelDir(args, io.stderr);
    const tokenizer = await Gpt2Tokenizer.fromModelDir(dir);
    const [clean, corrupt] = [tokenizer.encode(cleanText), tokenizer.encode(corruptText)];
    checkPair(clean, corrupt); // before the model loads: a mistake in the prompts is said at once
    const model = await Gpt2Model.load(dir, load);
    tellProvider(model, io.stderr);
    try {
      const { nPositions, vocabSize } = model.config;
      if (clean.length > nPositions) throw new Error(`the prompts are ${clean.length} tokens long; GPT-2 reads at most ${nPositions}`);
      const target = tokenChoice(args, 'target', tokenizer, vocabSize) ?? undefined;
      const versus = tokenChoice(args, 'versus', tokenizer, vocabSize) ?? undefined;
      return patchingView(await patchGrid(model, clean, corrupt, { what, target, versus }), (id) => tokenizer.tokenText(id));
    } finally {
      await model.dispose();
    }
  },
};
