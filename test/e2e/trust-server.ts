// What the Restricted Mode test needs beyond the shared harness (code-server.ts, used read-only): a
// profile with workspace trust ON and a code-server started WITHOUT --disable-workspace-trust. The shared
// CodeServer.start always passes that flag and makeProfile turns trust off (right for every other test),
// so this file patches the profile and starts its own code-server the same way: its own process group,
// stopped by its pid.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_SERVER, freePort, makeProfile, type Profile } from './code-server';

/** makeProfile's profile (the user's own model in modelPath), with workspace trust on and no start-up prompt. */
export function trustingProfile(dir: string, modelDir: string): Profile {
  const profile = makeProfile(dir, modelDir);
  for (const scope of ['User', 'Machine']) {
    const file = join(profile.userDataDir, scope, 'settings.json');
    const settings = JSON.parse(readFileSync(file, 'utf8'));
    settings['security.workspace.trust.enabled'] = true;
    settings['security.workspace.trust.startupPrompt'] = 'never'; // the folder opens untrusted, without the modal question
    settings['security.workspace.trust.banner'] = 'never'; // the status bar still says "Restricted Mode"
    writeFileSync(file, JSON.stringify(settings, null, 2));
  }
  return profile;
}

export class TrustingCodeServer {
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

  static async start(profile: Profile, folder: string): Promise<TrustingCodeServer> {
    const port = await freePort();
    const args = [
      '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
      '--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir,
      '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', '--ignore-last-opened',
      folder,
    ];
    const child = spawn(CODE_SERVER, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } });
    const server = new TrustingCodeServer(child, port);
    await server.waitUntilListening();
    return server;
  }

  url(folder: string): string {
    return `http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(folder)}`;
  }

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
    const stopped = await Promise.race([gone.then(() => true), new Promise((wake) => setTimeout(() => wake(false), 5000))]);
    if (!stopped) signalGroup(this.child.pid, 'SIGKILL');
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
