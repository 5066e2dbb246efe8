// The engine with 8-bit weights (LoadOptions.weights 'int8') against the float64 reference run on
// the weights the 8-bit ones decode to, on tiny generated models (64 wide: K must be a multiple of
// the block of 32).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { row } from '../../src/engine/matrix';
import { Gpt2Model } from '../../src/engine/model';
import type { ForwardResult } from '../../src/engine/types';
import { argmax } from '../../src/explorer/decoding/logits';
import { quantizedReference } from './quantized-reference';
import { loadReferenceModel, referenceForward, type ReferenceModel, type ReferenceResult } from './reference';
import { assertStepMatchesFullPass, lastRows, maxAbsDiff, testModel, TINY } from './models';

const TINY_INT8 = { ...TINY, nEmbd: 64 };
const PROMPT = [464, 3139, 286, 4486, 318, 11307, 13, 50256, 0];

/** The reference's logits at the last position. */
function lastRow(expected: ReferenceResult): Float64Array {
  return expected.logits.subarray(expected.logits.length - 50257); // V = 50,257 in every test model
}

/** Largest difference of any output (hidden, attention, q, k, v, last logits) to the reference. */
function worstDiff(actual: ForwardResult, expected: ReferenceResult): number {
  const outputs = (['hidden', 'q', 'k', 'v'] as const).map((key) => maxAbsDiff(actual[key], expected[key]));
  const S = actual.pastLength + actual.length;
  const attention = maxAbsDiff(actual.attention, lastRows(expected.attention, actual.attention.length / S, actual.length, S));
  return Math.max(...outputs, attention, maxAbsDiff(actual.logits, expected.logits.subarray(expected.logits.length - actual.logits.length)));
}

/** Runs `run` with every file write after the first failing as on a full disk (ENOSPC). */
async function withFullDisk<T>(run: () => Promise<T>): Promise<T> {
  const probe = await open(__filename, 'r');
  const handles = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<unknown> };
  await probe.close();
  const write = handles.write;
  let writes = 0;
  handles.write = function (this: unknown, ...args: unknown[]) {
    if (++writes === 1) return write.apply(this, args);
    return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
  };
  try {
    return await run();
  } finally {
    handles.write = write;
  }
}

/** The cache file's name for a weights file, as int8-cache-format.ts says: its real path's sha256, 24 hex digits. */
const cacheName = (folder: string) => `${createHash('sha256').update(realpathSync(join(folder, 'model.safetensors'))).digest('hex').slice(0, 24)}.int8`;

