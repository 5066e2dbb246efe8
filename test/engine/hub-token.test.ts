// A Hugging Face token goes to the Hub's own origin and nowhere else: loopback servers stand in for the
// Hub (127.0.0.1), for a second server on the same host name but another port, and for the CDN (another
// host name, `localhost`), and each records the headers it was sent. Errors never quote the token.

import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readHubToken, scrubToken, sendsTokenTo, tokenFile, type HubToken } from '../../src/engine/hub-token';
import { DownloadError, downloadModel, type DownloadProgress, type ModelSource } from '../../src/engine/model-store';

const TOKEN: HubToken = { value: 'hf_TestTokenDoNotSend0123456789abcd', source: 'the test' };
const WEIGHTS = Buffer.from('not really weights, but pinned: '.repeat(1000));
const CONFIG = Buffer.from(JSON.stringify({ model_type: 'gpt2', n_layer: 2 }));
const SOURCE: ModelSource = {
  repo: 'test-org/gated-gpt2',
  revision: 'abc'.padEnd(40, '0'),
  files: [
    { name: 'config.json', maxBytes: 4096 },
    { name: 'model.safetensors', size: WEIGHTS.length, sha256: createHash('sha256').update(WEIGHTS).digest('hex') },
  ],
  config: { model_type: 'gpt2', n_layer: 2 },
};
const CONFIG_PATH = `/${SOURCE.repo}/resolve/${SOURCE.revision}/config.json`;
const WEIGHTS_PATH = `/${SOURCE.repo}/resolve/${SOURCE.revision}/model.safetensors`;

type Answer = (response: http.ServerResponse) => void;

/** A loopback server that answers each path as told and records every request's headers. */
class RecordingServer {
  readonly seen: { path: string; headers: http.IncomingHttpHeaders }[] = [];
  readonly routes = new Map<string, Answer>();
  private readonly server = http.createServer((request, response) => {
    this.seen.push({ path: request.url ?? '', headers: request.headers });
    (this.routes.get(request.url ?? '') ?? ((answer) => answer.writeHead(404).end()))(response);
  });

  static async start(): Promise<RecordingServer> {
    const recording = new RecordingServer();
    recording.server.listen(0, '127.0.0.1');
    await once(recording.server, 'listening');
    return recording;
  }

  /** The origin under a host name that resolves to 127.0.0.1 ("127.0.0.1" or "localhost"). */
  origin(host = '127.0.0.1'): string {
    return `http://${host}:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

const body = (bytes: Buffer): Answer => (response) => response.writeHead(200, { 'content-length': bytes.length }).end(bytes);
const redirect = (location: string, status = 302): Answer => (response) => response.writeHead(status, { location }).end();

describe('Hugging Face token: sent to the Hub only', () => {
  let hub: RecordingServer; // the Hub: 127.0.0.1, the origin the download starts from
  let mirror: RecordingServer; // same host name, another port: another origin
  let cdn: RecordingServer; // reached as localhost: another host
  let targetDir: string;
  let progress: DownloadProgress[];
  const download = () => downloadModel({ targetDir, baseUrl: hub.origin(), source: SOURCE, token: TOKEN, stallMs: 2000, onProgress: (p) => progress.push(p) });
  const carries = (headers: http.IncomingHttpHeaders) => JSON.stringify(headers).toLowerCase().includes(TOKEN.value.toLowerCase());

  beforeEach(async () => {
    [hub, mirror, cdn] = await Promise.all([RecordingServer.start(), RecordingServer.start(), RecordingServer.start()]);
    targetDir = join(mkdtempSync(join(tmpdir(), 'gpt2-token-')), 'model');
    progress = [];
  });
  afterEach(async () => {
    await Promise.all([hub.stop(), mirror.stop(), cdn.stop()]);
    rmSync(join(targetDir, '..'), { recursive: true, force: true });
  });

  it('goes with every request to the Hub, through its own redirects, and with none to the hosts it redirects to', async () => {
    hub.routes.set(CONFIG_PATH, redirect('/moved/config.json', 307)); // a renamed repository: the Hub again
    hub.routes.set('/moved/config.json', body(CONFIG));
    hub.routes.set(WEIGHTS_PATH, redirect(`${mirror.origin()}/hop`));
    mirror.routes.set('/hop', redirect(`${cdn.origin('localhost')}/cdn/model.safetensors`));
    cdn.routes.set('/cdn/model.safetensors', body(WEIGHTS));
    await download();
    assert.ok(readFileSync(join(targetDir, 'model.safetensors')).equals(WEIGHTS), 'the download went through the CDN');
    assert.deepEqual(hub.seen.map((request) => [request.path, request.headers.authorization]), [
      [CONFIG_PATH, `Bearer ${TOKEN.value}`],
      ['/moved/config.json', `Bearer ${TOKEN.value}`],
      [WEIGHTS_PATH, `Bearer ${TOKEN.value}`],
    ]);
    assert.deepEqual(mirror.seen.map((request) => request.path), ['/hop']);
    assert.deepEqual(cdn.seen.map((request) => [request.path, request.headers.host]), [['/cdn/model.safetensors', cdn.origin('localhost').slice('http://'.length)]]);
    for (const request of [...mirror.seen, ...cdn.seen]) assert.ok(!carries(request.headers), `the token reached ${request.path}: ${JSON.stringify(request.headers)}`);
    assert.ok(!JSON.stringify(progress).includes(TOKEN.value), 'no progress update holds the token');
  });

  it('is quoted in no error message or stack, even when a server echoes it back', async () => {
    hub.routes.set(CONFIG_PATH, body(CONFIG));
    const failure = async () => {
      const error = await download().then(() => assert.fail('expected the download to fail'), (e: unknown) => e);
      assert.ok(error instanceof DownloadError, String(error));
      for (const text of [error.message, error.stack ?? '']) assert.ok(!text.toLowerCase().includes(TOKEN.value.toLowerCase()), `the token is in: ${text}`);
      return error.message;
    };
    hub.routes.set(WEIGHTS_PATH, (response) => response.writeHead(401, `Bad token ${TOKEN.value}`).end());
    assert.match(await failure(), /answered 401 Bad token \[Hugging Face token\] for model\.safetensors: Hugging Face refused the token from the test; check or replace it/);
    hub.routes.set(WEIGHTS_PATH, redirect(`http://${TOKEN.value}.example/model.safetensors`)); // its host comes back lower-cased
    assert.match(await failure(), /refusing to download model\.safetensors from http:\/\/\[Hugging Face token\]\.example: only loopback/);
    hub.routes.set(WEIGHTS_PATH, redirect(`${cdn.origin('localhost')}/denied`));
    cdn.routes.set('/denied', (response) => response.writeHead(403, 'Forbidden').end());
    assert.match(await failure(), /answered 403 Forbidden for model\.safetensors: access was refused/, 'the CDN refused a request that carried no token');
    assert.ok(!cdn.seen.some((request) => carries(request.headers)));
  });
});

