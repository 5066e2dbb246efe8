// A stand-in for the Open VSX registry on 127.0.0.1, answering what `ovsx publish` asks and nothing more
// (node_modules/ovsx/lib/registry.js, publish): POST /api/-/publish?token=… with the VSIX as an octet-stream body.
// Like the real server it reads the extension's namespace, name, version and target platform from the package it
// got, and refuses a body that is no VSIX. Every request is kept whole, so a test asserts what ovsx really sent;
// any other request is answered 404 and kept too, so a test sees ovsx asked for something it did not expect.

import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { zipEntries } from './zip';

export interface ReceivedRequest {
  method: string;
  path: string; // without the query
  query: URLSearchParams;
  contentType: string | undefined;
  body: Buffer;
}

/** What the registry answers a publish with (the fields ovsx prints), read from the VSIX's manifest. */
export interface Published {
  namespace: string;
  name: string;
  version: string;
  targetPlatform: string;
}

export interface OpenVsxStub {
  url: string; // http://127.0.0.1:PORT, for ovsx's --registryUrl
  port: number;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

const PUBLISH = '/api/-/publish';

/** The Identity element of a VSIX's extension.vsixmanifest, as the registry reads it; throws for a body that is no VSIX. */
export function publishedFrom(vsix: Buffer): Published {
  const manifest = zipEntries(vsix, 'the published body').find((entry) => entry.name === 'extension.vsixmanifest');
  if (!manifest) throw new Error('the package has no extension.vsixmanifest');
  const identity = /<Identity\s([^>]*)\/?>/.exec(manifest.data().toString())?.[1] ?? '';
  const attribute = (name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(identity)?.[1];
  const [namespace, name, version] = [attribute('Publisher'), attribute('Id'), attribute('Version')];
  if (!namespace || !name || !version) throw new Error('the manifest names no publisher, id and version');
  return { namespace, name, version, targetPlatform: attribute('TargetPlatform') ?? 'universal' };
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startOpenVsxStub(): Promise<OpenVsxStub> {
  const received: ReceivedRequest[] = [];
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const got: ReceivedRequest = { method: request.method ?? '', path: url.pathname, query: url.searchParams, contentType: request.headers['content-type'], body: await bodyOf(request) };
    received.push(got);
    const answer = (status: number, json: object) => response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(json));
    if (got.method !== 'POST' || got.path !== PUBLISH) return answer(404, { error: `the stub registry has no ${got.method} ${got.path}` });
    if (!got.query.get('token')) return answer(403, { error: 'Invalid access token.' });
    try {
      answer(201, publishedFrom(got.body));
    } catch (error) {
      answer(400, { error: `Not a VSIX: ${(error as Error).message}` });
    }
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, received, close: () => new Promise((closed) => server.close(() => closed())) };
}
