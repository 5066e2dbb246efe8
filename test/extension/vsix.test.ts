// The VSIXes as users get them: scripts/package.mjs packages one per target from the built dist/ (all at
// once, ≈ 40 s of CPU; once per build, see packaged.ts), and each holds what runs on its platform and nothing else; the one for this
// machine's platform is unpacked and its own session worker loads onnxruntime-node and runs a model. `vsce ls` is
// held to what vsce packs, and the real `ovsx publish` sends these VSIXes, and packs one itself, to a stub registry.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CODE_SERVER_VERSION } from '../../scripts/install-code-server.mjs';
import { bindingFolder, listTarget, TARGETS, withTargetStage } from '../../scripts/package.mjs';
import { ignoreRules, leftOutWhole } from '../../scripts/package-stage.mjs';
import { explainNativeFailure } from '../../src/extension/common/native-runtime';
import { SessionClient } from '../../src/extension/explorer/session-client';
import { DEFAULT_DECODING } from '../../src/protocol/decoding';
import { packagedVsixes } from './packaged';
import { LESSON_SENTENCE, tinyModel } from './worker-harness';
import { publishedFrom, startOpenVsxStub, type OpenVsxStub } from './open-vsx-stub';
import { readZip, unzip, zipEntries, type ZipEntry } from './zip';

const ROOT = resolve(__dirname, '..', '..');
const HERE = `${process.platform}-${process.arch}`;

/** Each VSIX's size in MB (10⁶ bytes), measured with onnxruntime-node 1.30 plus ≈ 2 MB of room: ≈ 2 MB is ours, the rest its binaries. */
const BUDGET_MB: Record<string, number> = {
  'linux-x64': 22, // 20.0 measured
  'linux-arm64': 14.5, // 12.5
  'darwin-arm64': 17, // 15.1
  'win32-x64': 33, // 30.9
  'win32-arm64': 34, // 32.1
};

/** What every VSIX holds besides its binaries (vsce renames README.md and LICENSE). */
const EXPECTED = [
  'package.json', 'readme.md', 'changelog.md', 'LICENSE.txt', 'media/icons/gpt2.png', 'dist/extension.js', 'dist/explorer.js', 'dist/session-worker.js', 'dist/webview/explorer.js',
  'dist/webview/explorer.css', 'dist/webview/walkthrough.js', 'models/gpt2/tokenizer.json', 'models/gpt2/tokenizer_config.json',
  'models/gpt2/config.json', 'media/icons/gpt2.svg', 'node_modules/onnxruntime-node/dist/index.js',
  'node_modules/onnxruntime-common/dist/cjs/index.js', 'node_modules/onnxruntime-common/dist/cjs/package.json',
].map((file) => `extension/${file}`);

/** The onnxruntime-node binaries among a VSIX's entry names. */
const binariesIn = (names: string[]) => names.filter((name) => name.startsWith('extension/node_modules/onnxruntime-node/bin/')).sort();

/** The binaries `target`'s VSIX must carry: its own binding's files. */
const bindingOf = (target: string) => TARGETS[target].map((file) => `extension/${bindingFolder(target)}/${file}`).sort();

