// `generate` and `sample` as a user runs them (child processes of src/cli/cli.ts through tsx),
// checked against the independent float64 reference: the JSON contract, greedy and sampled
// generations with their probabilities, tallies, seeds, stops and error exits.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { argmax, softmax, topK } from '../../src/explorer/decoding/logits';
import { EOS_ID, Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { loadReferenceModel, referenceForward, type ReferenceModel } from '../engine/reference';
import { testModel, TINY } from '../engine/models';
import { chiSquare } from './chi-square';

const ROOT = resolve(__dirname, '..', '..');
const CLI = ['--import', 'tsx', join(ROOT, 'src', 'cli', 'cli.ts')];
const BUILT = join(ROOT, 'dist', 'cli.js');
const PROMPT = 'Zebras dream in\tgreyscale, 42 times';
const V = 50257;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(...args: string[]): Promise<Run> {
  return run(CLI, args);
}

async function run(entry: string[], args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...entry, ...args], { cwd: ROOT, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as Run;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function json(...args: string[]): Promise<any> {
  const run = await cli(...args, '--json');
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
}

describe('gpt2-explorer generate and sample', function () {
  let model: string;
  let reference: ReferenceModel;
  let tokenizer: Gpt2Tokenizer;
  let promptIds: number[];

  /** The reference's next-token probabilities after prompt + `generated`, at temperature 1. */
  const nextProbs = (generated: number[]) => {
    const ids = [...promptIds, ...generated];
    const logits = referenceForward(reference, ids).logits;
    return softmax(logits.subarray((ids.length - 1) * V));
  };

  before(async function () {
    model = await testModel(TINY);
    reference = loadReferenceModel(model);
    tokenizer = await Gpt2Tokenizer.fromModelDir(model);
    promptIds = tokenizer.encode(PROMPT).map((t) => t.id);
  });

  it('generate --json --temperature 0: the contract, and the reference\'s greedy tokens', async function () {
    const out = await json('generate', '--model', model, '--temperature', '0', '--max-tokens', '8', PROMPT);
    assert.deepEqual(Object.keys(out), ['prompt_tokens', 'generated', 'text', 'stop']);
    assert.deepEqual(out.prompt_tokens, tokenizer.encode(PROMPT).map(({ id, text }) => ({ id, text })));
    const ids: number[] = [];
    for (let i = 0; i < 8; i++) ids.push(argmax(nextProbs(ids)));
    assert.deepEqual(out.generated.map((t: { id: number }) => t.id), ids);
    for (const token of out.generated) {
      assert.deepEqual(Object.keys(token), ['id', 'text', 'prob']);
      assert.equal(token.text, tokenizer.tokenText(token.id));
      assert.equal(token.prob, 1, 'greedy draws from a distribution with all the mass on the top token');
    }
    assert.equal(out.text, tokenizer.decode(ids));
    assert.equal(out.stop, 'max_tokens');
  });

  it('generate --ids: the prompt as token ids gives what its text gives', async function () {
    const ids = tokenizer.encode(PROMPT).map((token) => token.id);
    const [fromIds, fromText] = [await json('generate', '--model', model, '--max-tokens', '4', '--ids', ids.join(',')), await json('generate', '--model', model, '--max-tokens', '4', PROMPT)];
    assert.deepEqual(fromIds, fromText);
  });

  it('generate with a seed: reproducible, another seed differs, each prob is the reference\'s', async function () {
    const args = ['generate', '--model', model, '--max-tokens', '6', '--seed', '11', PROMPT];
    const [a, b] = [await json(...args), await json(...args)];
    assert.deepEqual(a, b);
    const other = await json('generate', '--model', model, '--max-tokens', '6', '--seed', '12', PROMPT);
    assert.notDeepEqual(other.generated, a.generated);
    const ids: number[] = [];
    for (const token of a.generated) {
      const expected = nextProbs(ids)[token.id];
      assert.ok(Math.abs(token.prob - expected) < 1e-4, `prob ${token.prob} vs reference ${expected}`);
      ids.push(token.id);
    }
  });

  it('generate --top-k 3 --temperature 0.5: every token from the top 3, prob renormalised over them', async function () {
    const out = await json('generate', '--model', model, '--max-tokens', '5', '--top-k', '3', '--temperature', '0.5', '--seed', '4', PROMPT);
    const ids: number[] = [];
    for (const token of out.generated) {
      const ids3 = [...promptIds, ...ids];
      const logits = referenceForward(reference, ids3).logits.subarray((ids3.length - 1) * V);
      const probs = softmax(logits, 0.5);
      const best = topK(probs, 3);
      assert.ok(best.includes(token.id), `${token.id} is not in the top 3 ${best}`);
      const mass = best.reduce((sum, id) => sum + probs[id], 0);
      assert.ok(Math.abs(token.prob - probs[token.id] / mass) < 1e-4);
      ids.push(token.id);
    }
  });

  it('generate stops with eos on a model that favours <|endoftext|>', async function () {
    const favouring = await testModel({ ...TINY, seed: 13, favourToken: EOS_ID });
    const out = await json('generate', '--model', favouring, PROMPT);
    assert.equal(out.stop, 'eos');
    assert.deepEqual(out.generated.map((t: { id: number; text: string }) => [t.id, t.text]), [[EOS_ID, '<|endoftext|>']]);
    assert.ok(out.generated[0].prob > 0.99);
  });

  it('sample --n 2000: counts add up, probs are the reference\'s, and the tally passes a chi-square test', async function () {
    const out = await json('sample', '--model', model, '--n', '2000', '--seed', '3', PROMPT);
    assert.deepEqual(Object.keys(out), ['counts', 'probs']);
    assert.equal(Object.values<number>(out.counts).reduce((a, b) => a + b, 0), 2000);
    assert.deepEqual(Object.keys(out.probs).sort(), Object.keys(out.counts).sort());
    const expected = nextProbs([]);
    for (const [id, p] of Object.entries<number>(out.probs)) assert.ok(Math.abs(p - expected[Number(id)]) < 1e-4, `id ${id}`);
    const bins = new Map(topK(expected, 100).filter((id) => expected[id] * 2000 >= 5).map((id) => [id, expected[id]]));
    const counts = new Map(Object.entries<number>(out.counts).map(([id, n]) => [Number(id), n]));
    const test = chiSquare(counts, bins, 2000);
    assert.ok(test.statistic < test.critical, `χ² = ${test.statistic.toFixed(1)} ≥ ${test.critical.toFixed(1)}`);
    assert.deepEqual(await json('sample', '--model', model, '--n', '2000', '--seed', '3', PROMPT), out);
  });

  it('sample --temperature 0 always draws the top token', async function () {
    const out = await json('sample', '--model', model, '--n', '50', '--temperature', '0', PROMPT);
    assert.deepEqual(out, { counts: { [argmax(nextProbs([]))]: 50 }, probs: { [argmax(nextProbs([]))]: 1 } });
  });

  it('without --json prints readable tables', async function () {
    const generated = await cli('generate', '--model', model, '--max-tokens', '3', PROMPT);
    assert.equal(generated.code, 0, generated.stderr);
    assert.match(generated.stdout, /Stopped: the --max-tokens limit was reached \(max_tokens\)/);
    const sampled = await cli('sample', '--model', model, '--n', '100', PROMPT);
    assert.equal(sampled.code, 0, sampled.stderr);
    assert.match(sampled.stdout, /^100 rolls, \d+ different tokens/);
  });

  it('the built bundle (dist/cli.js, when built) answers exactly as the source', async function () {
    if (!existsSync(BUILT)) this.skip();
    for (const args of [['generate', '--model', model, '--max-tokens', '4', '--seed', '8', '--json', PROMPT], ['sample', '--model', model, '--n', '300', '--json', PROMPT]]) {
      const [source, built] = [await cli(...args), await run([BUILT], args)];
      assert.equal(built.code, 0, built.stderr);
      assert.equal(built.stdout, source.stdout);
    }
  });

  it('usage mistakes exit 2 and a bad model folder exits 1, with the reason on stderr', async function () {
    const cases: [string[], number, RegExp][] = [
      [['sample', '--model', model, PROMPT], 2, /--n is required/],
      [['generate', '--model', model, '--top-p', '2', PROMPT], 2, /--top-p must be from 0 to 1/],
      [['generate', '--model', model, '--temperature=-1', PROMPT], 2, /--temperature must be ≥ 0/],
      [['generate', '--model', model, '--max-tokens', '0', PROMPT], 2, /--max-tokens must be an integer/],
      [['generate', '--model', model, '  '], 2, /the prompt is empty/],
      [['generate', PROMPT], 2, /--model is required/],
      [['generate', '--model', model, '--ids', '464,x'], 2, /--ids must be comma-separated token ids/],
      [['generate', '--model', model, '--ids', '464', PROMPT], 2, /either PROMPT or --ids/],
      [['generate', '--model', model, '--ids', '464,50257'], 1, /prompt token id 50257 is out of range/],
      [['generate', '--model', join(ROOT, 'no-such-folder'), PROMPT], 1, /config\.json/],
    ];
    for (const [args, code, message] of cases) {
      const run = await cli(...args);
      assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
    }
  });
});
