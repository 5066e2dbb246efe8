// Reading a safetensors file: an 8-byte little-endian header length, a JSON header mapping each
// tensor name to {dtype, shape, data_offsets: [begin, end]} (relative to the end of the header),
// then the raw little-endian data. Every check names the file and the tensor.
//
// Only F32, F16 and BF16 can be read. A tensor of any other dtype (F8_E4M3, I64, …) is listed with
// its offsets checked, so a buffer the model skips may have it; reading it, or needing it as a
// weight, fails with an error that names the dtype (its byte count would only say the dtype is odd).
import { open, stat } from 'node:fs/promises';

/** The float dtypes a model tensor may have, with their byte sizes. */
const FLOAT_BYTES = { F32: 4, F16: 2, BF16: 2 } as const;
const MAX_HEADER_BYTES = 100 * 1024 * 1024; // the format's own limit
const scratch = new DataView(new ArrayBuffer(4)); // float32 ↔ bits

export type FloatDtype = keyof typeof FLOAT_BYTES;

export function isFloatDtype(dtype: string): dtype is FloatDtype {
  return Object.hasOwn(FLOAT_BYTES, dtype);
}

/** The error for a tensor whose dtype cannot be read, naming that dtype. */
export function unreadableDtype(file: string, name: string, dtype: string): Error {
  return new Error(`${file}: tensor ${name} has dtype ${dtype.slice(0, 40)}, which GPT-2 Explorer cannot read (${Object.keys(FLOAT_BYTES).join(', ')})`);
}

/** One tensor of the file; `begin`/`end` are absolute byte positions in the file. */
export interface TensorEntry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  file: string;
  fileSize: number;
  dataStart: number; // 8 + header length
  tensors: Map<string, TensorEntry>;
}

/** Reads and checks the header: JSON, dtypes, shapes, sizes, offsets in range and not overlapping. */
export async function readSafetensorsHeader(file: string): Promise<SafetensorsHeader> {
  const fileSize = await stat(file).then(
    (stats) => stats.size,
    () => Promise.reject(new Error(`${file}: not found (the model's weights should be in this file)`)),
  );
  if (fileSize < 8) throw new Error(`${file}: truncated safetensors file (${fileSize} bytes, no header length)`);
  const handle = await open(file, 'r');
  try {
    const lengthBytes = Buffer.alloc(8);
    await handle.read(lengthBytes, 0, 8, 0);
    const headerLength = Number(lengthBytes.readBigUInt64LE(0));
    if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > fileSize) {
      throw new Error(`${file}: bad safetensors header: length ${headerLength} does not fit in the file (${fileSize} bytes)`);
    }
    const headerBytes = Buffer.alloc(headerLength);
    await handle.read(headerBytes, 0, headerLength, 8);
    const dataStart = 8 + headerLength;
    const tensors = parseHeader(headerBytes.toString('utf8'), file, dataStart);
    checkOffsets([...tensors.values()], file, fileSize);
    return { file, fileSize, dataStart, tensors };
  } finally {
    await handle.close();
  }
}

/** The tensor's values as float32: F32 read as is, F16 and BF16 widened. */
export async function readTensorAsFloat32(file: string, entry: TensorEntry): Promise<Float32Array> {
  if (!isFloatDtype(entry.dtype)) throw unreadableDtype(file, entry.name, entry.dtype);
  const length = entry.end - entry.begin;
  // F32 straight into an aligned array (no second copy); F16/BF16 into bytes that toFloat32 widens
  const f32 = entry.dtype === 'F32' && length % 4 === 0 ? new Float32Array(length / 4) : undefined;
  const bytes = f32 ? new Uint8Array(f32.buffer) : Buffer.alloc(length);
  const handle = await open(file, 'r');
  try {
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, entry.begin);
    if (bytesRead !== bytes.length) throw new Error(`${file}: tensor ${entry.name} is cut short (file changed while reading?)`);
  } finally {
    await handle.close();
  }
  return f32 ?? toFloat32(bytes, entry, file);
}

/**
 * Some rows of a 2-D tensor [rows, width] as float32 [rows.length, width], read straight from the file
 * (a few KB for the patch readout's two unembedding rows, not the whole 147 MiB wte).
 */
export async function readTensorRowsAsFloat32(file: string, entry: TensorEntry, rows: number[]): Promise<Float32Array> {
  if (!isFloatDtype(entry.dtype)) throw unreadableDtype(file, entry.name, entry.dtype);
  if (entry.shape.length !== 2) throw new Error(`${file}: tensor ${entry.name} is not a matrix`);
  const [count, width] = entry.shape;
  const bad = rows.find((row) => !Number.isInteger(row) || row < 0 || row >= count);
  if (bad !== undefined) throw new RangeError(`${file}: tensor ${entry.name} has no row ${bad} (0..${count - 1})`);
  const rowBytes = width * FLOAT_BYTES[entry.dtype];
  const bytes = Buffer.alloc(rows.length * rowBytes);
  const handle = await open(file, 'r');
  try {
    for (const [i, row] of rows.entries()) {
      const { bytesRead } = await handle.read(bytes, i * rowBytes, rowBytes, entry.begin + row * rowBytes);
      if (bytesRead !== rowBytes) throw new Error(`${file}: tensor ${entry.name} is cut short (file changed while reading?)`);
    }
  } finally {
    await handle.close();
  }
  return toFloat32(bytes, entry, file);
}

