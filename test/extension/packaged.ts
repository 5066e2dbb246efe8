// The VSIXes the tests unpack or install, packaged once per build. The VSIX test and both real-VS-Code suites
// need this machine's package, and packaging costs seconds of CPU each time (vsce reads and zips the binaries),
// so each is kept in .cache/vsix/<key>/, the key a hash of what goes into it: a new build, manifest, ignore
// file or onnxruntime binary makes a new key. A folder is written aside and renamed, so mocha's parallel workers can share it.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { packageTargets, vsixPath } from '../../scripts/package.mjs';

const ROOT = resolve(__dirname, '..', '..');
const CACHE = join(ROOT, '.cache', 'vsix');

/** What a VSIX is made of: the built bundles, the files beside them, the ignore file and the runtime's version. */
const INPUTS = [
  'dist', 'media', 'models', 'package.json', '.vscodeignore', 'README.md', 'CHANGELOG.md', 'LICENSE', 'bench/REPORT.md',
  'bench/long-prompts.svg', 'src/engine/native-targets.json', 'node_modules/onnxruntime-node/package.json',
  'node_modules/onnxruntime-common/package.json', 'scripts/package.mjs',
];

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).sort().flatMap((name) => filesUnder(join(path, name)));
}

/** The native binaries every VSIX carries some of (≈ 100 MB): known by their path, size and mtime, not hashed byte by byte. */
const BINARIES = 'node_modules/onnxruntime-node/bin';

/** A hash of every input file's path and bytes, and of each binary's path, size and mtime (a binary replaced makes a new key). */
export function packageKey(): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((input) => filesUnder(join(ROOT, input)))) {
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  for (const file of filesUnder(join(ROOT, BINARIES))) {
    const { size, mtimeMs } = statSync(file);
    hash.update(`${relative(ROOT, file)}\0${size}\0${mtimeMs}\0`);
  }
  return hash.digest('hex').slice(0, 16);
}

/** The VSIX of each of `targets` (in that order), packaging only those this build has none of yet. */
export async function packagedVsixes(targets: string[]): Promise<string[]> {
  const dir = join(CACHE, packageKey());
  const missing = targets.filter((target) => !existsSync(vsixPath(dir, target)));
  if (missing.length > 0) {
    await removeOtherBuilds(dir);
    const partial = `${dir}.partial-${process.pid}`;
    await mkdir(dir, { recursive: true });
    const made = await packageTargets({ targets: missing, outDir: partial });
    // Another worker may have packaged the same target meanwhile: the same inputs made the same bytes.
    await Promise.all(made.map((file, i) => rename(file, vsixPath(dir, missing[i]))));
    await rm(partial, { recursive: true, force: true });
  }
  return targets.map((target) => vsixPath(dir, target));
}

/** Earlier builds' VSIXes (≈ 110 MB a build) go once a new build packages, and so do a dead process's halves. */
async function removeOtherBuilds(keep: string): Promise<void> {
  if (!existsSync(CACHE)) return;
  const stale = readdirSync(CACHE).filter((name) => {
    const pid = /\.partial-(\d+)$/.exec(name)?.[1];
    return pid ? !isAlive(Number(pid)) : join(CACHE, name) !== keep;
  });
  await Promise.all(stale.map((name) => rm(join(CACHE, name), { recursive: true, force: true })));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, but another user's
  }
}

/** This machine's VSIX, as `npm run package` makes it. */
export async function thisMachineVsix(): Promise<string> {
  const [vsix] = await packagedVsixes([`${process.platform}-${process.arch}`]);
  return vsix;
}
