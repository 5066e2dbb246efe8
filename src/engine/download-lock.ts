// The lock that keeps two downloads from writing the same files at once.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { DownloadError } from './download-progress';

/**
 * One download into `dir` at a time, across processes (two VS Code windows share global storage and
 * the Hugging Face cache): the lock file holds the owner's pid; a lock whose process is gone is stale
 * and taken over.
 */
export async function lockFile(path: string, dir: string, retryWith: string): Promise<() => Promise<void>> {
  const unlock = () => rm(path, { force: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, String(process.pid), { flag: 'wx' });
      return unlock;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(await readFile(path, 'utf8').catch(() => ''));
      if (isRunning(owner)) {
        throw new DownloadError('busy', `another download into ${dir} is running (process ${owner}); wait for it to finish, or cancel it and run ${retryWith} again`);
      }
      await unlock(); // stale: its process has ended
    }
  }
  throw new DownloadError('busy', `could not lock ${dir} for the download; run ${retryWith} again`);
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
