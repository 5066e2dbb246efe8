// `analyze` on a prompt longer than one prefill pass: --full streams its JSON (same shape as a short
// prompt's), --save writes a safetensors file; both checked against the float64 reference.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PREFILL_PASS } from '../../src/engine/prefill';
import { readSafetensorsHeader, readTensorAsFloat32 } from '../../src/engine/safetensors';
import { maxAbsDiff, testModel, TINY } from '../engine/models';
import { loadReferenceModel, referenceForward, type ReferenceModel } from '../engine/reference';
import { PROMPT } from './fixtures';
import { cli, CURRENT } from './run-cli';

const LONG = { ...TINY, nPositions: PREFILL_PASS + 100 };
const TOLERANCE = 1e-4;

describe('gpt2-explorer analyze on long prompts', function () {
  let dir: string;
  let model: string;
  let reference: ReferenceModel;
  let text: string;

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'gpt2-cli-long-'));
    model = await testModel(LONG);
    reference = loadReferenceModel(model);
    text = 'The capital of Germany is Berlin. '.repeat(40); // ≈ 280 tokens: two passes
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('--json --full over two prefill passes: the nested arrays of the reference, streamed', async function () {
    const run = await cli(['analyze', '--model', model, '--json', '--full', text], CURRENT); // a process: its stdout drained into a pipe
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(out), ['tokens', 'next', 'lens', 'hidden', 'attention', 'q', 'k', 'v']);
    const ids: number[] = out.tokens.map((t: { id: number }) => t.id);
    const T = ids.length;
    assert.ok(T > PREFILL_PASS, `${T} tokens`);
    const expected = referenceForward(reference, ids);
    assert.deepEqual([out.attention.length, out.attention[0].length, out.attention[0][0].length, out.attention[0][0][0].length], [2, 4, T, T]);
    for (const key of ['hidden', 'attention', 'q', 'k', 'v'] as const) {
      assert.ok(maxAbsDiff(out[key].flat(3), expected[key]) <= TOLERANCE, key);
    }
  });

  it('--save FILE.safetensors: hidden, attention, q, k, v as F32 with the ids in __metadata__, equal to the reference', async function () {
    const file = join(dir, 'activations.safetensors');
    const run = await cli(['analyze', '--model', model, '--json', '--save', file, text]);
    assert.equal(run.code, 0, run.stderr);
    const printed = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(printed), ['tokens', 'next', 'lens'], 'what it prints is unchanged');
    const ids: number[] = printed.tokens.map((t: { id: number }) => t.id);
    const T = ids.length;
    const header = await readSafetensorsHeader(file);
    assert.deepEqual(JSON.parse((await metadataOf(file, header.dataStart)).ids), ids);
    const expected = referenceForward(reference, ids);
    const shapes = { hidden: [3, T, 48], attention: [2, 4, T, T], q: [2, 4, T, 12], k: [2, 4, T, 12], v: [2, 4, T, 12] };
    assert.deepEqual([...header.tensors.keys()], Object.keys(shapes));
    for (const [name, shape] of Object.entries(shapes)) {
      const entry = header.tensors.get(name)!;
      assert.deepEqual([entry.dtype, entry.shape], ['F32', shape], name);
      const diff = maxAbsDiff(await readTensorAsFloat32(file, entry), expected[name as keyof typeof shapes]);
      assert.ok(diff <= TOLERANCE, `${name} differs from the reference by ${diff}`);
    }
  });

  it('--save refuses a file name that is not .safetensors, before loading anything', async function () {
    const run = await cli(['analyze', '--model', model, '--save', join(dir, 'out.npy'), PROMPT]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--save writes a \.safetensors file/);
  });
});

/** __metadata__ of a safetensors file, read straight from its header bytes. */
async function metadataOf(file: string, dataStart: number): Promise<Record<string, string>> {
  const bytes = await readFile(file);
  return JSON.parse(bytes.subarray(8, dataStart).toString('utf8')).__metadata__;
}
