// A real VS Code for the end-to-end tests: code-server (VS Code in a browser), installed by the project's own
// scripts/install-code-server.mjs into .cache/code-server (`npm test` does it before the tests start) and reused
// from there. Every process started here runs in its own process group and is stopped by its pid.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { codeServerBinary, installCodeServer } from '../../scripts/install-code-server.mjs';
import { ROOT } from '../integration/build';
import { writeSettings } from '../integration/environment';

export { ROOT };

const run = promisify(execFile);
export const CODE_SERVER_DIR = join(ROOT, '.cache', 'code-server');
export const CODE_SERVER = codeServerBinary(CODE_SERVER_DIR);

/** Installs code-server once (about two minutes; `npm test` has done it already); later runs reuse it. */
export async function ensureCodeServer(): Promise<string> {
  return installCodeServer(CODE_SERVER_DIR);
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface Profile {
  userDataDir: string;
  extensionsDir: string;
}

/** A fresh user-data and extensions folder under `dir`, its settings pointing at the model in `modelDir`. */
export function makeProfile(dir: string, modelDir: string): Profile {
  const profile = { userDataDir: join(dir, 'user-data'), extensionsDir: join(dir, 'extensions') };
  mkdirSync(profile.extensionsDir, { recursive: true });
  writeSettings(profile.userDataDir, modelDir);
  return profile;
}

export async function installExtension(profile: Profile, vsix: string): Promise<void> {
  await run(CODE_SERVER, ['--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir, '--install-extension', vsix], { maxBuffer: 16 * 1024 * 1024 });
}

export class CodeServer {
  private log = '';
  private exited: string | null = null;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.stdout?.on('data', (chunk) => (this.log += chunk));
    child.stderr?.on('data', (chunk) => (this.log += chunk));
    child.on('exit', (code, signal) => (this.exited = `code-server exited (code ${code}, signal ${signal})`));
  }

  /** `workspaceTrust`: keep VS Code's workspace trust (the Restricted Mode test); every other test turns it off. `env`: for the extension host (HF_HUB_CACHE). */
  static async start(profile: Profile, folder: string, { workspaceTrust = false, env = {} as Record<string, string> } = {}): Promise<CodeServer> {
    const port = await freePort();
    const args = [
      '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
      '--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir,
      '--disable-telemetry', '--disable-update-check', ...(workspaceTrust ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override', '--ignore-last-opened',
      folder,
    ];
    const child = spawn(CODE_SERVER, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', ...env } });
    const server = new CodeServer(child, port);
    await server.waitUntilListening();
    return server;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The workbench page for `folder`, with an optional payload (extension development and test paths). */
  url(folder: string, payload?: [string, string][]): string {
    const query = `folder=${encodeURIComponent(folder)}` + (payload ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : '');
    return `${this.origin}/?${query}`;
  }

  /** A path on this machine as the extension host sees it through the page (the authority must match). */
  remoteUri(path: string): string {
    return `vscode-remote://127.0.0.1:${this.port}${path}`;
  }

  /** The last lines of code-server's own log, for failure messages. */
  logTail(lines = 40): string {
    return this.log.split('\n').slice(-lines).join('\n');
  }

  private async waitUntilListening(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`${this.exited} before it listened:\n${this.logTail()}`);
      if (this.log.includes('HTTP server listening')) return;
      await new Promise((wake) => setTimeout(wake, 200));
    }
    throw new Error(`code-server did not listen within ${timeoutMs / 1000} s:\n${this.logTail()}`);
  }

  /** Stops code-server and everything it started (the extension host, the session worker). */
  async stop(): Promise<void> {
    if (this.exited || this.child.pid === undefined) return;
    const gone = new Promise((done) => this.child.once('exit', done));
    signalGroup(this.child.pid, 'SIGTERM');
    const killed = await Promise.race([gone.then(() => true), new Promise((wake) => setTimeout(() => wake(false), 5000))]);
    if (!killed) signalGroup(this.child.pid, 'SIGKILL');
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
