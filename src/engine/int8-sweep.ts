// What of an 8-bit weights cache folder no load can use any more, removed once a new cache is in place
// (int8-cache.ts finish): only files named as ours (int8-cache-format.ts), only in that folder. A finished file is
// stale when it has no header of this format (an older format, or cut short), or when the weights file it was made
// from is gone or changed (its size, mtime or inode): its name is that file's path, hashed, so nothing would read it
// again. A partial file is stale when the process writing it has ended (a crash); a live one is another window's.
// Another model's sound cache stays. A file that cannot be checked or removed is left as it is.
import { lstat, open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
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
    return !(await madeFrom(read.header.file, read.header.key));
  } finally {
    await handle.close();
  }
}

/** True while the weights file is the one the cache was made from; a file that cannot be checked counts as it. */
async function madeFrom(file: string, key: Record<string, number>): Promise<boolean> {
  try {
    const now = await stat(file);
    return now.size === key.size && now.mtimeMs === key.mtimeMs && now.ino === key.ino;
  } catch (error) {
    return !['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '');
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
