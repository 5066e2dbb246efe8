// `score` as a user runs it: the exact JSON shape the issue names, every figure against the float64
// reference (test/explorer/score-reference.ts), a text over the context (64 tokens here) chunked and
// told on stderr, the readable table, and the inputs it refuses.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testModel, TINY } from '../engine/models';
import { loadReferenceModel, type ReferenceModel } from '../engine/reference';
import { assertNarrow, checkAgainstReference } from '../explorer/score-reference';
import { cli, CURRENT } from './run-cli';

const TEXT = 'Zebras dream in\tgreyscale, the the the 42 times — 夢?';
const LONG_TEXT = 'The capital of Germany is Berlin. The capital of France is Paris. '.repeat(7); // ≈ 100 tokens

describe('gpt2-explorer score', function () {
  let dir: string;
  let model: string;
  let reference: ReferenceModel;

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'gpt2-cli-score-'));
    model = await testModel(TINY);
    reference = loadReferenceModel(model);
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('--json: exactly {tokens: [{id, text, logprob, rank, top, lensLayer}]}, the first token null, the rest the reference', async function () {
    const run = await cli(['score', '--model', model, '--json', TEXT], CURRENT); // a process: onnxruntime's own stderr would show
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    const out = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(out), ['tokens']);
    for (const token of out.tokens) assert.deepEqual(Object.keys(token), ['id', 'text', 'logprob', 'rank', 'top', 'lensLayer']);
    for (const token of out.tokens.slice(1)) for (const candidate of token.top) assert.deepEqual(Object.keys(candidate), ['id', 'text', 'prob']);
    assert.deepEqual(out.tokens[0], { ...out.tokens[0], logprob: null, rank: null, top: [], lensLayer: null });
    assert.ok(out.tokens.map((token: { text: string }) => token.text).join('').startsWith(TEXT.slice(0, TEXT.indexOf('夢')))); // 夢 is split into byte tokens
    const { bands, lensLayers } = checkAgainstReference(reference, out.tokens, [{ from: 0, start: 1, end: out.tokens.length }]);
    assertNarrow(bands);
    assert.ok(lensLayers.has(0), 'the repeated " the" is ranked first by the lens at layer 0');
  });

  it('a text over the context: chunks told on stderr before scoring and each as it is done, the chunk start scored from the quarter-context before it', async function () {
    const run = await cli(['score', '--model', model, '--json', LONG_TEXT]);
    assert.equal(run.code, 0, run.stderr);
    const { tokens } = JSON.parse(run.stdout);
    assert.ok(tokens.length > 64 && tokens.length <= 112, `${tokens.length} tokens`);
    assert.match(run.stderr, new RegExp(`^gpt2-explorer score: ${tokens.length} tokens, more than the model's context of 64: scored in 2 chunks starting at tokens 0, 64; each later chunk first reads again the 16 tokens before it`));
    // Then each chunk as it is done: a text of hundreds of contexts said nothing for minutes.
    const progress = run.stderr.split('\n').filter((line) => line.includes(' scored (tokens '));
    assert.deepEqual(progress, ['gpt2-explorer score: chunk 1 of 2 scored (tokens 0–63)', `gpt2-explorer score: chunk 2 of 2 scored (tokens 64–${tokens.length - 1})`]);
    assert.ok(tokens.slice(1).every((token: { logprob: number | null }) => token.logprob !== null));
    checkAgainstReference(reference, tokens, [{ from: 48, start: 64, end: tokens.length }]);
  });

  it('without --json: a table with the chunk start marked and the mean surprise in bits', async function () {
    const run = await cli(['score', '--model', model, LONG_TEXT]);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.match(lines[0], /#\s+id\s+text\s+rank\s+prob\s+lens/);
    assert.match(lines.find((line) => /^\s+64\s/.test(line))!, /a new chunk starts here/);
    assert.equal(lines.filter((line) => line.includes('a new chunk')).length, 1);
    assert.match(lines[lines.length - 1], /^Mean surprise: \d+\.\d\d bits per token over \d+ scored tokens; the most surprising: ".+" \(token \d+, \d+\.\d\d bits, rank \d+\)$/);
  });

  it('refuses no text, an empty one, both TEXT and --file (exit 2), binary data, non-UTF-8 bytes, a missing file and a folder (exit 1)', async function () {
    const expectations: [string[], number, RegExp][] = [
      [[], 2, /expected one TEXT argument/],
      [[''], 2, /the text is empty/],
      [['--file', join(dir, 'text.txt'), 'also this'], 2, /either TEXT or --file/],
      [['a\x01b'], 1, /binary data, not text \(character U\+0001 at offset 1\)/],
      [['--file', join(dir, 'nul.bin')], 1, /binary data, not text \(character U\+0003 at offset 2\)/],
      [['--file', join(dir, 'latin1.txt')], 1, /latin1\.txt is not UTF-8 text/],
      [['--file', join(dir, 'missing.txt')], 1, /^gpt2-explorer score: cannot read .*missing\.txt: there is no such file\n$/], // not Node's "ENOENT: no such file or directory, open …"
      [['--file', dir], 1, /: cannot read .*: it is a folder, not a file\n$/],
    ];
    await writeFile(join(dir, 'text.txt'), 'Hello');
    await writeFile(join(dir, 'nul.bin'), Buffer.from([0x50, 0x4b, 0x03, 0x00, 0x14]));
    await writeFile(join(dir, 'latin1.txt'), Buffer.from('caf\xe9', 'latin1'));
    for (const [args, code, message] of expectations) {
      const run = await cli(['score', '--model', model, '--json', ...args]);
      assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
    }
  });

  it('--file reads UTF-8 text, the same scores as TEXT', async function () {
    await writeFile(join(dir, 'same.txt'), TEXT);
    const [fromFile, fromArg] = await Promise.all([cli(['score', '--model', model, '--json', '--file', join(dir, 'same.txt')]), cli(['score', '--model', model, '--json', TEXT])]);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.deepEqual(JSON.parse(fromFile.stdout), JSON.parse(fromArg.stdout));
  });
});
