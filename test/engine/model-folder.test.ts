import { strict as assert } from 'node:assert';
import { closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GPT2_SMALL_CONFIG } from '../../src/engine/config';
import { GPT2_SMALL_WEIGHTS } from '../../src/engine/gpt2-source';
import { openGpt2Weights } from '../../src/engine/gpt2-weights';
import { DownloadProgress, findModel, GPT2_SMALL, importModelFolder, ModelFolderError } from '../../src/engine/model-store';
import { readSafetensorsHeader } from '../../src/engine/safetensors';
import { writeTestModel } from '../../src/engine/test-model';
import { NO_REAL_WEIGHTS, REAL_GPT2_DIR } from './real-weights';

const SHAPE = { seed: 3, nLayer: 1, nHead: 2, nEmbd: 8, nPositions: 16 };

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(() => assert.fail('expected a rejection'), (error: Error) => error);
}

async function folderError(dir: string): Promise<string> {
  const error = await rejection(importModelFolder(dir));
  assert.ok(error instanceof ModelFolderError, `not a ModelFolderError: ${error}`);
  return error.message;
}

describe('model store: importModelFolder and findModel', () => {
  let scratch: string;
  let pristine: string; // a generated model, copied before each test that damages it
  let dir: string;
  const weights = () => join(dir, 'model.safetensors');
  const editConfig = (edit: (config: Record<string, unknown>) => void) => {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    edit(config);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  };

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'gpt2-folder-'));
    pristine = join(scratch, 'pristine');
    await writeTestModel(pristine, SHAPE);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));
  beforeEach(function () {
    dir = join(scratch, this.currentTest!.title.replace(/\W+/g, '-'));
    cpSync(pristine, dir, { recursive: true });
  });

  it('imports a good folder, checking every tensor, and says what it holds', async () => {
    const progress: DownloadProgress[] = [];
    const model = await importModelFolder(dir, { onProgress: (p) => progress.push(p) });
    assert.deepEqual(model, {
      dir,
      config: { nLayer: 1, nHead: 2, nEmbd: 8, vocabSize: 50257, nPositions: 16, layerNormEpsilon: 1e-5 },
      weightsBytes: statSync(weights()).size,
      dtypes: ['F32'],
      pinned: false,
      tokenizer: 'folder',
    });
    const tensorBytes = [...(await openGpt2Weights(weights(), model.config)).tensors.values()].reduce((sum, t) => sum + t.end - t.begin, 0);
    assert.deepEqual(progress.at(-1), { ...progress.at(-1)!, phase: 'check', bytes: tensorBytes, total: tensorBytes });
  });

  it("falls back to GPT-2's bundled tokenizer, and rejects a folder tokenizer that cannot be read", async () => {
    rmSync(join(dir, 'tokenizer.json'));
    assert.equal((await importModelFolder(dir)).tokenizer, 'bundled');
    writeFileSync(join(dir, 'tokenizer.json'), '{"model": 1}');
    assert.match(await folderError(dir), /tokenizer\.json cannot be read \(.+\); delete it to use GPT-2's own tokenizer$/);
  });

  it('names a missing folder, config.json or model.safetensors', async () => {
    assert.match(await folderError(join(dir, 'nowhere')), /nowhere is not a folder that can be read$/);
    rmSync(join(dir, 'config.json'));
    assert.match(await folderError(dir), /has no config\.json; copy GPT-2's config\.json next to model\.safetensors, or download the model$/);
    cpSync(join(pristine, 'config.json'), join(dir, 'config.json'));
    rmSync(weights());
    assert.match(await folderError(dir), /has no model\.safetensors; put GPT-2's model\.safetensors and config\.json in it/);
  });

  it('recognises an unfinished download and weights in another format', async () => {
    rmSync(weights());
    writeFileSync(join(dir, 'pytorch_model.bin'), 'not read');
    assert.match(await folderError(dir), /has pytorch_model\.bin but no model\.safetensors; GPT-2 Explorer reads only safetensors/);
    writeFileSync(join(dir, 'model.safetensors.part'), Buffer.alloc(312_000));
    assert.match(await folderError(dir), /download into .+ is not finished \(312 kB of 548 MB\); run GPT-2: Download Model again to resume$/);
  });

  it('passes on the config check, naming the key', async () => {
    editConfig((config) => (config.n_head = 3));
    assert.match(await folderError(dir), /config\.json: n_embd \(8\) must be a multiple of n_head \(3\); fix config\.json or download the model$/);
  });

  it('rejects a truncated file and a tensor whose shape the config contradicts', async () => {
    editConfig((config) => (config.n_positions = 32));
    assert.match(await folderError(dir), /tensor wpe\.weight has shape \[16, 8\], expected \[32, 8\] from config\.json; the file is damaged or does not match config\.json/);
    cpSync(join(pristine, 'config.json'), join(dir, 'config.json'));
    truncateSync(weights(), statSync(weights()).size - 1000);
    assert.match(await folderError(dir), /truncated: tensor .+ ends at byte \d+, the file has \d+ bytes/);
  });

  it('finds a NaN hidden in a tensor', async () => {
    const entry = (await readSafetensorsHeader(weights())).tensors.get('h.0.mlp.c_fc.weight')!;
    const nan = Buffer.alloc(4);
    nan.writeFloatLE(NaN);
    const file = openSync(weights(), 'r+');
    writeSync(file, nan, 0, 4, entry.begin + 5 * 4);
    closeSync(file);
    assert.match(await folderError(dir), /tensor h\.0\.mlp\.c_fc\.weight holds NaN at index 5; the file is damaged: download the model again$/);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(importModelFolder(dir, { signal: controller.signal }));
    assert.equal(error.name, 'AbortError');
  });

  it('finds the first usable folder and says why the others were passed over', async () => {
    const partial = join(scratch, 'partial');
    mkdirSync(partial, { recursive: true });
    cpSync(join(pristine, 'config.json'), join(partial, 'config.json'));
    const found = await findModel([join(scratch, 'absent'), partial, dir, pristine]);
    assert.equal(found.dir, dir);
    assert.equal(found.config?.nLayer, 1);
    assert.equal(found.problems.length, 2);
    assert.match(found.problems[0], /absent is not a folder/);
    assert.match(found.problems[1], /partial has no model\.safetensors/);
    assert.deepEqual(await findModel([join(scratch, 'absent')]), { problems: [`${join(scratch, 'absent')} is not a folder that can be read`] });
  });
});

// OpenAI's real file, when present (same convention as real-gpt2.test.ts, which checks its values).
const realDir = REAL_GPT2_DIR ?? '';
const realPresent = REAL_GPT2_DIR !== undefined;

describe(realPresent ? `model store: real GPT-2 small in ${realDir}` : `model store: real GPT-2 small — ${NO_REAL_WEIGHTS}`, () => {
  before(function () {
    if (!realPresent) this.skip();
  });

  it('imports it and recognises the pinned file by its sha256', async function () {
    this.timeout(600_000);
    const model = await importModelFolder(realDir);
    assert.deepEqual(model.config, GPT2_SMALL_CONFIG);
    assert.equal(model.weightsBytes, GPT2_SMALL_WEIGHTS.size);
    assert.equal(model.pinned, true, `${realDir}/model.safetensors is not the file of revision ${GPT2_SMALL.revision}`);
  });
});
