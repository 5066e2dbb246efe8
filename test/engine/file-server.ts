// A local HTTP server on 127.0.0.1 for download tests: each path has a behaviour (serve bytes with
// Range support, slowly, dropping or stalling half-way, redirect, fail) and every request is logged.
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Serve {
  body: Buffer;
  ignoreRange?: boolean; // answer 200 with the whole body even to a Range request
  chunkDelayMs?: number; // pause between 16 KiB chunks: a slow server
  dropAt?: number; // destroy the connection once this byte of the file has been sent
  stallAt?: number; // stop sending (but keep the connection open) at this byte
  headers?: Record<string, string>; // sent with the answer (the Hub's X-Repo-Commit, ETag…)
}

export type Behaviour = Serve | { redirect: string; status?: number; headers?: Record<string, string> } | { status: number; headers?: Record<string, string> };

export interface LoggedRequest {
  path: string;
  method?: string;
  range?: string;
  authorization?: string; // only when the request carried one
}

const CHUNK = 16 * 1024;

export class FileServer {
  readonly log: LoggedRequest[] = [];
  private readonly routes = new Map<string, Behaviour>();
  private readonly server = http.createServer((request, response) => this.handle(request, response));

  static async start(): Promise<FileServer> {
    const files = new FileServer();
    files.server.listen(0, '127.0.0.1');
    await once(files.server, 'listening');
    return files;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Sets what a path answers from now on. */
  route(path: string, behaviour: Behaviour): void {
    this.routes.set(path, behaviour);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections(); // stalled responses would otherwise keep the server open
    this.server.close();
    await once(this.server, 'close');
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const path = request.url ?? '';
    const { range, authorization } = request.headers;
    this.log.push({ path, method: request.method, range, ...(authorization ? { authorization } : {}) });
    const behaviour = this.routes.get(path) ?? { status: 404 };
    if ('redirect' in behaviour) {
      response.writeHead(behaviour.status ?? 302, { ...behaviour.headers, location: behaviour.redirect }).end();
    } else if ('body' in behaviour) {
      void serve(request, response, behaviour);
    } else {
      response.writeHead(behaviour.status, behaviour.headers).end();
    }
  }
}

async function serve(request: http.IncomingMessage, response: http.ServerResponse, file: Serve): Promise<void> {
  const range = file.ignoreRange ? null : /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
  const start = range ? Number(range[1]) : 0;
  if (start >= file.body.length && range) {
    response.writeHead(416, { 'content-range': `bytes */${file.body.length}` }).end();
    return;
  }
  const headers: http.OutgoingHttpHeaders = { ...file.headers, 'content-length': file.body.length - start, 'accept-ranges': 'bytes' };
  if (range) headers['content-range'] = `bytes ${start}-${file.body.length - 1}/${file.body.length}`;
  response.writeHead(range ? 206 : 200, headers);
  if (request.method === 'HEAD') return void response.end();
  for (let at = start; at < file.body.length; at += CHUNK) {
    const end = Math.min(at + CHUNK, file.body.length);
    if (file.stallAt !== undefined && end > file.stallAt) return; // silent until the client gives up
    if (file.dropAt !== undefined && end > file.dropAt) {
      response.socket?.destroy();
      return;
    }
    if (response.destroyed) return; // the client went away
    if (!response.write(file.body.subarray(at, end))) await drainedOrClosed(response);
    if (file.chunkDelayMs) await new Promise((resolve) => setTimeout(resolve, file.chunkDelayMs));
  }
  response.end();
}

function drainedOrClosed(response: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done).off('close', done);
      resolve();
    };
    response.on('drain', done).on('close', done);
  });
}
