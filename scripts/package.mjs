// Packages one VSIX per platform onnxruntime-node ships a binding for (src/engine/native-targets.json),
// each carrying only its own binaries: `vsce package --target T` with an ignore file made of .vscodeignore
// (which leaves every platform's binaries out) plus the target's own files put back. vsce has no ignore
// file per target, and in .vscodeignore a `!pattern` always wins, so the target's files are named one by one.
// Usage: node scripts/package.mjs [--target T]… [--out DIR] [--base-url URL]
// (default: every target, into the repository). It packages the dist/ that is there: `npm run package` builds
// first. README links stay relative (they resolve inside the VSIX) unless --base-url gives the address the
// repository's files are served from, which the Marketplace and Open VSX pages need.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { stageRepository } from './package-stage.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VSCE = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
const BINDINGS = 'node_modules/onnxruntime-node/bin/napi-v6';
const read = (file) => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));

/** Target → the files of its binding folder its VSIX carries. */
export const TARGETS = read('src/engine/native-targets.json').targets;

/** Where a target's binaries are, relative to the repository: linux-x64 → …/napi-v6/linux/x64. */
export const bindingFolder = (target) => `${BINDINGS}/${target.replace('-', '/')}`;

/** gpt2-explorer-0.1.0-linux-x64.vsix in `outDir`. */
export function vsixPath(outDir, target) {
  const { name, version } = read('package.json');
  return join(outDir, `${name}-${version}-${target}.vsix`);
}

async function ignoreFileFor(target, dir) {
  const own = TARGETS[target].map((file) => `!${bindingFolder(target)}/${file}`);
  const file = join(dir, `${target}.vscodeignore`);
  await writeFile(file, [await readFile(join(ROOT, '.vscodeignore'), 'utf8'), `# ${target}'s binding`, ...own, ''].join('\n'));
  return file;
}

const run = promisify(execFile);

const links = (baseUrl) => (baseUrl ? ['--baseContentUrl', baseUrl, '--baseImagesUrl', baseUrl] : ['--no-rewrite-relative-links']);

/** The vsce arguments for one target (package, or ls with `command` 'ls'). */
const vsceArgs = (command, target, ignoreFile, baseUrl) => [VSCE, command, ...(command === 'package' ? ['--target', target, '--allow-missing-repository', ...links(baseUrl)] : []), '--ignoreFile', ignoreFile];

/** A temporary folder with the repository staged in `stage/` (package-stage.mjs says why); removed after `use`. */
async function withStage(use) {
  const dir = await mkdtemp(join(tmpdir(), 'gpt2-package-'));
  try {
    const stage = join(dir, 'stage');
    await mkdir(stage);
    await stageRepository(ROOT, stage, join(ROOT, '.vscodeignore'));
    return await use(dir, stage);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The repository staged for `target` alone, its .vscodeignore replaced by the target's ignore file, for a tool that
 * packages with vsce's defaults and takes no ignore file (`ovsx publish --packagePath DIR --target T`); removed after `use`.
 */
export async function withTargetStage(target, use) {
  return withStage(async (dir, stage) => {
    await copyFile(await ignoreFileFor(target, dir), join(stage, '.vscodeignore'));
    return use(stage);
  });
}

/** The files vsce would pack for `target`, without packing them (`vsce ls`). */
export async function listTarget(target) {
  return withStage(async (dir, stage) => {
    const { stdout } = await run(process.execPath, vsceArgs('ls', target, await ignoreFileFor(target, dir)), { cwd: stage, maxBuffer: 16 << 20 });
    return stdout.split('\n').map((line) => line.trim()).filter(Boolean);
  });
}

/** Packages every target in `targets` at once (each vsce is one process); resolves with the VSIX paths. */
export async function packageTargets({ targets = Object.keys(TARGETS), outDir = ROOT, baseUrl, log = () => undefined } = {}) {
  const unknown = targets.filter((target) => !TARGETS[target]);
  if (unknown.length > 0) throw new Error(`no onnxruntime-node binding for ${unknown.join(', ')}; the targets are ${Object.keys(TARGETS).join(', ')}`);
  await mkdir(outDir, { recursive: true });
  return withStage((dir, stage) => Promise.all(targets.map(async (target) => {
    const out = vsixPath(outDir, target);
    await run(process.execPath, [...vsceArgs('package', target, await ignoreFileFor(target, dir), baseUrl), '-o', out], { cwd: stage, maxBuffer: 16 << 20 });
    log(`packaged ${out}`);
    return out;
  })));
}

function options(argv) {
  const targets = argv.flatMap((arg, i) => (argv[i - 1] === '--target' ? [arg] : []));
  const value = (flag) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  return { targets: targets.length > 0 ? targets : undefined, outDir: resolve(value('--out') ?? ROOT), baseUrl: value('--base-url'), log: console.log };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  packageTargets(options(process.argv.slice(2))).catch((error) => {
    console.error(`package: ${error.stderr || error.message}`);
    process.exit(1);
  });
}
