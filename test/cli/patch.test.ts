// `patch` as a user runs it: the exact JSON shape the issue names, its numbers against the float64
// reference patched in the test folder (test/explorer/reference-patching.ts), the defaults, and clear
// errors with a non-zero exit for prompts of different token counts, the same prompt twice and bad options.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { topK } from '../../src/explorer/decoding/logits';
import { maxAbsDiff } from '../engine/models';
import { loadReferenceModel, referenceForward, type ReferenceModel } from '../engine/reference';
import { referencePatching, type Site } from '../explorer/reference-patching';
import { cliMadeModel, V } from './fixtures';
import { cli } from './run-cli';

const CLEAN = 'When Mary and John went to the store, John gave a drink to';
const CORRUPT = 'When Mary and John went to the store, Mary gave a drink to';
const KEYS = ['what', 'target', 'versus', 'clean', 'corrupt', 'effect'];

describe('gpt2-explorer patch', function () {
  let dir: string;
  let model: string;
  let reference: ReferenceModel;
  let tokenizer: Gpt2Tokenizer;
  let clean: number[];
  let corrupt: number[];

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'gpt2-cli-'));
    model = await cliMadeModel(dir); // 2 layers, 3 heads, 24 wide
    reference = loadReferenceModel(model);
    tokenizer = await Gpt2Tokenizer.fromModelDir(model);
    [clean, corrupt] = [CLEAN, CORRUPT].map((text) => tokenizer.encode(text).map((token) => token.id));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const patchJson = async (...args: string[]) => {
    const run = await cli(['patch', '--model', model, '--json', '--clean', CLEAN, '--corrupt', CORRUPT, ...args]);
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout);
  };

  const checkNumbers = (out: any, what: Site) => {
    const expected = referencePatching(reference, clean, corrupt, out.target.id, out.versus.id, what);
    assert.ok(Math.abs(out.clean - expected.clean) <= 1e-4, `clean ${out.clean} against the reference's ${expected.clean}`);
    assert.ok(Math.abs(out.corrupt - expected.corrupt) <= 1e-4, `corrupt ${out.corrupt} against the reference's ${expected.corrupt}`);
    const diff = maxAbsDiff(out.effect.flat(), expected.effect.flat());
    assert.ok(diff <= 1e-4, `effect differs from the reference's by ${diff}`);
  };

  it('by default: resid, the clean top token versus the corrupted top token — in the exact shape', async function () {
    const out = await patchJson();
    assert.deepEqual(Object.keys(out), KEYS);
    const top = (ids: number[]) => topK(referenceForward(reference, ids).logits.subarray((ids.length - 1) * V), 1)[0];
    assert.equal(out.what, 'resid');
    assert.deepEqual(out.target, { id: top(clean), text: tokenizer.tokenText(top(clean)) });
    assert.deepEqual(out.versus, { id: top(corrupt), text: tokenizer.tokenText(top(corrupt)) });
    assert.deepEqual([out.effect.length, out.effect[0].length], [3, clean.length]);
    checkNumbers(out, 'resid');
  });

  it('--what heads|attn|mlp with --target TEXT --versus TEXT and the -id forms', async function () {
    const [mary, john] = [' Mary', ' John'].map((text) => tokenizer.encode(text)[0].id);
    const heads = await patchJson('--what', 'heads', '--target', ' Mary', '--versus', ' John');
    assert.deepEqual([heads.what, heads.target, heads.versus], ['heads', { id: mary, text: ' Mary' }, { id: john, text: ' John' }]);
    assert.deepEqual([heads.effect.length, heads.effect[0].length], [2, 3]);
    checkNumbers(heads, 'heads');
    for (const what of ['attn', 'mlp'] as const) {
      const out = await patchJson('--what', what, '--target-id', String(mary), '--versus-id', '0');
      assert.deepEqual([out.what, out.target.id, out.versus], [what, mary, { id: 0, text: '!' }]);
      assert.deepEqual([out.effect.length, out.effect[0].length], [2, clean.length]);
      checkNumbers(out, what);
    }
  });

  it('bad input is a clear error with a non-zero exit', async function () {
    const fails = async (args: string[], message: RegExp) => {
      const run = await cli(['patch', '--model', model, ...args]);
      assert.notEqual(run.code, 0, `${args.join(' ')} should fail`);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, message);
    };
    const pair = ['--json', '--clean', CLEAN, '--corrupt', CORRUPT];
    await fails(['--json', '--clean', 'The capital of France is', '--corrupt', 'The capital of the French Republic is'],
      /the clean one has 5, the corrupted one 7\n {2}clean: {3}"The" " capital" " of" " France" " is"\n {2}corrupt: "The" " capital" " of" " the" " French" " Republic" " is"\n {2}they part at position 3/);
    await fails(['--json', '--clean', CLEAN, '--corrupt', CLEAN], /nothing to patch/);
    await fails([...pair, '--what', 'embed'], /--what must be one of resid, attn, mlp, heads, got embed/);
    await fails([...pair, '--target', ' Parisian'], /--target must be exactly one token; " Parisian" is 2/);
    await fails([...pair, '--versus-id', String(V)], /--versus-id must be an integer from 0 to 50256, got 50257/);
    await fails(['--json', '--clean', CLEAN], /--corrupt is required/);
    await fails(['--clean', CLEAN, '--corrupt', CORRUPT], /patch prints JSON only: add --json/);
  });
});