/** Decodes little-endian F32, F16 or BF16 bytes. */
export function toFloat32(bytes: Uint8Array, entry: Pick<TensorEntry, 'name' | 'dtype'>, file: string): Float32Array {
  const aligned = Uint8Array.prototype.slice.call(bytes).buffer; // a copy, so typed-array views line up (little-endian host)
  if (entry.dtype === 'F32') return new Float32Array(aligned);
  const halves = new Uint16Array(aligned);
  if (entry.dtype === 'F16') {
    const table = halfTable();
    const out = new Float32Array(halves.length);
    for (let i = 0; i < halves.length; i++) out[i] = table[halves[i]];
    return out;
  }
  if (entry.dtype === 'BF16') {
    const out = new Uint32Array(halves.length);
    for (let i = 0; i < halves.length; i++) out[i] = halves[i] << 16; // bfloat16 is the top half of a float32
    return new Float32Array(out.buffer);
  }
  throw unreadableDtype(file, entry.name, entry.dtype);
}

let halfValues: Float32Array | undefined;

/** Every binary16 value as float32, indexed by its bits (256 KB, built once). */
function halfTable(): Float32Array {
  halfValues ??= Float32Array.from({ length: 65536 }, (_, bits) => halfToFloat(bits));
  return halfValues;
}

/** IEEE 754 binary16 → number. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // subnormal
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** bfloat16 is the top half of a float32. */
export function bfloat16ToFloat(bits: number): number {
  scratch.setUint32(0, (bits << 16) >>> 0, true);
  return scratch.getFloat32(0, true);
}

/** number → IEEE 754 binary16 bits, rounded to nearest even. */
export function floatToHalf(value: number): number {
  scratch.setFloat32(0, value, true);
  const bits = scratch.getUint32(0, true);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  const mantissa = bits & 0x7fffff;
  if (Number.isNaN(value)) return 0x7e00;
  if (exponent >= 0x1f) return sign | 0x7c00; // overflow → ±Infinity
  if (exponent <= 0) {
    if (exponent < -10) return sign; // underflow → ±0
    const shifted = (mantissa | 0x800000) >>> (1 - exponent); // subnormal, 13 bits too many
    return sign | roundShift(shifted, 13);
  }
  return sign | ((exponent << 10) + roundShift(mantissa, 13)); // a carry rolls into the exponent
}

/** number → bfloat16 bits (the top half of its float32), rounded to nearest even. */
export function floatToBfloat16(value: number): number {
  if (Number.isNaN(value)) return 0x7fc0;
  scratch.setFloat32(0, value, true);
  return roundShift(scratch.getUint32(0, true), 16) & 0xffff;
}

/** x >>> shift, rounded to nearest, ties to even. */
function roundShift(x: number, shift: number): number {
  const kept = Math.floor(x / 2 ** shift);
  const rest = x - kept * 2 ** shift;
  const half = 2 ** (shift - 1);
  return rest > half || (rest === half && kept % 2 === 1) ? kept + 1 : kept;
}

function parseHeader(text: string, file: string, dataStart: number): Map<string, TensorEntry> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: bad safetensors header: not JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`${file}: bad safetensors header: not a JSON object`);
  const tensors = new Map<string, TensorEntry>();
  for (const [name, value] of Object.entries(json)) {
    if (name === '__metadata__') continue;
    tensors.set(name, parseEntry(name, value, file, dataStart));
  }
  return tensors;
}

function parseEntry(name: string, value: unknown, file: string, dataStart: number): TensorEntry {
  const { dtype, shape, data_offsets: offsets } = (value ?? {}) as Record<string, unknown>;
  const where = `${file}: tensor ${name}`;
  if (typeof dtype !== 'string') throw new Error(`${where}: bad dtype ${JSON.stringify(dtype)?.slice(0, 40)}`);
  if (!Array.isArray(shape) || !shape.every(isCount)) throw new Error(`${where}: bad shape ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    throw new Error(`${where}: bad data_offsets ${JSON.stringify(offsets)}`);
  }
  // Only a dtype we can read has a size to check; any other fails by its name when it is read.
  const expectedBytes = isFloatDtype(dtype) ? shape.reduce((a: number, b: number) => a * b, 1) * FLOAT_BYTES[dtype] : undefined;
  if (expectedBytes !== undefined && offsets[1] - offsets[0] !== expectedBytes) {
    throw new Error(`${where}: ${dtype} [${shape.join(', ')}] needs ${expectedBytes} bytes, data_offsets span ${offsets[1] - offsets[0]}`);
  }
  return { name, dtype, shape, begin: dataStart + offsets[0], end: dataStart + offsets[1] };
}

function checkOffsets(entries: TensorEntry[], file: string, fileSize: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 0; i < sorted.length; i++) {
    const entry = sorted[i];
    if (entry.end > fileSize) {
      throw new Error(`${file}: truncated: tensor ${entry.name} ends at byte ${entry.end}, the file has ${fileSize} bytes`);
    }
    const previous = sorted[i - 1];
    if (previous !== undefined && entry.begin < previous.end) {
      throw new Error(`${file}: tensors ${previous.name} and ${entry.name} overlap (bytes ${entry.begin}..${previous.end})`);
    }
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