describe('Gpt2Model with 8-bit weights', function () {
  let dir: string;
  let reference: ReferenceModel; // fp32 weights
  let decoded: ReferenceModel; // the 8-bit weights, decoded
  let int8: Gpt2Model;
  let float32: Gpt2Model;

  before(async function () {
    dir = await testModel(TINY_INT8);
    reference = loadReferenceModel(dir);
    decoded = quantizedReference(reference);
    int8 = await Gpt2Model.load(dir, { threads: 1, weights: 'int8' });
    float32 = await Gpt2Model.load(dir, { threads: 1 });
  });
  after(async () => Promise.all([int8?.dispose(), float32?.dispose()]));

  it('says which weights it runs', function () {
    assert.equal(int8.weights, 'int8');
    assert.equal(float32.weights, 'float32');
  });

  it('computing in float32 (accuracy level 0), matches the reference on the decoded weights exactly', async function () {
    // Only the weights are rounded: every output within float32 noise of the reference on them, while the
    // fp32 weights' logits are measurably elsewhere (0.16 on this model) — so a silent fp32 run fails here.
    const exact = await Gpt2Model.load(dir, { threads: 1, weights: 'int8', int8AccuracyLevel: 0 });
    try {
      const result = await exact.forward(PROMPT);
      const onDecoded = worstDiff(result, referenceForward(decoded, PROMPT));
      assert.ok(onDecoded <= 1e-4, `differs from the reference on the decoded weights by ${onDecoded}`);
      const onFloat32 = maxAbsDiff(result.logits, lastRow(referenceForward(reference, PROMPT)));
      assert.ok(onFloat32 > 0.05, `logits only ${onFloat32} from the fp32 weights' ones: were the weights quantized at all?`);
    } finally {
      await exact.dispose();
    }
  });

  it('as the product runs it (accuracy level 4, activations in int8 too), stays near the reference on the decoded weights', async function () {
    // Measured on this model (logit std 4.1): logits 0.23 from the decoded-weights reference, hidden 0.075,
    // attention 0.018 — the activations' rounding costs about as much as the weights' (0.16). Twice that here.
    const result = await int8.forward(PROMPT);
    const expected = referenceForward(decoded, PROMPT);
    assert.ok(maxAbsDiff(result.logits, lastRow(expected)) <= 0.5, 'logits');
    assert.ok(maxAbsDiff(result.hidden, expected.hidden) <= 0.15, 'hidden');
    assert.ok(maxAbsDiff(result.attention, lastRows(expected.attention, result.attention.length / PROMPT.length, PROMPT.length, PROMPT.length)) <= 0.04, 'attention'); // the last rows
    for (const key of ['q', 'k', 'v'] as const) assert.ok(maxAbsDiff(result[key], expected[key]) <= 0.12, key);
  });

  it('gives other logits than fp32, but the same top-1 on a model that favours a token', async function () {
    const differs = maxAbsDiff((await int8.forward(PROMPT)).logits, (await float32.forward(PROMPT)).logits);
    assert.ok(differs > 0.05, `8-bit logits within ${differs} of the fp32 ones: is it running fp32?`);
    const favouring = await testModel({ ...TINY_INT8, favourToken: 11 });
    const [a, b] = await Promise.all([Gpt2Model.load(favouring, { threads: 1, weights: 'int8' }), Gpt2Model.load(favouring, { threads: 1 })]);
    try {
      for (let length = 1; length <= PROMPT.length; length++) {
        const [x, y] = [await a.forward(PROMPT.slice(0, length)), await b.forward(PROMPT.slice(0, length))];
        assert.equal(argmax(x.logits), 11, `8-bit top-1 after ${length} tokens`);
        assert.equal(argmax(y.logits), 11);
        assert.ok(maxAbsDiff(x.logits, y.logits) > 0, 'the 8-bit model is another model');
      }
    } finally {
      await Promise.all([a.dispose(), b.dispose()]);
    }
  });

  it('gives a KV-cache step the numbers the full pass has at that position', async function () {
    await assertStepMatchesFullPass(int8, PROMPT, 1e-4);
  });

  it("lens() at the last layer is the model's logits (the same 8-bit lm_head)", async function () {
    const result = await int8.forward(PROMPT);
    const { nLayer: L, nEmbd: d, vocabSize: V } = int8.config;
    const lastLayer = await int8.lens(result.hidden.subarray(L * PROMPT.length * d), PROMPT.length);
    assert.deepEqual(row(lastLayer, PROMPT.length - 1, V), result.logits);
  });

  it('quantizes F16 checkpoints too (the other weights then come from memory)', async function () {
    const f16 = await testModel({ ...TINY_INT8, seed: 11, dtype: 'f16' });
    const exact = await Gpt2Model.load(f16, { threads: 1, weights: 'int8', int8AccuracyLevel: 0 });
    try {
      const diff = worstDiff(await exact.forward(PROMPT), referenceForward(quantizedReference(loadReferenceModel(f16)), PROMPT));
      assert.ok(diff <= 1e-4, `differs from the reference on the decoded weights by ${diff}`);
    } finally {
      await exact.dispose();
    }
  });

  it('keeps the 8-bit weights in a cache: a second load reads them, a stale or damaged cache is quantized again', async function () {
    const cacheDir = mkdtempSync(join(tmpdir(), 'gpt2-int8-'));
    const copy = mkdtempSync(join(tmpdir(), 'gpt2-int8-model-')); // its own weights file, to touch
    for (const file of ['config.json', 'model.safetensors']) copyFileSync(join(dir, file), join(copy, file));
    const expected = (await int8.forward(PROMPT)).logits; // quantized without a cache
    const load = async () => {
      let quantized = 0;
      const model = await Gpt2Model.load(copy, { threads: 1, weights: 'int8', int8CacheDir: cacheDir, onQuantize: (done, total) => (quantized = done / total) });
      try {
        assert.deepEqual((await model.forward(PROMPT)).logits, expected, 'the same numbers as the quantizing load');
      } finally {
        await model.dispose();
      }
      return quantized;
    };
    try {
      assert.equal(await load(), 1, 'the first load quantizes everything');
      const [file] = readdirSync(cacheDir);
      assert.match(file, /^[0-9a-f]{24}\.int8$/, 'one finished file, no partial one left');
      assert.equal(await load(), 0, 'the second reads the cache');
      const cache = join(cacheDir, file);
      const bytes = readFileSync(cache);
      bytes[Math.floor(bytes.length / 2)] ^= 0xff; // a flipped byte inside a block's codes
      writeFileSync(cache, bytes);
      assert.ok((await load()) > 0, 'a damaged matrix is quantized again');
      assert.equal(await load(), 0, 'and the cache is whole again');
      truncateSync(cache, 100);
      assert.equal(await load(), 1, 'a cut-short cache is rebuilt');
      utimesSync(join(copy, 'model.safetensors'), new Date(), new Date(Date.now() + 5000)); // the weights changed
      assert.equal(await load(), 1, 'a stale cache is rebuilt');
      assert.equal(await load(), 0);
      assert.deepEqual(readdirSync(cacheDir), [file]);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('loads on weights quantized in memory when the cache cannot be kept (a folder that cannot be made, a full disk), and says so once', async function () {
    const scratch = mkdtempSync(join(tmpdir(), 'gpt2-int8-unkept-'));
    const expected = (await int8.forward(PROMPT)).logits; // quantized without a cache
    const load = async (int8CacheDir: string) => {
      const said: string[] = [];
      let quantized = 0;
      const model = await Gpt2Model.load(dir, { threads: 1, weights: 'int8', int8CacheDir, onQuantize: (done, total) => (quantized = done / total), log: (line) => said.push(line) });
      try {
        assert.deepEqual((await model.forward(PROMPT)).logits, expected, 'the same numbers as the quantizing load');
      } finally {
        await model.dispose();
      }
      return { said, quantized };
    };
    try {
      // Root (as here) writes into a read-only folder: a file where the folder would be fails for everyone.
      writeFileSync(join(scratch, 'taken'), 'a file, not a folder');
      const blocked = await load(join(scratch, 'taken', 'int8'));
      assert.equal(blocked.quantized, 1);
      assert.equal(blocked.said.length, 1, blocked.said.join('\n'));
      assert.match(blocked.said[0], /the 8-bit weights cannot be kept in .*taken.*: quantizing without a cache/);
      const cacheDir = join(scratch, 'int8');
      const full = await withFullDisk(() => load(cacheDir));
      assert.equal(full.quantized, 1);
      assert.equal(full.said.length, 1, full.said.join('\n'));
      assert.match(full.said[0], /the 8-bit weights could not be kept in .*\(ENOSPC: no space left on device, write\); they will be quantized again next time/);
      assert.deepEqual(readdirSync(cacheDir), [], 'the partial file is removed');
      const next = await load(cacheDir);
      assert.deepEqual([next.quantized, next.said, readdirSync(cacheDir)], [1, [], [cacheName(dir)]], 'with room again, the next load keeps them');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('removes what no load can use any more when it writes a cache: of weights gone or changed, an older format, a crashed partial — not another model\'s, one on a drive not mounted now, a live partial, or a file not ours', async function () {
    const cacheDir = mkdtempSync(join(tmpdir(), 'gpt2-int8-sweep-'));
    const models = mkdtempSync(join(tmpdir(), 'gpt2-int8-models-'));
    const copyOf = (name: string) => {
      const to = join(models, name);
      mkdirSync(to);
      for (const file of ['config.json', 'model.safetensors']) copyFileSync(join(dir, file), join(to, file));
      return to;
    };
    const load = async (folder: string) => {
      const said: string[] = [];
      await (await Gpt2Model.load(folder, { threads: 1, weights: 'int8', int8CacheDir: cacheDir, log: (line) => said.push(line) })).dispose();
      return said;
    };
    try {
      const [gone, changed, other, unmounted] = ['gone', 'changed', 'other', 'unmounted'].map(copyOf);
      const names = [gone, changed, other, unmounted].map(cacheName);
      for (const folder of [gone, changed, other, unmounted]) assert.deepEqual(await load(folder), [], 'nothing stale yet: every sound cache stays');
      assert.deepEqual(readdirSync(cacheDir).sort(), [...names].sort());
      asIfOnAnotherDrive(join(cacheDir, names[3]), statSync(join(unmounted, 'model.safetensors')).dev);
      rmSync(gone, { recursive: true });
      rmSync(unmounted, { recursive: true }); // as its drive would be, unmounted: the folders above are on another device
      utimesSync(join(changed, 'model.safetensors'), new Date(), new Date(Date.now() + 5000));
      const older = `${'0'.repeat(24)}.int8`;
      writeFileSync(join(cacheDir, older), Buffer.concat([Buffer.alloc(64), Buffer.from([0, 0, 0, 0]), Buffer.from('GPT2Q8v0')]));
      const ended = spawnSync(process.execPath, ['-e', '']).pid; // a process that has exited
      const crashed = `${names[2]}.${ended}-0123abcd.partial`;
      const live = `${names[2]}.${process.pid}-89abcdef.partial`; // another window, still writing
      for (const file of [crashed, live, 'notes.txt']) writeFileSync(join(cacheDir, file), 'x');
      const fresh = copyOf('fresh');
      assert.deepEqual(await load(fresh), [`removed 4 8-bit weights files no load can use any more from ${cacheDir}`]);
      assert.deepEqual(readdirSync(cacheDir).sort(), [names[2], names[3], cacheName(fresh), live, 'notes.txt'].sort());
      assert.deepEqual(await load(other), [], "the other model's cache is read, not rebuilt");
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
      rmSync(models, { recursive: true, force: true });
    }
  });

  /**
   * Rewrites a cache file's header (the JSON before its u32 length and 8-byte magic) so it says its weights file was
   * on a device other than `device`, the one the test's folders are on: as a file on a USB disk would say.
   */
  function asIfOnAnotherDrive(cache: string, device: number) {
    const bytes = readFileSync(cache);
    const end = bytes.length - 12;
    const length = bytes.readUInt32LE(end);
    const header = JSON.parse(bytes.subarray(end - length, end).toString('utf8'));
    assert.equal(header.device, device, 'the header names the device of its weights file');
    const json = Buffer.from(JSON.stringify({ ...header, device: device + 1 }));
    const size = Buffer.alloc(4);
    size.writeUInt32LE(json.length);
    writeFileSync(cache, Buffer.concat([bytes.subarray(0, end - length), json, size, bytes.subarray(end + 4)]));
  }

  it('refuses a model whose width is not a multiple of the block', async function () {
    await assert.rejects(Gpt2Model.load(await testModel(TINY), { weights: 'int8' }), /8-bit weights need n_embd to be a multiple of 32; this model's is 48/);
  });
});
