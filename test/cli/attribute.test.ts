// `attribute` as a user runs it: the exact JSON shape the issue names, its numbers against the float64
// reference written in the test folder (test/explorer/reference-attribution.ts), the defaults, and
// clear errors with a non-zero exit for a target of more than one token, a position outside the
// prompt and an id outside the vocabulary.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { topK } from '../../src/explorer/decoding/logits';
import { maxAbsDiff } from '../engine/models';
import { loadReferenceModel, referenceForward, type ReferenceModel } from '../engine/reference';
import { pieces, referenceAttribution } from '../explorer/reference-attribution';
import { cliMadeModel, V } from './fixtures';
import { cli } from './run-cli';

const TEXT = 'The capital of France is';
const KEYS = ['position', 'target', 'versus', 'total', 'embed', 'heads', 'attnBias', 'mlp', 'finalBias'];

describe('gpt2-explorer attribute', function () {
  let dir: string;
  let model: string;
  let reference: ReferenceModel;
  let tokenizer: Gpt2Tokenizer;
  let ids: number[];

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'gpt2-cli-'));
    model = await cliMadeModel(dir); // 2 layers, 3 heads, 24 wide
    reference = loadReferenceModel(model);
    tokenizer = await Gpt2Tokenizer.fromModelDir(model);
    ids = tokenizer.encode(TEXT).map((token) => token.id);
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const attributeJson = async (...args: string[]) => {
    const run = await cli(['attribute', '--model', model, '--json', ...args]);
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout);
  };

  /** The printed numbers against the reference's, and their sum against the printed total. */
  const checkNumbers = (out: any, position: number, target: number, versus: number | null) => {
    const expected = referenceAttribution(reference, ids, position, target, versus);
    const printed = [out.embed, ...out.heads.flat(), ...out.attnBias, ...out.mlp, out.finalBias];
    assert.ok(Math.abs(printed.reduce((a: number, b: number) => a + b, 0) - out.total) <= 1e-4, 'the pieces add up to the total');
    assert.ok(Math.abs(out.total - expected.total) <= 1e-4, `total ${out.total} against the reference's ${expected.total}`);
    assert.ok(maxAbsDiff(printed, pieces(expected)) <= 1e-4, 'every piece as the reference has it');
  };

  it('by default: the last position, the model\'s top token, no versus — in the exact shape', async function () {
    const out = await attributeJson(TEXT);
    assert.deepEqual(Object.keys(out), KEYS);
    const position = ids.length - 1;
    const top = topK(referenceForward(reference, ids).logits.subarray(position * V), 1)[0];
    assert.deepEqual(out.target, { id: top, text: tokenizer.tokenText(top) });
    assert.equal(out.position, position);
    assert.equal(out.versus, null);
    assert.deepEqual([out.heads.length, out.heads[0].length, out.attnBias.length, out.mlp.length], [2, 3, 2, 2]);
    checkNumbers(out, position, top, null);
  });

  it('--target TEXT --versus TEXT --position P: a logit difference at an earlier position', async function () {
    const out = await attributeJson('--target', ' Paris', '--versus', ' London', '--position', '2', TEXT);
    const [paris, london] = [' Paris', ' London'].map((text) => tokenizer.encode(text)[0].id);
    assert.deepEqual([out.position, out.target, out.versus], [2, { id: paris, text: ' Paris' }, { id: london, text: ' London' }]);
    checkNumbers(out, 2, paris, london);
  });

  it('--target-id and --versus-id', async function () {
    const out = await attributeJson('--target-id', '50256', '--versus-id', '0', TEXT);
    assert.deepEqual([out.target.id, out.versus], [50256, { id: 0, text: '!' }]);
    checkNumbers(out, ids.length - 1, 50256, 0);
  });

  it('bad input is a clear error with a non-zero exit', async function () {
    const fails = async (args: string[], message: RegExp) => {
      const run = await cli(['attribute', '--model', model, ...args]);
      assert.notEqual(run.code, 0, `${args.join(' ')} should fail`);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, message);
    };
    await fails(['--json', '--target', ' Parisian', TEXT], /--target must be exactly one token; " Parisian" is 2: " Paris" \(6342\) \+ "ian" \(666\)/);
    await fails(['--json', '--versus', '', TEXT], /--versus must be exactly one token; "" is 0: nothing/);
    await fails(['--json', '--position', String(ids.length), TEXT], /--position must be an integer from 0 to 4, got 5/);
    await fails(['--json', '--position=-1', TEXT], /--position must be an integer from 0 to 4/);
    await fails(['--json', '--target-id', String(V), TEXT], /--target-id must be an integer from 0 to 50256, got 50257/);
    await fails(['--json', '--target', ' Paris', '--target-id', '6342', TEXT], /either --target or --target-id/);
    await fails([TEXT], /attribute prints JSON only: add --json/);
  });
});
