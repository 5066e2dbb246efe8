// What of an 8-bit weights cache folder no load can use any more, removed once a new cache is in place
// (int8-cache.ts finish): only files named as ours (int8-cache-format.ts), only in that folder. A finished file is
// stale when it has no header of this format (an older format, or cut short), or when the weights file it was made
// from is gone or changed (its size, mtime or inode): its name is that file's path, hashed, so nothing would read it
// again. Gone means gone from its own file system: a weights file on a drive that is not mounted now (a USB disk,
// a network share) is not there either, but its cache is kept for when the drive is back. A partial file is stale when the process writing it has ended (a crash); a live one is another window's.
// Another model's sound cache stays. A file that cannot be checked or removed is left as it is.
import { lstat, open, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { INT8_CACHE_FILE, INT8_PARTIAL_FILE, INT8_CACHE_VERSION, int8CacheName, readInt8CacheHeader } from './int8-cache-format';

/** Removes the stale files of ours in `dir` but `keep` (the cache just written); resolves to how many it removed. */
export async function removeStaleCaches(dir: string, keep: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    if (name === keep || !(await isStale(join(dir, name), name))) continue;
    removed += await rm(join(dir, name)).then(() => 1, () => 0);
  }
  return removed;
}

async function isStale(path: string, name: string): Promise<boolean> {
  const partial = INT8_PARTIAL_FILE.exec(name);
  if (partial) return !alive(Number(partial[1]));
  if (!INT8_CACHE_FILE.test(name) || !(await lstat(path).catch(() => undefined))?.isFile()) return false;
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    const read = await readInt8CacheHeader(handle).catch(() => undefined);
    if (!read || read.header.key.version !== INT8_CACHE_VERSION || int8CacheName(read.header.file) !== name) return true;
    return !(await madeFrom(read.header.file, read.header.key, read.header.device));
  } finally {
    await handle.close();
  }
}

/**
 * True while the weights file is the one the cache was made from; a file that cannot be checked counts as it,
 * and so does a missing one whose file system (`device`, when the header says) is not where it was.
 */
async function madeFrom(file: string, key: Record<string, number>, device: number | undefined): Promise<boolean> {
  try {
    const now = await stat(file);
    return now.size === key.size && now.mtimeMs === key.mtimeMs && now.ino === key.ino;
  } catch (error) {
    if (!['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return true;
    return device !== undefined && !(await mountedAt(file, device));
  }
}

/**
 * Whether the nearest folder above `file` that exists is on `device`: then the file's own file system is there
 * and the file was removed from it. When the folder is on another device (the mount point of a drive that is not
 * mounted, or a folder above it) or nothing above exists (a drive letter that is not there), it is not.
 */
async function mountedAt(file: string, device: number): Promise<boolean> {
  for (let folder = dirname(file); ; folder = dirname(folder)) {
    const found = await stat(folder).catch(() => undefined);
    if (found) return found.dev === device;
    if (dirname(folder) === folder) return false;
  }
}

/** Whether a process of this id runs (signal 0 only asks; EPERM: it runs, as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
