// --model with a Hugging Face id: found in the Hugging Face cache, or downloaded into it (progress
// on stderr, the HF token sent to the endpoint), and the output is the same as from the folder.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileServer } from '../engine/file-server';
import { serveRepo } from '../engine/hub-repo';
import { testModel, TINY } from '../engine/models';
import { SESSION_PROMPT } from './fixtures';
import { cli, cliWithEnv, CURRENT } from './run-cli';

const COMMIT = 'ef'.repeat(20);
const TOKEN = 'hf_' + 'x'.repeat(34);

describe('gpt2-explorer --model ID', function () {
  let server: FileServer;
  let cache: string;
  let model: string;

  before(async () => {
    model = await testModel(TINY);
    server = await FileServer.start();
    serveRepo(server, 'someone/tiny-gpt2', COMMIT, model);
    cache = await mkdtemp(join(tmpdir(), 'gpt2-cli-hub-'));
  });
  after(async () => {
    await server.stop();
    await rm(cache, { recursive: true, force: true });
  });

  it('downloads an id into the cache with progress on stderr, then runs from the cache offline, as from the folder', async function () {
    const args = ['generate', '--max-tokens', '2', '--temperature', '0', '--json', SESSION_PROMPT];
    const fromFolder = await cli(['generate', '--model', model, ...args.slice(1)]);
    assert.equal(fromFolder.code, 0, fromFolder.stderr);
    const env = { HF_HUB_CACHE: cache, HF_ENDPOINT: server.origin, HF_TOKEN: TOKEN };
    const downloaded = await cliWithEnv(['generate', '--model', 'someone/tiny-gpt2', ...args.slice(1)], env);
    assert.equal(downloaded.code, 0, downloaded.stderr);
    assert.equal(downloaded.stdout, fromFolder.stdout, 'stdout keeps its shape and numbers');
    assert.match(downloaded.stderr, new RegExp(`^gpt2-explorer: downloading someone/tiny-gpt2 from ${server.origin} into .+ with the Hugging Face token from the HF_TOKEN environment variable\n`));
    assert.match(downloaded.stderr, /downloading model\.safetensors: 9 MB of 9 MB/);
    assert.ok(!downloaded.stderr.includes(TOKEN), 'the token is never printed');
    const hub = server.log.filter((request) => request.path.startsWith('/someone/'));
    assert.ok(hub.length >= 3 && hub.every((request) => request.authorization === `Bearer ${TOKEN}`), 'the token went with every request to the endpoint');
    const requests = server.log.length;
    const offline = await cliWithEnv(['generate', '--model', 'someone/tiny-gpt2', ...args.slice(1)], { HF_HUB_CACHE: cache, HF_HUB_OFFLINE: '1' });
    assert.deepEqual([offline.code, offline.stdout, offline.stderr, server.log.length], [0, fromFolder.stdout, '', requests]);
  });

  it('says an id that is not cached is not downloaded offline, and refuses what is not an id', async function () {
    const missing = await cliWithEnv(['analyze', '--model', 'distilgpt2', 'x'], { HF_HUB_CACHE: cache, HF_HUB_OFFLINE: '1' });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^gpt2-explorer analyze: distilgpt2 is not in the Hugging Face cache .+, and HF_HUB_OFFLINE is set, so nothing is downloaded/);
    const bad = await cliWithEnv(['sample', '--n', '2', '--model', 'not an id', 'x'], { HF_HUB_CACHE: cache, HF_HUB_OFFLINE: '1' });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /"not an id" is not a Hugging Face repository id/);
  });

  it('--provider auto runs on the CPU where CUDA cannot start, says so on stderr, and prints the same', async function () {
    if (process.platform !== 'linux') this.skip();
    const args = ['analyze', '--model', model, '--json', SESSION_PROMPT];
    // Processes: what onnxruntime itself prints on stderr while CUDA fails to start must show too.
    const [cpu, auto] = await Promise.all([cli(args, CURRENT), cli([...args, '--provider', 'auto'], CURRENT)]);
    assert.equal(auto.code, 0, auto.stderr);
    if (!/running on cpu/.test(auto.stderr)) this.skip(); // CUDA works here
    assert.equal(auto.stdout, cpu.stdout);
    assert.match(auto.stderr, /^gpt2-explorer: running on cpu; cuda: .+$/m);
    assert.equal(cpu.stderr, '', 'the default (cpu) says nothing');
    const bad = await cli([...args, '--provider', 'tpu']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--provider must be one of auto, cpu, cuda, dml, coreml, webgpu, got tpu/);
  });
});
