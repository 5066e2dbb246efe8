// Installs code-server (a real VS Code that runs in a browser, its extension host on this machine's Node) into a
// folder of the project's: the end-to-end tests and `npm start` (without a desktop VS Code) use it.
// Usage: node scripts/install-code-server.mjs [DIR]     (default .cache/code-server) → DIR/node_modules/.bin/code-server
//
// It works offline, with only the npm registry and Debian's packages reachable:
// - 4.100.3 is the last code-server line that runs on Node 20 (later ones need Node 22 or 24);
// - its native modules are compiled here, against the krb5, X11, xkbfile and libsecret headers, found by pkg-config;
// - @vscode/ripgrep downloads a release archive from GitHub, but first looks in
//   $TMPDIR/vscode-ripgrep-cache-<version>/: a system `rg` packed as that archive serves;
// - as root, code-server's postinstall needs unsafe-perm.
// System packages are installed only when this can (root and apt-get); otherwise it stops with one message that
// names what to install.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { aptInstall, canApt } from './apt.mjs';

export const CODE_SERVER_VERSION = '4.100.3';
const RIPGREP_PACKAGE = '1.15.11'; // the @vscode/ripgrep that code-server 4.100.3 depends on
const RIPGREP_RELEASE = 'v13.0.0-10'; // the ripgrep build that @vscode/ripgrep 1.15.11 fetches

/** What the build needs: a command that proves it is there, and the Debian package that brings it. */
const NEEDS = [
  { what: 'pkg-config', check: ['pkg-config', '--version'], deb: 'pkg-config' },
  { what: 'the krb5 headers', check: ['pkg-config', '--exists', 'krb5'], deb: 'libkrb5-dev' },
  { what: 'the X11 headers', check: ['pkg-config', '--exists', 'x11'], deb: 'libx11-dev' },
  { what: 'the xkbfile headers', check: ['pkg-config', '--exists', 'xkbfile'], deb: 'libxkbfile-dev' },
  { what: 'the libsecret headers', check: ['pkg-config', '--exists', 'libsecret-1'], deb: 'libsecret-1-dev' },
  { what: 'ripgrep (rg)', check: ['rg', '--version'], deb: 'ripgrep' },
  { what: 'a C++ compiler (g++)', check: ['g++', '--version'], deb: 'g++' },
  { what: 'make', check: ['make', '--version'], deb: 'make' },
  { what: 'python3', check: ['python3', '--version'], deb: 'python3' },
];

const succeeds = (command, args) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;

export function codeServerBinary(dir) {
  return join(dir, 'node_modules', '.bin', platform() === 'win32' ? 'code-server.cmd' : 'code-server');
}

/** The marker written last: a folder without it is a half-done install and is started again from scratch. */
const marker = (dir) => join(dir, '.installed');

export function isInstalled(dir) {
  return existsSync(marker(dir)) && readFileSync(marker(dir), 'utf8').trim() === CODE_SERVER_VERSION && existsSync(codeServerBinary(dir));
}

/** The build's needs are checked on Linux, where they are Debian packages; elsewhere npm reports what is missing. */
function missingNeeds() {
  return platform() === 'linux' ? NEEDS.filter((need) => !succeeds(need.check[0], need.check.slice(1))) : [];
}

function installSystemPackages(log) {
  const missing = missingNeeds();
  if (missing.length === 0) return;
  const debs = missing.map((need) => need.deb);
  if (!canApt()) {
    throw new Error(`code-server needs ${missing.map((need) => need.what).join(', ')}: install them (Debian/Ubuntu: sudo apt-get install ${debs.join(' ')}) and run again`);
  }
  log(`Installing ${debs.join(' ')} with apt-get…`);
  aptInstall(debs);
}

/** @vscode/ripgrep's own name for this machine's build, or undefined where it downloads nothing we can stand in for. */
function ripgrepTarget() {
  if (platform() !== 'linux') return undefined;
  return { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' }[arch()];
}

/** Packs the system `rg` as the archive @vscode/ripgrep looks for before it goes to the network. */
function seedRipgrepCache() {
  const target = ripgrepTarget();
  if (!target) return;
  const cache = join(tmpdir(), `vscode-ripgrep-cache-${RIPGREP_PACKAGE}`);
  const archive = join(cache, `ripgrep-${RIPGREP_RELEASE}-${target}.tar.gz`);
  if (existsSync(archive)) return;
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  if (!rg) throw new Error('ripgrep (rg) is not on PATH: install it (Debian/Ubuntu: sudo apt-get install ripgrep) and run again');
  mkdirSync(cache, { recursive: true });
  const staging = mkdtempSync(join(tmpdir(), 'rg-'));
  try {
    copyFileSync(rg, join(staging, 'rg'));
    if (spawnSync('tar', ['czf', archive, '-C', staging, 'rg']).status !== 0) throw new Error(`could not write ${archive}`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function npmInstall(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
  const env = { ...process.env, npm_config_unsafe_perm: 'true', npm_config_yes: 'true', npm_config_fund: 'false', npm_config_audit: 'false' };
  const npm = platform() === 'win32' ? 'npm.cmd' : 'npm';
  const logFile = join(dir, 'install.log');
  const result = spawnSync(npm, ['install', '--no-save', '--foreground-scripts', `code-server@${CODE_SERVER_VERSION}`], { cwd: dir, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, shell: platform() === 'win32' });
  writeFileSync(logFile, `${result.stdout ?? ''}\n${result.stderr ?? ''}`);
  if (result.status !== 0) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`npm install code-server@${CODE_SERVER_VERSION} failed (whole log: ${logFile}):\n${tail}`);
  }
}

/** Installs code-server into `dir` unless it is there already; returns the binary. */
export function installCodeServer(dir, log = (line) => console.log(line)) {
  if (isInstalled(dir)) return codeServerBinary(dir);
  log(`Installing code-server ${CODE_SERVER_VERSION} into ${dir} (about 2 minutes, once)…`);
  installSystemPackages(log);
  seedRipgrepCache();
  npmInstall(dir);
  const version = spawnSync(codeServerBinary(dir), ['--version'], { encoding: 'utf8', shell: platform() === 'win32' });
  if (version.status !== 0) throw new Error(`code-server was installed into ${dir} but does not start: ${(version.stderr || '').trim()}`);
  writeFileSync(marker(dir), `${CODE_SERVER_VERSION}\n`);
  log(`code-server ${version.stdout.split('\n').find((line) => /^\d+\.\d+\.\d+ /.test(line)) ?? CODE_SERVER_VERSION} is ready.`);
  return codeServerBinary(dir);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = resolve(process.argv[2] ?? join(import.meta.dirname, '..', '.cache', 'code-server'));
  try {
    installCodeServer(dir);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
