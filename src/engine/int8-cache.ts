// The 8-bit weights of a model, kept between loads: quantizing gpt2-xl's 1.5 G weights takes minutes on a
// busy machine, reading them back a few seconds. One file per weights file, in a folder of the caller's
// (the extension's storage; never the model's folder: a Hugging Face snapshot is not ours to write),
// named by the weights file's real path. It holds every matrix int8Matrices() lists, the lm_head's then the
// transformer's, each as MatMulNBits' B then its scales, and then a trailer:
//   [data][header JSON][u32 LE header length][MAGIC]
// The header says which weights file (size, mtime, inode) and which quantization (bits, block, shape) it
// was made from, and the SHA-256 of each matrix. A cache that does not match is stale, one whose trailer or
// a matrix does not check out is broken: either is rebuilt from the weights. It is written to a temporary
// file beside it and renamed over it when complete, so a crash or a second window never leaves half a file.
// Once a new one is in place, the folder's other files of ours that no load can use again are removed
// (int8-sweep.ts): those whose weights file is gone or changed, of an older format, or partial and left by a
// process that ended. Another model's sound cache stays: switching back to it must not quantize again.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { INT8, int8Matrices, type Matrix, type QuantizedSource } from './graph';
import type { Gpt2Weights } from './gpt2-weights';
import { quantize, type Quantized } from './quantize';
import { INT8_CACHE_VERSION, int8CacheName, int8Trailer, readInt8CacheHeader, type Int8CacheHeader } from './int8-cache-format';
import { removeStaleCaches } from './int8-sweep';
import { readTensorAsFloat32 } from './safetensors';
import type { Gpt2Config } from './types';


export type Graph = 'lmHead' | 'transformer';
/** Weights quantized so far of all there are to quantize: told after each matrix quantized (not when read from the cache). */
export type QuantizeProgress = (done: number, total: number) => void;


interface Slot extends Matrix {
  graph: Graph;
  offset: number; // of B; its scales follow
  blobBytes: number;
  scaleBytes: number;
}


/**
 * Where one load's 8-bit matrices come from: the cache when it is sound and this weights file's, else
 * quantized from the weights (and written to a new cache when there is a folder for it). Call matrices()
 * per graph, then finish() (or abandon() when the load fails).
 */
export class Int8Store {
  private done = 0;
  private readonly total: number;
  private writer: { handle: FileHandle; temp: string; digests: string[] } | undefined;
  private writing = false; // a new cache was begun (it may have failed since)

  private constructor(
    private readonly weights: Gpt2Weights,
    private readonly slots: Slot[],
    private readonly key: Record<string, number>,
    private readonly path: string | undefined,
    private reader: { handle: FileHandle; digests: string[] } | undefined,
    private readonly onProgress: QuantizeProgress | undefined,
    private readonly log: (message: string) => void,
  ) {
    this.total = slots.reduce((sum, slot) => sum + slot.K * slot.N, 0);
  }

  static async open(weights: Gpt2Weights, config: Gpt2Config, cacheDir: string | undefined, onProgress?: QuantizeProgress, log: (message: string) => void = () => {}): Promise<Int8Store> {
    const slots = layout(config);
    const file = await stat(weights.file);
    const key = { version: INT8_CACHE_VERSION, size: file.size, mtimeMs: file.mtimeMs, ino: file.ino, bits: INT8.bits, block: INT8.block, nLayer: config.nLayer, nEmbd: config.nEmbd, vocabSize: config.vocabSize };
    const path = cacheDir === undefined ? undefined : join(cacheDir, int8CacheName(weights.file));
    const reader = path === undefined ? undefined : await openCache(path, key, slots, log);
    return new Int8Store(weights, slots, key, path, reader, onProgress, log);
  }

  /** True when this load reads the cache (so far: a matrix that fails its check turns it into a rebuild). */
  get fromCache(): boolean {
    return this.reader !== undefined;
  }

  /** One graph's matrices, each read from the cache or quantized (a float32 copy of one matrix at most is held). */
  async matrices(graph: Graph): Promise<QuantizedSource> {
    const quantized = new Map<string, Quantized>();
    for (const [index, slot] of this.slots.entries()) {
      if (slot.graph === graph) quantized.set(slot.name, await this.matrix(index));
    }
    return (name) => {
      const matrix = quantized.get(name);
      if (matrix === undefined) throw new Error(`graph: ${name} was not quantized`);
      return matrix;
    };
  }

  /** Completes the new cache, if one is being written: its trailer, then renamed into place. */
  async finish(): Promise<void> {
    await this.reader?.handle.close();
    this.reader = undefined;
    const writer = this.writer;
    this.writer = undefined;
    if (!writer || !this.path) return;
    try {
      const { dev: device } = await stat(this.weights.file);
      const trailer = int8Trailer({ key: this.key, digests: writer.digests, file: this.weights.file, device });
      await writer.handle.write(trailer, 0, trailer.length, dataBytes(this.slots));
      await writer.handle.sync();
      await writer.handle.close();
      await rename(writer.temp, this.path);
    } catch (error) {
      return this.notKept(writer, error);
    }
    const removed = await removeStaleCaches(dirname(this.path), basename(this.path));
    if (removed > 0) this.log(`removed ${removed} 8-bit weights file${removed === 1 ? '' : 's'} no load can use any more from ${dirname(this.path)}`);
  }

  /** The load failed: nothing is kept of a cache being written. */
  async abandon(): Promise<void> {
    await this.reader?.handle.close().catch(() => {});
    this.reader = undefined;
    const writer = this.writer;
    this.writer = undefined;
    if (writer) await discard(writer);
  }

