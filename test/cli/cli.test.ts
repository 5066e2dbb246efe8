// The command line as a user runs it: a child process, JSON on stdout, errors on stderr with a
// non-zero exit. Runs src/cli/cli.ts through tsx (always current), and dist/cli.js when built.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { softmax, topK } from '../../src/explorer/decoding/logits';
import { loadReferenceModel, referenceForward, referenceLens, type ReferenceModel } from '../engine/reference';
import { maxAbsDiff } from '../engine/models';

const ROOT = resolve(__dirname, '..', '..');
const SOURCE = [process.execPath, '--import', 'tsx', join(ROOT, 'src', 'cli', 'cli.ts')];
const BUILT = join(ROOT, 'dist', 'cli.js');
const PROMPT = 'Zebras dream in\tgreyscale, 42 times — 夢?';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], entry = SOURCE): Promise<Run> {
  const [command, ...prefix] = entry;
  try {
    const { stdout, stderr } = await promisify(execFile)(command, [...prefix, ...args], { cwd: ROOT, maxBuffer: 256 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('gpt2-explorer CLI', function () {
  let dir: string;
  let model: string;
  let reference: ReferenceModel;

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'gpt2-cli-'));
    model = join(dir, 'model');
    const made = await cli(['make-test-model', '--out', model, '--layers', '2', '--heads', '3', '--embd', '24', '--positions', '48', '--seed', '4']);
    assert.equal(made.code, 0, made.stderr);
    assert.deepEqual(JSON.parse(made.stdout).config, { nLayer: 2, nHead: 3, nEmbd: 24, vocabSize: 50257, nPositions: 48, layerNormEpsilon: 1e-5 });
    reference = loadReferenceModel(model);
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('analyze --json: tokens with their ranges, next and lens top 10 that agree with the reference', async function () {
    const run = await cli(['analyze', '--model', model, '--json', PROMPT]);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(out), ['tokens', 'next', 'lens']);
    assert.equal(out.tokens.map((t: { start: number; end: number }) => PROMPT.slice(t.start, t.end)).join(''), PROMPT);
    const ids: number[] = out.tokens.map((t: { id: number }) => t.id);
    const expected = referenceForward(reference, ids);
    const T = ids.length;
    const V = 50257;
    const probs = softmax(expected.logits.subarray((T - 1) * V));
    assert.deepEqual(out.next.map((c: { id: number }) => c.id), topK(probs, 10));
    assert.ok(maxAbsDiff(out.next.map((c: { prob: number }) => c.prob), topK(probs, 10).map((id) => probs[id])) <= 1e-4);
    assert.equal(typeof out.next[0].text, 'string');
    assert.deepEqual(out.lens.map((entry: { layer: number }) => entry.layer), [0, 1, 2]);
    const lastPerLayer = [0, 1, 2].flatMap((layer) => Array.from(expected.hidden.subarray((layer * T + T - 1) * 24, (layer * T + T) * 24)));
    const lensLogits = referenceLens(reference, lastPerLayer, 3);
    for (const { layer, top } of out.lens) {
      const layerProbs = softmax(lensLogits.subarray(layer * V, (layer + 1) * V));
      assert.deepEqual(top.map((c: { id: number }) => c.id), topK(layerProbs, 10), `lens layer ${layer}`);
    }
  });

  it('analyze --json --full adds hidden, attention, q, k, v as nested arrays equal to the reference', async function () {
    const run = await cli(['analyze', '--model', model, '--json', '--full', 'a prompt never seen before']);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    const ids: number[] = out.tokens.map((t: { id: number }) => t.id);
    const T = ids.length;
    const expected = referenceForward(reference, ids);
    assert.deepEqual([out.hidden.length, out.hidden[0].length, out.hidden[0][0].length], [3, T, 24]);
    assert.deepEqual([out.attention.length, out.attention[0].length, out.attention[0][0].length, out.attention[0][0][0].length], [2, 3, T, T]);
    for (const key of ['hidden', 'attention', 'q', 'k', 'v'] as const) {
      assert.ok(maxAbsDiff(out[key].flat(3), expected[key]) <= 1e-4, key);
    }
  });

  it('analyze --temperature changes the probabilities; 0 puts everything on the top token', async function () {
    const probsAt = async (temperature: string) => JSON.parse((await cli(['analyze', '--model', model, '--json', '--temperature', temperature, PROMPT])).stdout).next;
    const [one, cold, greedy] = await Promise.all([probsAt('1'), probsAt('0.5'), probsAt('0')]);
    assert.equal(cold[0].id, one[0].id);
    assert.ok(cold[0].prob > one[0].prob);
    assert.equal(greedy[0].prob, 1);
    assert.deepEqual(greedy.map((c: { id: number }) => c.id), one.map((c: { id: number }) => c.id), 'the same ranking, by logit');
    assert.ok(greedy.slice(1).every((c: { prob: number }) => c.prob === 0));
  });

  it('analyze without --json prints a readable table', async function () {
    const run = await cli(['analyze', '--model', model, 'Hello world']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Tokens \(2\)[\s\S]*"Hello"[\s\S]*" world"[\s\S]*Next token \(temperature 1\)[\s\S]*layer  2/);
  });

  it('--int8 runs analyze, generate and sample on 8-bit weights: other probabilities, the same favoured top token', async function () {
    const wide = join(dir, 'model-64');
    const made = await cli(['make-test-model', '--out', wide, '--layers', '2', '--heads', '4', '--embd', '64', '--positions', '48', '--seed', '4', '--favour-token', '13']);
    assert.equal(made.code, 0, made.stderr);
    const runs = await Promise.all([[], ['--int8']].map((flag) => cli(['analyze', '--model', wide, '--json', ...flag, PROMPT])));
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    const [float32, int8] = runs.map((run) => JSON.parse(run.stdout));
    assert.equal(int8.next[0].id, 13);
    assert.equal(float32.next[0].id, 13);
    assert.notEqual(int8.next[0].prob, float32.next[0].prob, '--int8 changed nothing: did it run the fp32 weights?');
    for (const command of [['generate', '--max-tokens', '2', '--temperature', '0'], ['sample', '--n', '3']]) {
      const run = await cli([...command, '--model', wide, '--json', '--int8', PROMPT]);
      assert.equal(run.code, 0, run.stderr);
    }
    const narrow = await cli(['analyze', '--model', model, '--int8', PROMPT]);
    assert.notEqual(narrow.code, 0);
    assert.match(narrow.stderr, /8-bit weights need n_embd to be a multiple of 32; this model's is 24/);
  });

  it('make-test-model --favour-token makes that token the top next token', async function () {
    const favoured = join(dir, 'favoured');
    const made = await cli(['make-test-model', '--out', favoured, '--layers', '1', '--heads', '2', '--embd', '16', '--positions', '16', '--favour-token', '50256']);
    assert.equal(made.code, 0, made.stderr);
    assert.equal(JSON.parse(made.stdout).favourToken, 50256);
    const next = JSON.parse((await cli(['analyze', '--model', favoured, '--json', 'Once upon a time'])).stdout).next;
    assert.deepEqual([next[0].id, next[0].text], [50256, '<|endoftext|>']);
    assert.ok(next[0].prob > 0.5);
  });

  it('fails with a message on stderr and a non-zero exit for bad calls', async function () {
    const cases: [string[], number, RegExp][] = [
      [['analyze', 'text'], 2, /--model is required/],
      [['analyze', '--model', join(dir, 'missing'), 'text'], 1, /no config\.json here/],
      [['analyze', '--model', model, '   '], 2, /the prompt is empty/],
      [['analyze', '--model', model, '--temperature=-1', 'x'], 2, /--temperature must be ≥ 0/],
      [['analyze', '--model', model, '--temperature', 'hot', 'x'], 2, /--temperature must be a number/],
      [['analyze', '--model', model, 'x '.repeat(60)], 1, /the prompt is 61 tokens long; GPT-2 reads at most 48/],
      [['make-test-model', '--out', join(dir, 'odd'), '--heads', '5', '--embd', '24'], 1, /--embd 24 is not a multiple of --heads 5/],
      [['frobnicate'], 2, /unknown command "frobnicate"/],
      [[], 2, /Usage: gpt2-explorer <command>/],
    ];
    for (const [args, code, message] of cases) {
      const run = await cli(args);
      assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
    }
  });

  it('--help lists the commands, and each command has its own', async function () {
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /analyze[\s\S]*make-test-model/);
    const analyzeHelp = await cli(['analyze', '--help']);
    assert.equal(analyzeHelp.code, 0);
    assert.match(analyzeHelp.stdout, /--temperature T/);
  });

  it('the built dist/cli.js gives the same answer (pending when not built: npm run build)', async function () {
    if (!existsSync(BUILT)) this.skip();
    const [built, source] = await Promise.all([
      cli(['analyze', '--model', model, '--json', PROMPT], [process.execPath, BUILT]),
      cli(['analyze', '--model', model, '--json', PROMPT]),
    ]);
    assert.equal(built.code, 0, built.stderr);
    assert.deepEqual(JSON.parse(built.stdout), JSON.parse(source.stdout));
  });
});
