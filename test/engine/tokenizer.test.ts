import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { encode as referenceEncode } from 'gpt-3-encoder';
import { bundledModelDir, EOS_ID, Gpt2Tokenizer, Token } from '../../src/engine/tokenizer';

const LESSON_PROMPT = 'The capital of Germany is Berlin. The capital of France is';

/** Texts that stress the byte-level alphabet, the pre-tokenizer regex and the offsets. */
const TRICKY = [
  'Hello 👋 world 🦄🦄! 👩‍👩‍👧‍👦 🇩🇪 👍🏽',
  '東京は日本の首都です。北京是中国的首都。서울은 한국의 수도입니다.',
  'مرحبا بالعالم — שלום עולם \u200f(RTL)\u200e',
  'tabs\tand\t\ttabs\n\nnewlines\r\nCRLF\n',
  'runs     of      spaces   ',
  '  leading and trailing  ',
  'control \u0000\u0001\u0007\b\u000b\f\u001b[31m\u007f\u0085 chars',
  '\ufeffBOM, combining e\u0301 and zero\u200bwidth',
  "don't, I'M, we've; 'quoted' . , ; :",
  'x = [1, 2.5e-3, 0xFF]; // code\n\tif (a !== b) { return; }',
  'lone surrogate-free supplementary: 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐍈',
];

let tokenizer: Gpt2Tokenizer;

const ids = (text: string) => tokenizer.encode(text).map((token) => token.id);

function assertTiles(text: string, tokens: Token[]) {
  let cursor = 0;
  for (const token of tokens) {
    assert.equal(token.start, cursor, `token ${token.id} starts where the previous one ended`);
    assert.ok(token.end >= token.start);
    cursor = token.end;
  }
  assert.equal(cursor, text.length, 'the last token ends at the end of the text');
}

