// `npm start`: runs the freshly built extension in a development VS Code.
// With a desktop VS Code on PATH (`code`), it opens a new window with the extension loaded from this folder
// (the same as F5 in VS Code). Without one, it serves VS Code in the browser with code-server (installed
// offline into .cache/code-server on first use) and prints the address to open.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const workspace = join(root, 'test', 'extension', 'fixtures');
const port = Number(process.env.PORT ?? 8080);

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function startDesktop() {
  const args = ['--new-window', `--extensionDevelopmentPath=${root}`, existsSync(workspace) ? workspace : root];
  spawn('code', args, { stdio: 'inherit', detached: true }).unref();
  console.log('Opened VS Code with GPT-2 Explorer loaded from this folder. Run "GPT-2: Open Explorer" from the Command Palette.');
}

function codeServerBinary() {
  const dir = join(root, '.cache', 'code-server');
  const binary = join(dir, 'node_modules', '.bin', 'code-server');
  if (existsSync(binary)) return binary;
  const installer = resolve(root, '..', 'shared', 'tools', 'install-code-server.sh');
  if (!existsSync(installer)) {
    throw new Error('No `code` command on PATH and no code-server: install VS Code, or press F5 in VS Code with this folder open.');
  }
  console.log('Installing code-server into .cache/code-server (about 2 minutes, once)…');
  const result = spawnSync('bash', [installer, dir], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('code-server could not be installed; see the output above.');
  return binary;
}

function startBrowser() {
  const binary = codeServerBinary();
  const userData = join(root, '.cache', 'code-server-user');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify({ 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false }, null, 2),
  );
  const folder = existsSync(workspace) ? workspace : root;
  const authority = `127.0.0.1:${port}`;
  const payload = encodeURIComponent(JSON.stringify([['extensionDevelopmentPath', `vscode-remote://${authority}${root}`]]));
  const args = ['--auth', 'none', '--bind-addr', authority, '--user-data-dir', userData, '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', folder];
  spawn(binary, args, { stdio: 'inherit' });
  console.log(`\nOpen http://${authority}/?folder=${encodeURIComponent(folder)}&payload=${payload}\n`);
}

if (hasCommand('code')) startDesktop();
else startBrowser();
