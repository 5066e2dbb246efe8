// Writes a safetensors file (https://huggingface.co/docs/safetensors): an 8-byte little-endian header
// length, the JSON header (every tensor's dtype, shape and byte range; string metadata under
// "__metadata__"), padded with spaces so the data starts 8-byte aligned, then the tensors' bytes in
// order. Each tensor's bytes come in chunks, so a file larger than memory can be written.
import { open, rename, rm } from 'node:fs/promises';

export type WrittenDtype = 'F32' | 'F16' | 'BF16';
const BYTES: Record<WrittenDtype, number> = { F32: 4, F16: 2, BF16: 2 };

export interface TensorToWrite {
  name: string;
  dtype: WrittenDtype;
  shape: number[];
  /** The tensor's bytes, row-major, little-endian, in as many chunks as suits the writer. */
  chunks: () => AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

export async function writeSafetensors(file: string, tensors: TensorToWrite[], metadata: Record<string, string>): Promise<void> {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const t of tensors) {
    const bytes = t.shape.reduce((a, b) => a * b, 1) * BYTES[t.dtype];
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  header.__metadata__ = metadata;
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, ' ')]);
  // Written beside it, then moved in place: a failure midway leaves the file that was there, not half of a new one.
  const partial = `${file}.partial`;
  const handle = await open(partial, 'w');
  let complete = false;
  try {
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(padded.length));
    await handle.write(length);
    await handle.write(padded);
    for (const t of tensors) {
      let written = 0;
      for await (const chunk of t.chunks()) written += (await handle.write(chunk)).bytesWritten;
      const [begin, end] = (header[t.name] as { data_offsets: number[] }).data_offsets;
      if (written !== end - begin) throw new Error(`safetensors: ${t.name} gave ${written} bytes, its shape needs ${end - begin}`);
    }
    complete = true;
  } finally {
    await handle.close();
    if (complete) await rename(partial, file);
    else await rm(partial, { force: true });
  }
}

/** float32 values as the bytes of an F32 tensor (every platform ORT runs on is little-endian). */
export function f32Bytes(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}
