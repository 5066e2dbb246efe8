// The folder vsce packages from: a copy of the repository without the folders .vscodeignore leaves out whole.
// vsce lists every file under its working folder and tests each against every ignore pattern, compiling the
// pattern anew each time (minimatch per file × pattern): in the repository, with code-server's 6,000 files in
// .cache/ and the sources and tests, one `vsce ls` took 11 s of CPU, nearly all of it there. In the stage it sees
// only what may ship, so vsce's own .vscodeignore rules still decide every file — the stage only skips folders
// no rule can bring back. node_modules is a link to the repository's: vsce reads the dependencies through npm.
import { copyFile, mkdir, readdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';

const GLOB = /[*?[\]{}!]/;

/** The ignore file's rules: `ignore` (plain patterns) and `negate` (the `!` ones, without the `!`). */
export async function ignoreRules(file) {
  const lines = (await readFile(file, 'utf8')).split(/\r?\n/).map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  return {
    ignore: lines.filter((line) => !line.startsWith('!')),
    negate: lines.filter((line) => line.startsWith('!')).map((line) => line.slice(1)),
  };
}

/** True when the negation `pattern` may match a file somewhere inside `folder`. */
function mayReachInto(pattern, folder) {
  const parts = pattern.split('/');
  let literal = 0; // the leading folders without a glob character: node_modules/onnxruntime-node/dist of …/dist/*.js
  while (literal < parts.length - 1 && !GLOB.test(parts[literal])) literal += 1;
  const prefix = parts.slice(0, literal).join('/');
  const rest = parts.slice(literal);
  if (prefix === folder || prefix.startsWith(`${folder}/`)) return true; // it names something inside
  const above = prefix === '' || folder.startsWith(`${prefix}/`);
  return above && (rest.length > 1 || rest[0].includes('**')); // one segment matches only beside the prefix
}

/** True when `folder` (relative, with /) is ignored whole and no negation can reach a file inside it. */
export function leftOutWhole({ ignore, negate }, folder) {
  const parts = folder.split('/');
  const selfAndAbove = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  if (!ignore.some((pattern) => selfAndAbove.some((above) => pattern === above || pattern === `${above}/**`))) return false;
  return !negate.some((pattern) => mayReachInto(pattern, folder));
}

/** Not copied: git's own folder, and node_modules, which the stage links to instead. */
const NOT_STAGED = new Set(['.git', 'node_modules']);

async function copyTree(rules, root, stage, folder) {
  for (const entry of await readdir(join(root, folder), { withFileTypes: true })) {
    const path = folder ? `${folder}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (leftOutWhole(rules, path) || (!folder && NOT_STAGED.has(entry.name))) continue;
      await mkdir(join(stage, path), { recursive: true });
      await copyTree(rules, root, stage, path);
    } else if (entry.isFile()) {
      await copyFile(join(root, path), join(stage, path));
    }
  }
}

/** Fills the empty folder `stage` from the repository at `root` for packaging with the ignore file `ignoreFile`. */
export async function stageRepository(root, stage, ignoreFile) {
  await copyTree(await ignoreRules(ignoreFile), root, stage, '');
  await symlink(join(root, 'node_modules'), join(stage, 'node_modules'), 'junction');
}
