// `make-test-model`: a seeded random GPT-2 checkpoint in Hugging Face's layout, for tests and benchmarks.
import { resolve } from 'node:path';
import { KNOWN_MODELS, knownModel } from '../engine/known-models';
import { writeTestModel, type TestModelDtype } from '../engine/test-model';
import { integer, parse, required, UsageError } from './args';
import type { Command } from './command';

const usage = `Usage: gpt2-explorer make-test-model --out DIR [options]

Writes config.json, model.safetensors and the tokenizer into DIR: random weights, seeded, in the
exact Hugging Face GPT-2 layout. Defaults give the full GPT-2 small shape (about 550 MB).

Options:
  --out DIR            folder to write (created if missing)
  --seed N             random seed (default 1); the same options give the same bytes
  --like NAME          the shape of a known model: gpt2, distilgpt2, gpt2-medium, gpt2-large, gpt2-xl
                       (--layers, --heads, --embd then change only what they name, e.g. a narrower --embd)
  --layers L           transformer blocks (default 12, or NAME's)
  --heads H            attention heads (default 12, or NAME's)
  --embd D             width, a multiple of --heads (default 768, or NAME's)
  --positions P        context length (default 1024)
  --dtype T            f32, f16 or bf16 (default f32)
  --favour-token ID    make this token the most likely next token everywhere (e.g. 50256)
`;

const options = {
  out: { type: 'string' },
  like: { type: 'string' },
  seed: { type: 'string' },
  layers: { type: 'string' },
  heads: { type: 'string' },
  embd: { type: 'string' },
  positions: { type: 'string' },
  dtype: { type: 'string' },
  'favour-token': { type: 'string' },
} as const;

export const command: Command = {
  summary: 'write a seeded random GPT-2 checkpoint (config.json, model.safetensors, tokenizer)',
  usage,
  async run(argv) {
    const args = parse(argv, options);
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
    const dtype = (args.values.dtype ?? 'f32') as TestModelDtype;
    if (!['f32', 'f16', 'bf16'].includes(dtype)) throw new UsageError(`--dtype must be f32, f16 or bf16, got ${dtype}`);
    const out = resolve(required(args, 'out'));
    const seed = integer(args, 'seed', 1, 0, 2 ** 32 - 1);
    const favourToken = args.values['favour-token'] === undefined ? undefined : integer(args, 'favour-token', 0, 0, 50256);
    const like = likeShape(args.values.like);
    const config = await writeTestModel(out, {
      seed,
      dtype,
      favourToken,
      nLayer: integer(args, 'layers', like.n_layer, 1, 96),
      nHead: integer(args, 'heads', like.n_head, 1, 128),
      nEmbd: integer(args, 'embd', like.n_embd, 1, 8192),
      nPositions: integer(args, 'positions', 1024, 1, 8192),
    });
    return { out, seed, dtype, favourToken: favourToken ?? null, config };
  },
};

/** The layers, heads and width of the known model --like names (GPT-2 small's without it). */
function likeShape(name: string | boolean | undefined): { n_layer: number; n_head: number; n_embd: number } {
  const known = knownModel(typeof name === 'string' ? name : 'gpt2');
  if (!known) throw new UsageError(`--like must be one of ${KNOWN_MODELS.map((model) => model.legacyId).join(', ')} (or their repository ids), got ${name}`);
  const { n_layer, n_head, n_embd } = known.source.config as Record<string, number>;
  return { n_layer, n_head, n_embd };
}