describe('Gpt2Tokenizer', () => {
  before(async () => {
    tokenizer = await Gpt2Tokenizer.fromModelDir();
  });

  it('encodes the lesson prompt to the ids GPT-2 was trained on', () => {
    assert.deepEqual(ids(LESSON_PROMPT), [464, 3139, 286, 4486, 318, 11307, 13, 383, 3139, 286, 4881, 318]);
  });

  it('keeps the leading space in a token and knows the famous ids', () => {
    assert.deepEqual(tokenizer.encode(' Paris'), [{ id: 6342, text: ' Paris', start: 0, end: 6 }]);
    assert.deepEqual(ids(' SolidGoldMagikarp'), [43453]);
    assert.equal(tokenizer.tokenText(6342), ' Paris');
    assert.equal(tokenizer.vocabSize, 50257);
  });

  it('turns <|endoftext|> written in the text into the special token', () => {
    assert.deepEqual(ids('<|endoftext|>'), [EOS_ID]);
    const tokens = tokenizer.encode('Hi.<|endoftext|> Bye');
    const eos = tokens.find((token) => token.id === EOS_ID);
    assert.deepEqual(eos, { id: EOS_ID, text: '<|endoftext|>', start: 3, end: 16 });
    assert.equal(tokenizer.decode(tokens.map((token) => token.id)), 'Hi.<|endoftext|> Bye');
  });

  it('round-trips emoji, CJK, right-to-left text, whitespace and control characters', () => {
    for (const text of TRICKY) {
      assert.equal(tokenizer.decode(ids(text)), text, JSON.stringify(text));
    }
  });

  it('gives ranges that tile the source, each slice being the token text when it is whole characters', () => {
    for (const text of [LESSON_PROMPT, ...TRICKY]) {
      const tokens = tokenizer.encode(text);
      assertTiles(text, tokens);
      for (const token of tokens.filter((t) => !t.text.includes('\\x'))) {
        assert.equal(text.slice(token.start, token.end), token.text, `${JSON.stringify(text)} token ${token.id}`);
      }
    }
  });

  it('encodes a lone surrogate as U+FFFD and still covers it with a range', () => {
    const tokens = tokenizer.encode('a\ud800b');
    assert.deepEqual(tokens.map(({ id, start, end }) => [id, start, end]), [[64, 0, 1], [4210, 1, 2], [65, 2, 3]]);
    assert.equal(tokenizer.decode(tokens.map((token) => token.id)), 'a\ufffdb');
  });

  it('gives a character split across tokens to the token holding its last byte', () => {
    // "🦄" is F0 9F A6 84: GPT-2 spells " 🦄" as " \xf0\x9f" + "\xa6" + "\x84".
    const tokens = tokenizer.encode('hi 🦄');
    assert.deepEqual(
      tokens.map(({ text, start, end }) => [text, start, end]),
      [['hi', 0, 2], [' \\xf0\\x9f', 2, 3], ['\\xa6', 3, 3], ['\\x84', 3, 5]],
    );
  });

  it('shows partial UTF-8 characters as \\x bytes, never as U+FFFD, for every id', () => {
    assert.equal(tokenizer.tokenText(447), '\\xe2\\x80'); // the first two bytes of ’ “ ” …
    // GPT-2 learned a few tokens that hold U+FFFD itself (bytes EF BF BD), from text already mangled.
    const replacementCharacterIds = new Set([4210, 6353, 12100, 20543, 26825, 37389, 40670, 48585]);
    for (let id = 0; id < tokenizer.vocabSize; id++) {
      const text = tokenizer.tokenText(id);
      if (!replacementCharacterIds.has(id)) assert.ok(!text.includes('\ufffd'), `id ${id} shows as ${JSON.stringify(text)}`);
      if (!text.includes('\\x')) assert.equal(text, tokenizer.decode([id]), `id ${id}`);
    }
  });

  it('handles empty input and rejects ids outside the vocabulary', () => {
    assert.deepEqual(tokenizer.encode(''), []);
    assert.equal(tokenizer.decode([]), '');
    assert.throws(() => tokenizer.decode([50257]), /token id 50257 is not in the vocabulary \(0\.\.50256\)/);
    assert.throws(() => tokenizer.tokenText(-1), RangeError);
    assert.throws(() => tokenizer.tokenText(1.5), RangeError);
  });

  it("agrees with gpt-3-encoder's independent JavaScript BPE on varied text", () => {
    const corpus = variedCorpus();
    assert.ok(corpus.join('').length > 4000);
    for (const text of corpus) {
      assert.deepEqual(ids(text), referenceEncode(text), JSON.stringify(text));
      assertTiles(text, tokenizer.encode(text));
      assert.equal(tokenizer.decode(ids(text)), text);
    }
  });

  it('encodeInChunks gives the tokens of one encode (and of gpt-3-encoder) on 300 kB, yielding between pieces', async () => {
    const corpus = variedCorpus();
    const text = Array.from({ length: 48 }, (_, i) => corpus.join(['  ', ' ', '\n', ' x <|endoftext|> y '][i % 4])).join(' ');
    assert.ok(text.length > 300_000, `${text.length}`);
    let turns = 0; // event-loop turns other work got while it ran
    const tick = () => (turns++, ticking && setImmediate(tick));
    let ticking = true;
    setImmediate(tick);
    const chunked = await tokenizer.encodeInChunks(text);
    ticking = false;
    assert.ok(turns >= 5, `other work ran only ${turns} times`);
    assert.deepEqual(chunked, tokenizer.encode(text));
    assertTiles(text, chunked);
    const plain = text.slice(0, 40_000).replaceAll('<|endoftext|>', 'end'); // gpt-3-encoder knows no special token and slows down on long texts
    assert.deepEqual((await tokenizer.encodeInChunks(plain)).map((token) => token.id), referenceEncode(plain));
  });

  it('encodeInChunks stops between pieces once its signal is aborted', async () => {
    const controller = new AbortController();
    const text = 'word '.repeat(100_000);
    const run = tokenizer.encodeInChunks(text, controller.signal);
    setImmediate(() => controller.abort(new Error('cancelled')));
    await assert.rejects(run, /cancelled/);
    assert.deepEqual(await tokenizer.encodeInChunks(''), []);
  });
});