describe('Hugging Face token: where it is found', () => {
  let home: string;
  beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'gpt2-home-'))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const writeToken = (file: string, text: string) => {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, text);
  };

  it('takes HF_TOKEN first, else the token file of $HF_HOME, $XDG_CACHE_HOME or ~/.cache, trimmed', async () => {
    assert.deepEqual(await readHubToken({}, home), { token: null, ignored: [] });
    const cached = join(home, '.cache', 'huggingface', 'token');
    writeToken(cached, 'hf_fromTheCacheFolder0001\n');
    assert.deepEqual((await readHubToken({}, home)).token, { value: 'hf_fromTheCacheFolder0001', source: cached });
    const xdg = join(home, 'xdg');
    writeToken(join(xdg, 'huggingface', 'token'), 'hf_fromXdgCacheHome00002');
    assert.equal((await readHubToken({ XDG_CACHE_HOME: xdg }, home)).token?.value, 'hf_fromXdgCacheHome00002');
    const hfHome = join(home, 'hf');
    writeToken(join(hfHome, 'token'), 'hf_fromHfHome0000000003');
    assert.equal(tokenFile({ HF_HOME: hfHome, XDG_CACHE_HOME: xdg }, home), join(hfHome, 'token'));
    assert.equal((await readHubToken({ HF_HOME: hfHome, XDG_CACHE_HOME: xdg }, home)).token?.value, 'hf_fromHfHome0000000003');
    assert.deepEqual((await readHubToken({ HF_TOKEN: ' hf_fromTheEnvironment04 ', HF_HOME: hfHome }, home)).token, {
      value: 'hf_fromTheEnvironment04',
      source: 'the HF_TOKEN environment variable',
    });
  });

  it('passes over a malformed token, saying where it was without quoting it', async () => {
    const bad = 'hf_has a space\r\nX-Injected: 1';
    writeToken(join(home, '.cache', 'huggingface', 'token'), 'hf_theGoodOneInTheFile05');
    const found = await readHubToken({ HF_TOKEN: bad }, home);
    assert.equal(found.token?.value, 'hf_theGoodOneInTheFile05');
    assert.equal(found.ignored.length, 1);
    assert.match(found.ignored[0], /the token in the HF_TOKEN environment variable was ignored: a Hugging Face token is 8 to 1024 visible characters/);
    assert.ok(!found.ignored[0].includes('has a space'));
  });
});

describe('Hugging Face token: the one origin it goes to', () => {
  const auth = { token: TOKEN, origin: 'https://huggingface.co' };

  it('is the Hub origin exactly: not another port, scheme, subdomain, or a host hidden behind user info', () => {
    assert.equal(sendsTokenTo(new URL('https://huggingface.co/openai-community/gpt2/resolve/abc/config.json'), auth), true);
    for (const url of [
      'https://cdn-lfs.huggingface.co/repos/x', 'https://cas-bridge.xethub.hf.co/x', 'http://huggingface.co/x',
      'https://huggingface.co:8443/x', 'https://huggingface.co@example.com/x', 'https://huggingface.co.example.com/x',
    ]) {
      assert.equal(sendsTokenTo(new URL(url), auth), false, url);
    }
    assert.equal(sendsTokenTo(new URL('https://huggingface.co/x'), undefined), false, 'no token, nothing to send');
  });

  it('is scrubbed from text in any case', () => {
    assert.equal(scrubToken(`a ${TOKEN.value} b ${TOKEN.value.toLowerCase()}`, TOKEN), 'a [Hugging Face token] b [Hugging Face token]');
    assert.equal(scrubToken('nothing here', undefined), 'nothing here');
  });
});
