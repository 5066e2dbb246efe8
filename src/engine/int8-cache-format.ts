// The 8-bit weights cache's file format (int8-cache.ts writes and reads it, int8-sweep.ts tells ours from what is
// stale): the matrices, then [header JSON][u32 LE header length][MAGIC], and the names such files have.
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

/** The format's version: in the trailer's magic and in the header's key. */
export const INT8_CACHE_VERSION = 2; // 2: the header names its weights file (int8-sweep.ts reads it)
const MAGIC = Buffer.from(`GPT2Q8v${INT8_CACHE_VERSION}`);
const TRAILER = 4 + MAGIC.length;

export interface Int8CacheHeader {
  key: Record<string, number>; // the weights file's size, mtime and inode, and the quantization's settings
  digests: string[]; // per matrix, in file order: sha256 of B then scales
  file: string; // the weights file's real path (what the file is named by)
  device?: number; // the weights file's st_dev: is its file system mounted? (int8-sweep.ts; written since 0.1.0)
}

/** The cache file's name for a weights file: its real path, hashed (the weights' own name says nothing in the Hugging Face cache). */
export const int8CacheName = (weightsFile: string) => `${createHash('sha256').update(weightsFile).digest('hex').slice(0, 24)}.int8`;

/** The names of ours in a cache folder: a finished cache, and one being written (`<name>.<pid>-<random>.partial`). */
export const INT8_CACHE_FILE = /^[0-9a-f]{24}\.int8$/;
export const INT8_PARTIAL_FILE = /^[0-9a-f]{24}\.int8\.(\d+)-[0-9a-f]{8}\.partial$/;

/** The bytes after the matrices: the header, its length and the magic. */
export function int8Trailer(header: Int8CacheHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  return Buffer.concat([json, length, MAGIC]);
}

/** A cache file's header, read back from its trailer (this format's only), and where its matrices end; undefined when it has none. */
export async function readInt8CacheHeader(handle: FileHandle): Promise<{ header: Int8CacheHeader; dataBytes: number } | undefined> {
  const { size } = await handle.stat();
  if (size < TRAILER) return undefined;
  const trailer = Buffer.alloc(TRAILER);
  await handle.read(trailer, 0, TRAILER, size - TRAILER);
  const length = trailer.readUInt32LE(0);
  if (!trailer.subarray(4).equals(MAGIC) || length + TRAILER > size) return undefined;
  const text = Buffer.alloc(length);
  await handle.read(text, 0, length, size - TRAILER - length);
  const header = JSON.parse(text.toString('utf8')) as Int8CacheHeader;
  const sound = typeof header?.key === 'object' && Array.isArray(header.digests) && typeof header.file === 'string';
  return sound ? { header, dataBytes: size - TRAILER - length } : undefined;
}
