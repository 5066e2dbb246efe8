// GPT-2's tokenizer: text → token ids, each with its own text and its place in the source string.
// Wraps @huggingface/tokenizers, which gives ids and token strings but no offsets; the offsets are
// computed here from each token's bytes.
import type { Tokenizer } from '@huggingface/tokenizers';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { readableUtf8, tokenStringBytes, utf16Ranges } from './byte-level';

/** <|endoftext|>: GPT-2's only special token, both end of text and (by convention) start of text. */
export const EOS_ID = 50256;

/** One token of an encoded text. */
export interface Token {
  id: number;
  /**
   * The token's own text, leading space included (" Paris"). Bytes that are only part of a UTF-8
   * character are written "\xNN" (e.g. "\xe2\x80"), never "�"; see readableUtf8.
   */
  text: string;
  start: number; // UTF-16 offset in the source text where the token begins
  end: number; // UTF-16 offset just past the token; ranges of consecutive tokens tile the text
}

export class Gpt2Tokenizer {
  readonly vocabSize: number;
  private readonly specialIds: ReadonlySet<number>;

  private constructor(private readonly tokenizer: Tokenizer) {
    this.vocabSize = tokenizer.get_vocab(true).size;
    this.specialIds = new Set(tokenizer.get_added_tokens_decoder().keys());
  }

  /** Loads a Hugging Face tokenizer.json (with the tokenizer_config.json beside it, if any). */
  static async fromFile(tokenizerJson: string): Promise<Gpt2Tokenizer> {
    const json = JSON.parse(await readFile(tokenizerJson, 'utf8'));
    const configFile = join(dirname(tokenizerJson), 'tokenizer_config.json');
    const config = existsSync(configFile) ? JSON.parse(await readFile(configFile, 'utf8')) : {};
    // Required here, not imported at the top: the extension host's bundle leaves the library out (scripts/build.mjs)
    // so that activating does not compile it; only importing a model folder there ever reads a tokenizer. require,
    // not import(): Node then takes the package's CommonJS build, the one the VSIX carries.
    const { Tokenizer } = require('@huggingface/tokenizers') as typeof import('@huggingface/tokenizers');
    return new Gpt2Tokenizer(new Tokenizer(json, config));
  }

  /** dir/tokenizer.json if the model folder has one, else the tokenizer bundled in models/gpt2. */
  static async fromModelDir(dir?: string): Promise<Gpt2Tokenizer> {
    const own = dir === undefined ? undefined : join(dir, 'tokenizer.json');
    const file = own !== undefined && existsSync(own) ? own : join(bundledModelDir(), 'tokenizer.json');
    return Gpt2Tokenizer.fromFile(file);
  }

  /**
   * Text → tokens. "<|endoftext|>" written in the text becomes the special token 50256. A lone
   * surrogate (not valid Unicode) is encoded as U+FFFD, like TextEncoder does; its range still covers it.
   */
  encode(text: string): Token[] {
    if (text.length === 0) return [];
    const { ids, tokens } = this.tokenizer.encode(text, { add_special_tokens: false });
    const byteLengths = ids.map((id, i) => this.tokenBytes(id, tokens[i]).length);
    return utf16Ranges(text, byteLengths).map(([start, end], i) => ({ id: ids[i], text: this.tokenText(ids[i]), start, end }));
  }

  /**
   * encode() in pieces of about CHUNK characters, yielding to the event loop between them so a long
   * text (megabytes of a selection) neither blocks its thread for long nor ignores `signal` (checked
   * before each piece). The pieces are cut only where GPT-2's pre-tokenizer splits anyway, so the
   * tokens are exactly encode(text)'s.
   */
  async encodeInChunks(text: string, signal?: AbortSignal): Promise<Token[]> {
    const tokens: Token[] = [];
    for (let start = 0; start < text.length; ) {
      signal?.throwIfAborted();
      const end = chunkEnd(text, start);
      for (const token of this.encode(text.slice(start, end))) tokens.push({ ...token, start: token.start + start, end: token.end + start });
      start = end;
      if (start < text.length) await new Promise((resolve) => setImmediate(resolve));
    }
    return tokens;
  }

  /** Ids → text; bytes of a character split across ids join up again. decode(encode(x).ids) === x. */
  decode(ids: number[]): string {
    if (ids.length === 0) return '';
    ids.forEach((id) => this.tokenString(id));
    return this.tokenizer.decode(ids, { clean_up_tokenization_spaces: false });
  }

  /** The text of one token, as in Token.text. */
  tokenText(id: number): string {
    const tokenString = this.tokenString(id);
    return this.specialIds.has(id) ? tokenString : readableUtf8(tokenStringBytes(tokenString));
  }

  private tokenString(id: number): string {
    const tokenString = Number.isInteger(id) ? this.tokenizer.id_to_token(id) : undefined;
    if (tokenString === undefined) throw new RangeError(`token id ${id} is not in the vocabulary (0..${this.vocabSize - 1})`);
    return tokenString;
  }

  /** The UTF-8 bytes a token stands for in the source text. */
  private tokenBytes(id: number, tokenString: string): Uint8Array {
    return this.specialIds.has(id) ? new TextEncoder().encode(tokenString) : tokenStringBytes(tokenString);
  }
}

const CHUNK = 32_768; // characters per encodeInChunks piece: ≈ 10 ms of tokenising

/**
 * Where the piece from `start` ends: just before a space that follows a non-space and precedes one
 * (" word" after "...x"): GPT-2's pre-tokenizer always starts a token there, and no special token
 * holds a space. Searched back from start + CHUNK, else forward; the end of the text if there is none.
 */
function chunkEnd(text: string, start: number): number {
  const safe = (i: number) => text[i] === ' ' && /\S/.test(text[i - 1]) && /\S/.test(text[i + 1] ?? ' ');
  if (start + CHUNK >= text.length) return text.length;
  for (let i = start + CHUNK; i > start + 1; i--) if (safe(i)) return i;
  for (let i = start + CHUNK + 1; i < text.length; i++) if (safe(i)) return i;
  return text.length;
}

/**
 * The models/gpt2 folder shipped with the project. Searched upwards from this file's folder because
 * the code runs from src/engine (tests, via tsx) and from bundles in dist/ (cli.js, extension.js,
 * session-worker.js); the VSIX ships models/gpt2 next to dist.
 */
export function bundledModelDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'models', 'gpt2');
    if (existsSync(join(candidate, 'tokenizer.json'))) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`models/gpt2/tokenizer.json not found in any folder above ${resolve(__dirname)}`);
}