describe('tokenizer files', () => {
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'gpt2-tokenizer-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it('regenerates byte-identical tokenizer.json and tokenizer_config.json', () => {
    execFileSync(process.execPath, ['scripts/make-tokenizer.mjs', '--out', scratch]);
    for (const file of ['tokenizer.json', 'tokenizer_config.json']) {
      assert.ok(readFileSync(join(scratch, file)).equals(readFileSync(join(bundledModelDir(), file))), file);
    }
  });

  it("prefers a model folder's own tokenizer.json and falls back to the bundled one", async () => {
    writeFileSync(join(scratch, 'tokenizer.json'), JSON.stringify(tinyByteTokenizer()));
    assert.equal((await Gpt2Tokenizer.fromModelDir(scratch)).vocabSize, 256);
    rmSync(join(scratch, 'tokenizer.json'));
    assert.equal((await Gpt2Tokenizer.fromModelDir(scratch)).vocabSize, 50257);
  });

  it('finds models/gpt2 from a bundle in dist/, the layout of the VSIX', async () => {
    mkdirSync(join(scratch, 'models', 'gpt2'), { recursive: true });
    copyFileSync(join(bundledModelDir(), 'tokenizer.json'), join(scratch, 'models', 'gpt2', 'tokenizer.json'));
    const entry = join(scratch, 'entry.ts');
    writeFileSync(entry, `import { bundledModelDir } from ${JSON.stringify(join(__dirname, '../../src/engine/tokenizer'))};\nconsole.log(bundledModelDir());\n`);
    const outfile = join(scratch, 'dist', 'cli.js');
    await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile, logLevel: 'silent' });
    assert.equal(execFileSync(process.execPath, [outfile], { encoding: 'utf8' }).trim(), join(scratch, 'models', 'gpt2'));
  });
});

/** A tokenizer.json with only the 256 byte tokens and no merges: a model folder's own tokenizer. */
function tinyByteTokenizer() {
  const bundled = JSON.parse(readFileSync(join(bundledModelDir(), 'tokenizer.json'), 'utf8'));
  const byteTokens = Object.entries(bundled.model.vocab as Record<string, number>).filter(([, id]) => id < 256);
  return { ...bundled, added_tokens: [], model: { ...bundled.model, vocab: Object.fromEntries(byteTokens), merges: [] } };
}

/** Prose, code, numbers and seeded random strings over many scripts (about 6,000 characters). */
function variedCorpus(): string[] {
  const prose = [
    LESSON_PROMPT,
    "It's a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.",
    'In 1969, Apollo 11 landed at 20:17 UTC; the crew (3 people) returned on July 24th — 8 days, 3 hours & 18 minutes later.',
    'def softmax(x):\n    e = np.exp(x - x.max())\n    return e / e.sum()  # numerically stable\n',
    'URL: https://example.com/path?q=a+b&lang=en#frag, e-mail: someone@example.org, price: $1,234.56 (≈ €1.1k)',
    'Ünïcödé façade naïve coöperate — Straße, Ωμέγα, Привет мир, नमस्ते दुनिया, สวัสดีชาวโลก',
    ...TRICKY,
  ];
  return [...prose, ...seededStrings(40, 120)];
}

function seededStrings(count: number, length: number): string[] {
  const pieces = [
    ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
    ' ', ' ', ' ', '  ', '\t', '\n', '\r\n', "'s", "'t", "'re", "'ll", "'", '.', ',', '!', '?', '-', '—', '"', '(', ')',
    'é', 'ß', 'Ж', 'λ', 'あ', '漢', '한', 'ע', 'ع', '🙂', '🦄', '👩‍💻', '€', '½', '\u0301', '\u200b', '\u0000', '\u007f',
  ];
  let state = 20240229;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  return Array.from({ length: count }, () =>
    Array.from({ length }, () => pieces[Math.floor(next() * pieces.length)]).join(''),
  );
}
