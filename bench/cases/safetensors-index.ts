// Where each tensor of a safetensors file sits, so graphs can point ORT at the file as external data
// (the weights then live in memory once, mapped from the file, instead of copied into the model).
import { openSync, readSync, closeSync } from 'node:fs';

export interface TensorLocation {
  shape: number[];
  offset: number; // bytes from the start of the file
  length: number; // bytes
}

export function readSafetensorsIndex(file: string): Map<string, TensorLocation> {
  const fd = openSync(file, 'r');
  try {
    const lengthBytes = Buffer.alloc(8);
    readSync(fd, lengthBytes, 0, 8, 0);
    const headerLength = Number(lengthBytes.readBigUInt64LE(0));
    const header = Buffer.alloc(headerLength);
    readSync(fd, header, 0, headerLength, 8);
    const entries = JSON.parse(header.toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    const index = new Map<string, TensorLocation>();
    for (const [name, entry] of Object.entries(entries)) {
      if (name === '__metadata__') continue;
      if (entry.dtype !== 'F32') throw new Error(`${name}: expected F32 weights, got ${entry.dtype}`);
      const [start, end] = entry.data_offsets;
      index.set(stripPrefix(name), { shape: entry.shape, offset: 8 + headerLength + start, length: end - start });
    }
    return index;
  } finally {
    closeSync(fd);
  }
}

/** Hugging Face files name tensors "h.0…" or "transformer.h.0…" depending on the export. */
function stripPrefix(name: string): string {
  return name.startsWith('transformer.') ? name.slice('transformer.'.length) : name;
}