describe('VSIX packages, one per platform', () => {
  let dir: string;
  const vsix = new Map<string, string>();
  const entries = new Map<string, ZipEntry[]>();

  before(async function () {
    for (const bundle of ['extension.js', 'explorer.js', 'session-worker.js', 'webview/explorer.js', 'webview/walkthrough.js']) {
      assert.ok(existsSync(join(ROOT, 'dist', bundle)), `dist/${bundle} is missing: run npm run build first`);
    }
    dir = await mkdtemp(join(tmpdir(), 'gpt2-vsix-'));
    const targets = Object.keys(TARGETS);
    const started = Date.now();
    const paths = await packagedVsixes(targets);
    console.log(`      ${targets.length} VSIXes ready in ${((Date.now() - started) / 1000).toFixed(1)} s (packaged once per build)`);
    for (const [i, target] of targets.entries()) {
      vsix.set(target, paths[i]);
      entries.set(target, await readZip(paths[i]));
    }
  });

  after(() => rm(dir, { recursive: true, force: true }));

  it('has a target for every platform onnxruntime-node ships a binding for, and each target\'s files exist', () => {
    const shipped = readdirSync(join(ROOT, 'node_modules/onnxruntime-node/bin/napi-v6')).flatMap((platform) =>
      readdirSync(join(ROOT, 'node_modules/onnxruntime-node/bin/napi-v6', platform)).map((arch) => `${platform}-${arch}`));
    assert.deepEqual(Object.keys(TARGETS).sort(), shipped.sort());
    assert.deepEqual(Object.keys(BUDGET_MB).sort(), shipped.sort());
    const missing = Object.entries(TARGETS).flatMap(([target, files]) => files.map((file) => `${bindingFolder(target)}/${file}`)).filter((file) => !existsSync(join(ROOT, file)));
    assert.deepEqual(missing, []);
  });

  for (const target of Object.keys(TARGETS)) {
    it(`${target}: named by its target, marked for it, its own binding and no other, the tokenizer and models/, within ${BUDGET_MB[target]} MB`, async () => {
      assert.match(vsix.get(target)!, new RegExp(`gpt2-explorer-\\d+\\.\\d+\\.\\d+-${target}\\.vsix$`));
      const files = entries.get(target)!;
      const names = files.map((entry) => entry.name);
      assert.deepEqual(EXPECTED.filter((file) => !names.includes(file)), [], 'missing');
      assert.deepEqual(binariesIn(names), bindingOf(target));
      const manifest = files.find((entry) => entry.name === 'extension.vsixmanifest')!.data().toString();
      assert.match(manifest, new RegExp(`TargetPlatform="${target}"`));
      const size = files.reduce((sum, entry) => sum + entry.compressedSize, 0) / 1e6;
      console.log(`      ${target}: ${files.length} files, ${size.toFixed(1)} MB`);
      assert.ok(size < BUDGET_MB[target], `${target}'s VSIX holds ${size.toFixed(1)} MB, its budget is ${BUDGET_MB[target]}`);
    });
  }

  it('every VSIX leaves out sources, tests, source maps and the tools in node_modules', () => {
    const unwanted = [...entries.values()].flat().map((entry) => entry.name).filter((file) =>
      /^extension\/bench\/(?!REPORT\.md$|long-prompts\.svg$)/.test(file) ||
      /^extension\/(src|test|scripts|webview|\.ci|\.vscode|\.test-models|\.cache|\.scratch|out)\//.test(file) ||
      /\.(map|ts|tsx|vsix)$/.test(file) ||
      /node_modules\/(adm-zip|global-agent|onnxruntime-web|esbuild|typescript|preact)\//.test(file),
    );
    assert.deepEqual(unwanted, []);
  });

  it('vsce ls with a target\'s ignore file lists exactly what its VSIX packs (the dry run says the truth)', async () => {
    // One target: the ignore file is made the same way for each, and each VSIX's binaries are checked above.
    const renamed: Record<string, string> = { 'readme.md': 'README.md', 'LICENSE.txt': 'LICENSE', 'changelog.md': 'CHANGELOG.md' };
    const packed = entries.get('linux-arm64')!.map((entry) => entry.name).filter((name) => name.startsWith('extension/')).map((name) => name.slice('extension/'.length));
    assert.deepEqual((await listTarget('linux-arm64')).sort(), packed.map((name) => renamed[name] ?? name).sort());
  });

  it('runs: the VSIX for this machine\'s platform, unpacked, loads onnxruntime-node from itself and analyzes the lesson sentence', async function () {
    if (!vsix.has(HERE)) return this.skip(); // a platform without an onnxruntime-node binding
    const unpacked = join(dir, 'unpacked');
    await unzip(vsix.get(HERE)!, unpacked);
    const client = SessionClient.forBundle(join(unpacked, 'extension', 'dist', 'session-worker.js'));
    try {
      await client.request({ type: 'load', modelDir: await tinyModel(), threads: 1, weights: 'float32' });
      const analyzed = await client.request({ type: 'analyze', sentence: { id: 'selection', text: LESSON_SENTENCE, source: 'selection' }, settings: DEFAULT_DECODING });
      assert.equal(analyzed.session.tokens.length, 12);
    } finally {
      await client.dispose();
    }
  });

  it('a VSIX of another platform installed here: its worker dies loading the binding, and the user is told which VSIX to install', async () => {
    const other = Object.keys(TARGETS).find((target) => target !== HERE)!;
    const unpacked = join(dir, `unpacked-${other}`);
    await unzip(vsix.get(other)!, unpacked);
    let reason = '';
    const client = SessionClient.forBundle(join(unpacked, 'extension', 'dist', 'session-worker.js'), { onCrash: (why) => (reason = why) });
    try {
      await assert.rejects(client.request({ type: 'load', modelDir: await tinyModel(), threads: 1, weights: 'float32' }), { kind: 'crashed' });
    } finally {
      await client.dispose();
    }
    const failure = explainNativeFailure(reason, process.platform, process.arch);
    assert.match(failure?.message ?? reason, new RegExp(`built for another platform and has no ONNX Runtime for ${HERE}`));
  });

  it('the extension bundles never load onnxruntime-node: only the session worker does; the explorer bundle requires only the tokenizer library, which the VSIX carries', () => {
    const requires = (bundle: string) => [...readFileSync(join(ROOT, 'dist', bundle), 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);
    const outside = (bundle: string) => requires(bundle).filter((name) => !name.startsWith('node:') && name !== 'vscode');
    assert.ok(requires('session-worker.js').includes('onnxruntime-node'), 'the check reads the requires it means to');
    // The activation bundle requires the explorer bundle by its path, on first use (lazy-explorer.ts), and nothing else.
    assert.deepEqual(outside('extension.js'), []);
    // Left out of the explorer bundle, required on first use (scripts/build.mjs LAZY_IN_EXTENSION).
    assert.deepEqual(outside('explorer.js'), ['@huggingface/tokenizers']);
    const files = entries.get(HERE)!.map((entry) => entry.name);
    assert.ok(files.includes('extension/node_modules/@huggingface/tokenizers/dist/tokenizers.cjs'), 'the VSIX carries the CommonJS build that require takes');
  });

  it('is ready for a marketplace page: a 128×128 PNG icon, banner, keywords, engines.vscode the version tested, README images inside the VSIX', () => {
    const files = entries.get('linux-x64')!;
    const read = (name: string) => files.find((entry) => entry.name === name)!.data();
    const icon = read('extension/media/icons/gpt2.png');
    assert.equal(icon.subarray(1, 4).toString(), 'PNG');
    assert.deepEqual([icon.readUInt32BE(16), icon.readUInt32BE(20)], [128, 128]);
    const manifest = read('extension.vsixmanifest').toString();
    assert.match(manifest, /<Icon>extension\/media\/icons\/gpt2\.png<\/Icon>/);
    assert.match(manifest, /Branding\.Color" Value="#[0-9a-f]{6}"/);
    assert.match(manifest, /<Tags>gpt-2,/);
    // code-server 4.X.Y is VS Code 1.X.Y: the oldest VS Code the real VS Code tests run in.
    assert.match(manifest, new RegExp(`Code\\.Engine" Value="\\^1\\.${CODE_SERVER_VERSION.split('.').slice(1).join('\\.')}"`));
    const readme = read('extension/readme.md').toString();
    assert.match(readme, /^## Install$/m);
    const links = [...readme.matchAll(/\]\(([^)\s#]+)\)/g)].map((match) => match[1]).filter((link) => !/^[a-z]+:/.test(link));
    assert.ok(links.length >= 9, 'the screenshots are linked');
    assert.deepEqual(links.filter((link) => !files.some((entry) => entry.name === `extension/${link}`)), [], 'links that lead nowhere in the VSIX');
    assert.deepEqual([...readme.matchAll(/!\[[^\]]*\]\(([^)]+\.svg)\)/g)].map((match) => match[1]), [], 'the Marketplace refuses SVG images in a README');
  });
});

/** The real Open VSX CLI, and what makes it write down every socket it and its children open. */
const OVSX = join(ROOT, 'node_modules', 'ovsx', 'bin', 'ovsx');
const RECORD_CONNECTIONS = join(__dirname, 'record-connections.cjs');
const TOKEN = 'dummy-token';
const BASE_URL = 'https://raw.githubusercontent.com/OWNER/REPO/main/';

/** A line of record-connections.cjs: a host and port, or a local socket's path. */
interface Connection {
  pid: number;
  host?: string;
  port?: number;
  path?: string;
}
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

// ovsx has no dry run: its publish is run for real, against a stub of the registry on 127.0.0.1 (open-vsx-stub.ts),
// which keeps every request. Publishing itself needs an Open VSX token and stays a manual step (README).
describe('publishing to Open VSX: the real ovsx CLI against a stub registry, offline', () => {
  let stub: OpenVsxStub;
  let dir: string;
  const vsix = new Map<string, string>();

  before(async () => {
    assert.ok(existsSync(OVSX), 'node_modules has no ovsx: run npm ci (it is a dev dependency)');
    stub = await startOpenVsxStub();
    dir = await mkdtemp(join(tmpdir(), 'gpt2-ovsx-'));
    const targets = Object.keys(TARGETS);
    const paths = await packagedVsixes(targets); // the suite above packaged them in this process: read from the cache
    targets.forEach((target, i) => vsix.set(target, paths[i]));
  });

  afterEach(() => stub.received.splice(0));

  after(async () => {
    await stub.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs `ovsx args` as a user would, with the registry's address and the token; resolves with what it printed and every place it connected to. */
  async function ovsx(args: string[]): Promise<{ stdout: string; connections: Connection[] }> {
    const log = join(dir, `connections-${stub.received.length}-${Date.now()}.jsonl`);
    await writeFile(log, '');
    const env = { ...process.env, NODE_OPTIONS: `--require ${JSON.stringify(RECORD_CONNECTIONS)}`, GPT2_CONNECTIONS_LOG: log };
    const { stdout } = await promisify(execFile)(process.execPath, [OVSX, ...args, '--registryUrl', stub.url, '--pat', TOKEN], { env, maxBuffer: 16 << 20 });
    const connections = (await readFile(log, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line));
    return { stdout, connections };
  }

  /** ovsx reached the stub (so the record works) and nothing else: no other host, port or local socket. */
  function assertOnlyTheStub(connections: Connection[]): void {
    assert.ok(connections.length > 0, 'record-connections.cjs saw no socket at all');
    assert.deepEqual(connections.filter((to) => to.host !== '127.0.0.1' || to.port !== stub.port), [], 'connections to anything but the stub');
  }

  /** What the stub got: publish requests only, each with the token and a VSIX body. */
  function publishedBodies(): Buffer[] {
    for (const request of stub.received) {
      assert.deepEqual([request.method, request.path, request.query.get('token'), request.contentType], ['POST', '/api/-/publish', TOKEN, 'application/octet-stream']);
    }
    return stub.received.map((request) => request.body);
  }

  it('ovsx publish --packagePath with every VSIX: sends each file byte for byte, marked for its own platform and carrying its binding, to the namespace gpt2-explorer with the token, and connects nowhere but the stub', async () => {
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    const { stdout, connections } = await ovsx(['publish', '--packagePath', ...vsix.values()]);
    const bodies = publishedBodies();
    assert.equal(bodies.length, vsix.size, 'one publish per VSIX');
    const sent = new Map(bodies.map((body) => [sha256(body), body]));
    for (const [target, file] of vsix) {
      const body = sent.get(sha256(readFileSync(file)));
      assert.ok(body, `${target}'s VSIX did not reach the registry as it is on disk`);
      // A VSIX names its platform itself (ovsx ignores --target for one): the registry reads it from the manifest.
      assert.deepEqual(publishedFrom(body), { namespace: 'gpt2-explorer', name: 'gpt2-explorer', version, targetPlatform: target });
      assert.deepEqual(binariesIn(zipEntries(body).map((entry) => entry.name)), bindingOf(target));
    }
    const told = stdout.split('\n').filter((line) => line.includes('Published')).map((line) => line.replace(/^\W+/, '')).sort();
    assert.deepEqual(told, [...vsix.keys()].map((target) => `Published gpt2-explorer.gpt2-explorer v${version}@${target}`).sort());
    assertOnlyTheStub(connections);
  });

  it('ovsx publish from the repository staged for one target (ovsx packages it with vsce itself): the same files as npm run package\'s VSIX, offline', async () => {
    const target = 'linux-arm64'; // the smallest: this packages once more
    const { connections } = await withTargetStage(target, (stage) =>
      ovsx(['publish', '--packagePath', stage, '--target', target, '--baseContentUrl', BASE_URL, '--baseImagesUrl', BASE_URL]));
    const [body, ...more] = publishedBodies();
    assert.equal(more.length, 0);
    assert.equal(publishedFrom(body).targetPlatform, target);
    const packed = (await readZip(vsix.get(target)!)).map((entry) => entry.name).sort();
    const files = zipEntries(body);
    const names = files.map((entry) => entry.name).sort();
    assert.deepEqual(binariesIn(names), bindingOf(target));
    assert.deepEqual(names, packed);
    const readme = files.find((entry) => entry.name === 'extension/readme.md')!.data().toString();
    assert.ok(readme.includes(`](${BASE_URL}media/`), 'the README\'s images point at the address given');
    assertOnlyTheStub(connections);
  });
});

describe('the stage vsce packages from', () => {
  it('skips only folders the ignore file leaves out whole, where no negation can bring a file back', async () => {
    const rules = await ignoreRules(join(ROOT, '.vscodeignore'));
    for (const folder of ['.cache', 'src', 'test', 'webview', 'out', 'bench/.models', 'bench/cases']) assert.ok(leftOutWhole(rules, folder), folder);
    for (const folder of ['dist', 'media', 'models', 'bench']) assert.equal(leftOutWhole(rules, folder), false, folder);
    assert.equal(leftOutWhole({ ignore: ['src/**'], negate: ['**/keep.txt'] }, 'src'), false, 'a negation that may match anywhere');
    assert.equal(leftOutWhole({ ignore: ['src/**'], negate: ['src/keep/*.txt'] }, 'src'), false, 'a negation inside the folder');
    assert.equal(leftOutWhole({ ignore: ['src/**'], negate: ['src/**/keep.txt'] }, 'src/deep'), false, 'a negation whose literal part is above the folder');
    assert.equal(leftOutWhole({ ignore: ['src/**'], negate: ['srcs/keep.txt'] }, 'src'), true, 'a negation elsewhere');
    assert.equal(leftOutWhole({ ignore: ['src/*.ts'], negate: [] }, 'src'), false, 'a pattern that leaves out only some files');
  });
});