  private async matrix(index: number): Promise<Quantized> {
    if (this.reader) {
      const read = await readSlot(this.reader, this.slots[index], index).catch(() => undefined);
      if (read) return read;
      this.log(`the 8-bit weights in ${this.path} are damaged: quantizing them again`);
      await this.rebuild(index);
    }
    if (!this.writing && this.path) await this.startWriting();
    const slot = this.slots[index];
    const entry = this.weights.tensors.get(slot.name);
    if (entry === undefined) throw new Error(`${this.weights.file}: missing tensor ${slot.name}`);
    const quantized = quantize(await readTensorAsFloat32(this.weights.file, entry), slot.K, slot.N, slot.layout, INT8);
    await this.keep(index, quantized);
    this.done += slot.K * slot.N;
    this.onProgress?.(this.done, this.total);
    return quantized;
  }

  /** A matrix failed its check: the cache is written anew, those before it (already handed out) quantized again for it. */
  private async rebuild(index: number): Promise<void> {
    await this.reader!.handle.close().catch(() => {});
    this.reader = undefined;
    for (let i = 0; i < index; i++) await this.matrix(i);
  }

  private async startWriting(): Promise<void> {
    this.writing = true;
    try {
      await mkdir(join(this.path!, '..'), { recursive: true });
      const temp = `${this.path}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
      this.writer = { handle: await open(temp, 'w'), temp, digests: [] };
    } catch (error) {
      this.log(`the 8-bit weights cannot be kept in ${this.path} (${(error as Error).message}): quantizing without a cache`);
    }
  }

  /** Writes a matrix into the new cache; a write that fails drops the cache, not the load. */
  private async keep(index: number, { blob, scales }: Quantized): Promise<void> {
    const writer = this.writer;
    if (!writer) return;
    const slot = this.slots[index];
    try {
      await writer.handle.write(blob, 0, blob.length, slot.offset);
      await writer.handle.write(new Uint8Array(scales.buffer, scales.byteOffset, scales.byteLength), 0, scales.byteLength, slot.offset + slot.blobBytes);
      writer.digests[index] = digest(blob, scales);
    } catch (error) {
      this.writer = undefined;
      await this.notKept(writer, error);
    }
  }

  /** A write of the new cache failed: said, and the partial file removed; the load goes on without it. */
  private async notKept(writer: { handle: FileHandle; temp: string }, error: unknown): Promise<void> {
    this.log(`the 8-bit weights could not be kept in ${this.path} (${(error as Error).message}); they will be quantized again next time`);
    await discard(writer);
  }
}

/** Closes a cache being written and removes its partial file. */
async function discard(writer: { handle: FileHandle; temp: string }): Promise<void> {
  await writer.handle.close().catch(() => {});
  await rm(writer.temp, { force: true });
}

/** Where each matrix lies in the file: the lm_head's first, as the model loads them. */
function layout(config: Gpt2Config): Slot[] {
  let offset = 0;
  return (['lmHead', 'transformer'] as const).flatMap((graph) =>
    int8Matrices(config, graph).map((matrix) => {
      const blobBytes = (matrix.N * matrix.K * INT8.bits) / 8;
      const scaleBytes = (matrix.N * matrix.K * 4) / INT8.block;
      const slot = { ...matrix, graph, offset, blobBytes, scaleBytes };
      offset += blobBytes + scaleBytes;
      return slot;
    }),
  );
}

/** Where the matrices end and the header begins. */
function dataBytes(slots: Slot[]): number {
  const last = slots.at(-1);
  return last === undefined ? 0 : last.offset + last.blobBytes + last.scaleBytes;
}

/** The cache at `path`, open for reading, when it is there, whole and made from these weights with these settings. */
async function openCache(path: string, key: Record<string, number>, slots: Slot[], log: (message: string) => void): Promise<{ handle: FileHandle; digests: string[] } | undefined> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return undefined;
  const header = await readHeader(handle, slots).catch(() => undefined);
  const stale = header && Object.keys(key).some((name) => header.key[name] !== key[name]);
  if (header && !stale) return { handle, digests: header.digests };
  await handle.close();
  log(header ? `the 8-bit weights in ${path} are of another file or setting: quantizing them again` : `the 8-bit weights in ${path} are unreadable: quantizing them again`);
  return undefined;
}

async function readHeader(handle: FileHandle, slots: Slot[]): Promise<Int8CacheHeader | undefined> {
  const read = await readInt8CacheHeader(handle);
  const sound = read && read.dataBytes === dataBytes(slots) && read.header.digests.length === slots.length;
  return sound ? read.header : undefined;
}


/** One matrix from the cache, or undefined when it is cut short or its digest does not match. */
async function readSlot(reader: { handle: FileHandle; digests: string[] }, slot: Slot, index: number): Promise<Quantized | undefined> {
  const blob = new Uint8Array(slot.blobBytes);
  const scales = new Float32Array(slot.scaleBytes / 4);
  const a = await reader.handle.read(blob, 0, blob.length, slot.offset);
  const b = await reader.handle.read(new Uint8Array(scales.buffer), 0, slot.scaleBytes, slot.offset + slot.blobBytes);
  if (a.bytesRead !== blob.length || b.bytesRead !== slot.scaleBytes) return undefined;
  return digest(blob, scales) === reader.digests[index] ? { blob, scales } : undefined;
}

function digest(blob: Uint8Array, scales: Float32Array): string {
  return createHash('sha256').update(blob).update(new Uint8Array(scales.buffer, scales.byteOffset, scales.byteLength)).digest('hex');
}
