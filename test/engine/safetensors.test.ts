// The safetensors reader and the GPT-2 weight check: good files are read exactly, broken ones are
// rejected with a message that names the file, the tensor, and what was expected.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGpt2Config } from '../../src/engine/config';
import { checkGpt2Folder, openGpt2Weights } from '../../src/engine/gpt2-weights';
import { bfloat16ToFloat, floatToBfloat16, floatToHalf, halfToFloat, readSafetensorsHeader, readTensorAsFloat32, readTensorRowsAsFloat32 } from '../../src/engine/safetensors';
import { loadReferenceModel } from './reference';
import { testModel, TINY } from './models';

type Header = Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;

/** Splits a safetensors file into its JSON header and its data. */
async function parts(file: string): Promise<{ header: Header; data: Buffer }> {
  const bytes = await readFile(file);
  const length = Number(bytes.readBigUInt64LE(0));
  return { header: JSON.parse(bytes.subarray(8, 8 + length).toString('utf8')), data: bytes.subarray(8 + length) };
}

async function writeParts(file: string, header: unknown, data: Buffer): Promise<void> {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  await writeFile(file, Buffer.concat([length, json, data]));
}

describe('safetensors reader', function () {
  let source: string; // a tiny generated model folder
  let scratch: string; // broken copies go here

  before(async function () {
    source = await testModel(TINY);
    scratch = await mkdtemp(join(tmpdir(), 'gpt2-safetensors-'));
    await copyFile(join(source, 'config.json'), join(scratch, 'config.json'));
  });
  after(async () => rm(scratch, { recursive: true, force: true }));

  /** Writes a modified copy of the tiny model's weights and returns the path. */
  async function broken(edit: (header: Header, data: Buffer) => { header?: unknown; data?: Buffer } | void): Promise<string> {
    const { header, data } = await parts(join(source, 'model.safetensors'));
    const changed = edit(header, data) ?? {};
    const file = join(scratch, 'model.safetensors');
    await writeParts(file, changed.header ?? header, changed.data ?? data);
    return file;
  }

  async function rejects(file: string, message: RegExp): Promise<void> {
    const config = await readGpt2Config(scratch);
    await assert.rejects(openGpt2Weights(file, config), (error: Error) => {
      assert.match(error.message, message);
      assert.ok(error.message.includes(file), `the message names the file: ${error.message}`);
      return true;
    });
  }

  it('reads every tensor of a generated model exactly as written, and lists the skipped attn.bias buffers', async function () {
    const file = join(source, 'model.safetensors');
    const header = await readSafetensorsHeader(file);
    const weights = await openGpt2Weights(file, await readGpt2Config(source));
    assert.ok(header.tensors.has('h.0.attn.bias'));
    assert.ok(!weights.tensors.has('h.0.attn.bias'));
    assert.equal(weights.tensors.size, 2 + 12 * TINY.nLayer! + 2);
    const checked = await checkGpt2Folder(source); // what the model store calls on an imported folder
    assert.equal(checked.config.nLayer, TINY.nLayer);
    assert.deepEqual([...checked.weights.tensors.keys()], [...weights.tensors.keys()]);
    const independent = loadReferenceModel(source);
    for (const [name, entry] of weights.tensors) {
      assert.deepEqual(await readTensorAsFloat32(file, entry), independent.tensors.get(name), name);
    }
  });

  it('reads single rows of wte (F32, F16, BF16) as the reference decodes them, and names a row outside the tensor', async function () {
    for (const dtype of [undefined, 'f16', 'bf16'] as const) {
      const dir = await testModel({ ...TINY, ...(dtype ? { dtype } : {}) });
      const file = join(dir, 'model.safetensors');
      const entry = (await openGpt2Weights(file, await readGpt2Config(dir))).tensors.get('wte.weight')!;
      const wte = loadReferenceModel(dir).tensors.get('wte.weight')!;
      const d = TINY.nEmbd!;
      const rows = [50256, 0, 464, 464];
      const expected = Float32Array.from(rows.flatMap((row) => [...wte.subarray(row * d, (row + 1) * d)]));
      assert.deepEqual(await readTensorRowsAsFloat32(file, entry, rows), expected, dtype ?? 'f32');
      await assert.rejects(readTensorRowsAsFloat32(file, entry, [50257]), /tensor wte\.weight has no row 50257 \(0\.\.50256\)/);
    }
  });

  it('rejects a truncated file', async function () {
    const file = await broken((_, data) => ({ data: data.subarray(0, data.length - 100) }));
    await rejects(file, /truncated: tensor wte\.weight ends at byte \d+, the file has \d+ bytes/);
  });

  it('rejects a file shorter than its own header length', async function () {
    const file = join(scratch, 'model.safetensors');
    await writeFile(file, Buffer.from([255, 0, 0, 0, 0, 0, 0, 0, 123]));
    await rejects(file, /bad safetensors header: length 255 does not fit in the file \(9 bytes\)/);
  });

  it('rejects a header that is not JSON', async function () {
    const file = join(scratch, 'model.safetensors');
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(5n);
    await writeFile(file, Buffer.concat([length, Buffer.from('{oops')]));
    await rejects(file, /bad safetensors header: not JSON/);
  });

  it('rejects a wrong shape, saying what config.json expects', async function () {
    const file = await broken((header) => {
      header['h.1.mlp.c_fc.weight'].shape = [192, 48]; // transposed: same byte count
    });
    await rejects(file, /tensor h\.1\.mlp\.c_fc\.weight has shape \[192, 48\], expected \[48, 192\] from config\.json/);
  });

  it('names a dtype it cannot read (F8_E4M3, I32, one the format lacks), not the byte count it implies', async function () {
    const cannotRead = (dtype: string) => new RegExp(`tensor ln_f\\.bias has dtype ${dtype}, which GPT-2 Explorer cannot read \\(F32, F16, BF16\\)$`);
    for (const dtype of ['F8_E4M3', 'I32', 'F128']) {
      await rejects(await broken((header) => void (header['ln_f.bias'].dtype = dtype)), cannotRead(dtype)); // data_offsets still span 48 F32 values
    }
    await rejects(
      await broken((header) => {
        const [begin] = header['ln_f.bias'].data_offsets;
        header['ln_f.bias'] = { dtype: 'F8_E4M3', shape: [48], data_offsets: [begin, begin + 48] }; // its own size: one byte a value
      }),
      cannotRead('F8_E4M3'),
    );
  });

  it('skips a buffer of a dtype it cannot read (a BOOL causal mask), as it skips the F32 ones', async function () {
    const file = await broken((header) => void (header['h.0.attn.bias'].dtype = 'BOOL'));
    const weights = await openGpt2Weights(file, await readGpt2Config(scratch));
    assert.equal(weights.tensors.has('h.0.attn.bias'), false);
    const mask = (await readSafetensorsHeader(file)).tensors.get('h.0.attn.bias')!;
    await assert.rejects(readTensorAsFloat32(file, mask), /tensor h\.0\.attn\.bias has dtype BOOL, which GPT-2 Explorer cannot read \(F32, F16, BF16\)/);
  });

  it('rejects a missing tensor and an unexpected one', async function () {
    await rejects(await broken((header) => void delete header['h.1.ln_2.bias']), /missing tensor h\.1\.ln_2\.bias$/);
    await rejects(
      await broken((header, data) => {
        header['h.7.ln_2.bias'] = { dtype: 'F32', shape: [48], data_offsets: [data.length, data.length + 192] };
        return { data: Buffer.concat([data, Buffer.alloc(192)]) };
      }),
      /unexpected tensor h\.7\.ln_2\.bias \(not part of a GPT-2 with 2 layers\)/,
    );
  });

  it('rejects overlapping and out-of-range offsets, and a size that does not match the shape', async function () {
    await rejects(
      await broken((header) => void (header['ln_f.bias'].data_offsets = [...header['ln_f.weight'].data_offsets])),
      /tensors ln_f\.(bias|weight) and ln_f\.(bias|weight) overlap/,
    );
    await rejects(
      await broken((header) => void (header['ln_f.bias'].data_offsets = [1e12, 1e12 + 192])),
      /truncated: tensor ln_f\.bias ends at byte/,
    );
    await rejects(
      await broken((header) => void (header['ln_f.bias'].data_offsets[1] += 4)),
      /tensor ln_f\.bias: F32 \[48\] needs 192 bytes, data_offsets span 196/,
    );
  });

  it('rejects a missing file and a config.json that does not describe GPT-2', async function () {
    await rejects(join(scratch, 'nothing.safetensors'), /not found/);
    const folder = await mkdtemp(join(tmpdir(), 'gpt2-config-'));
    try {
      await assert.rejects(readGpt2Config(folder), /no config\.json here/);
      await assert.rejects(checkGpt2Folder(folder), /no config\.json here/);
      await writeFile(join(folder, 'config.json'), JSON.stringify({ model_type: 'gpt2', n_layer: 2, n_head: 5, n_embd: 48, vocab_size: 10, n_positions: 8 }));
      await assert.rejects(readGpt2Config(folder), /n_embd \(48\) must be a multiple of n_head \(5\)/);
      await writeFile(join(folder, 'config.json'), JSON.stringify({ model_type: 'llama' }));
      await assert.rejects(readGpt2Config(folder), /model_type is "llama", expected "gpt2"/);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('half and bfloat16 conversions', function () {
  it('round-trips exact values and rounds to nearest even', function () {
    assert.equal(floatToHalf(1), 0x3c00);
    assert.equal(floatToHalf(-2), 0xc000);
    assert.equal(floatToHalf(65504), 0x7bff);
    assert.equal(floatToHalf(1e6), 0x7c00); // overflow → Infinity
    assert.equal(floatToHalf(2 ** -24), 0x0001); // smallest subnormal
    assert.equal(floatToHalf(1 + 2 ** -11), 0x3c00); // a tie rounds to the even mantissa
    assert.equal(floatToHalf(1 + 3 * 2 ** -11), 0x3c02);
    for (const bits of [0x0000, 0x0001, 0x03ff, 0x3555, 0x7bff, 0xc000, 0xfbff]) assert.equal(floatToHalf(halfToFloat(bits)), bits);
    assert.equal(floatToBfloat16(1), 0x3f80);
    assert.equal(bfloat16ToFloat(0xc040), -3);
    for (const bits of [0x0001, 0x3f80, 0x4049, 0x7f7f, 0xbf81]) assert.equal(floatToBfloat16(bfloat16ToFloat(bits)), bits);
  });
});
