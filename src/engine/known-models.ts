// The GPT-2 family on Hugging Face: each model at a pinned commit. The revisions, and the sizes and
// checksums given here, come from public code that pins them (the network here cannot confirm them).
// Where a size or sha256 is not pinned, the download checks the file against the sha256 and size the
// Hub sends for it (the X-Linked-Etag and X-Linked-Size headers of its `resolve` answer).
import { GPT2_SMALL, type ModelSource, type SourceFile } from './gpt2-source';

export interface KnownModel {
  id: string; // the repository id, e.g. "openai-community/gpt2"
  legacyId: string; // the old id ("gpt2"): the Hub redirects it, old caches keep models--gpt2
  label: string; // for pickers: "GPT-2 small (124M)"
  name: string; // the model line and the status bar: "GPT-2 124M"
  source: ModelSource;
}

/** config.json is checked by content (the shape below), never by hash. */
const CONFIG_FILE: SourceFile = { name: 'config.json', maxBytes: 64 * 1024 };

/** A weights file without a pinned sha256 must come with the Hub's own (X-Linked-Etag). */
const weights = (pins: Omit<SourceFile, 'name'> = {}): SourceFile => ({ name: 'model.safetensors', linked: true, maxBytes: 8e9, ...pins });

function source(repo: string, revision: string, [nLayer, nHead, nEmbd]: [number, number, number], file: SourceFile): ModelSource {
  return {
    repo,
    revision,
    files: [CONFIG_FILE, file],
    config: { model_type: 'gpt2', n_layer: nLayer, n_head: nHead, n_embd: nEmbd, vocab_size: 50257, n_positions: 1024 },
  };
}

export const KNOWN_MODELS: readonly KnownModel[] = [
  { id: GPT2_SMALL.repo, legacyId: 'gpt2', label: 'GPT-2 small (124M)', name: 'GPT-2 124M', source: GPT2_SMALL },
  {
    id: 'distilbert/distilgpt2',
    legacyId: 'distilgpt2',
    label: 'DistilGPT-2 (82M)',
    name: 'DistilGPT-2 82M',
    source: source('distilbert/distilgpt2', '2290a62682d06624634c1f46a6ad5be0f47f38aa', [6, 12, 768], weights({
      size: 352_824_413,
      sha256: 'e1ff18884359fe8beb795a5f414feb85a6ce3d929ad019c0d958c039d2b94a1b',
    })),
  },
  {
    id: 'openai-community/gpt2-medium',
    legacyId: 'gpt2-medium',
    label: 'GPT-2 medium (355M)',
    name: 'GPT-2 medium 355M',
    source: source('openai-community/gpt2-medium', '6dcaa7a952f72f9298047fd5137cd6e4f05f41da', [24, 16, 1024], weights()),
  },
  {
    id: 'openai-community/gpt2-large',
    legacyId: 'gpt2-large',
    label: 'GPT-2 large (774M)',
    name: 'GPT-2 large 774M',
    source: source('openai-community/gpt2-large', '32b71b12589c2f8d625668d2335a01cac3249519', [36, 20, 1280], weights({
      sha256: '5f47f3e12f91cd33b662ce7e433b6150ad5512b5884a2cee961b50e9c3bbebce',
    })),
  },
  {
    id: 'openai-community/gpt2-xl',
    legacyId: 'gpt2-xl',
    label: 'GPT-2 XL (1.5B)',
    name: 'GPT-2 XL 1.5B',
    source: source('openai-community/gpt2-xl', '15ea56dee5df4983c59b2538573817e1667135e2', [48, 25, 1600], weights()),
  },
];

/** The known model this id names (its repository id or its legacy one), if any. */
export function knownModel(id: string): KnownModel | undefined {
  return KNOWN_MODELS.find((model) => model.id === id || model.legacyId === id);
}

/** What a Hub repository id looks like: "name" (legacy) or "org/name", no "..", no "--". */
const REPO_ID = /^(?:[A-Za-z0-9][\w.-]{0,95}\/)?[A-Za-z0-9][\w.-]{0,95}$/;

/**
 * The source for a repository id: a known model at its pinned revision, or any other repository at
 * `main` (its config.json must describe a GPT-2; its weights are checked against the Hub's sha256).
 */
export function sourceForId(id: string): ModelSource {
  const known = knownModel(id);
  if (known) return known.source;
  if (!REPO_ID.test(id) || id.includes('..') || id.includes('--')) {
    throw new Error(`"${id}" is not a Hugging Face repository id (like openai-community/gpt2 or someone/some-gpt2) nor a model folder`);
  }
  return { repo: id, revision: 'main', files: [CONFIG_FILE, weights()], config: { model_type: 'gpt2' } };
}

/** The known model of this shape, if any (a generated model of that shape is named like it too). */
export function knownShape(config: { nLayer: number; nHead: number; nEmbd: number; vocabSize: number }): KnownModel | undefined {
  return KNOWN_MODELS.find(({ source: { config: c } }) => c.n_layer === config.nLayer && c.n_head === config.nHead && c.n_embd === config.nEmbd && c.vocab_size === config.vocabSize);
}
