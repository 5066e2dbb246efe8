// A VSIX is a zip. This reads one with Node alone (no `unzip` on every machine, no dependency): the central
// directory lists the entries, each entry's data is stored or deflated. Enough for what vsce writes
// (no zip64, no encryption); anything else is refused, not misread.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  size: number; // uncompressed bytes
  compressedSize: number;
  data(): Buffer;
}

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

export async function readZip(file: string): Promise<ZipEntry[]> {
  return zipEntries(await readFile(file), file);
}

/** The entries of the zip held in `zip`; `file` names it in errors. */
export function zipEntries(zip: Buffer, file = 'the zip'): ZipEntry[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0 || zip.readUInt32LE(end) !== END_OF_DIRECTORY) throw new Error(`${file} is not a zip`);
  const count = zip.readUInt16LE(end + 10);
  const entries: ZipEntry[] = [];
  for (let at = zip.readUInt32LE(end + 16), i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== DIRECTORY_ENTRY) throw new Error(`${file}: bad central directory entry ${i}`);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    if (method !== 0 && method !== 8) throw new Error(`${file}: ${name} uses compression method ${method}`);
    const data = () => {
      if (zip.readUInt32LE(local) !== LOCAL_HEADER) throw new Error(`${file}: bad local header for ${name}`);
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const raw = zip.subarray(start, start + compressedSize);
      return method === 0 ? raw : inflateRawSync(raw);
    };
    entries.push({ name, size, compressedSize, data });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}

/** Writes every entry under `dir`; a name that would land outside it is refused. */
export async function unzip(file: string, dir: string): Promise<void> {
  for (const entry of await readZip(file)) {
    if (entry.name.endsWith('/')) continue;
    const target = resolve(dir, entry.name);
    if (!target.startsWith(resolve(dir) + sep)) throw new Error(`${file}: ${entry.name} points outside`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, entry.data());
  }
}
