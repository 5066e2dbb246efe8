// `npm start`: runs the freshly built extension in a development VS Code.
// With a desktop VS Code on PATH (`code`), it opens a new window with the extension loaded from this folder
// (the same as F5 in VS Code). Without one, it serves VS Code in the browser with code-server (installed
// by install-code-server.mjs into .cache/code-server on first use) and prints the address to open.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { installCodeServer } from './install-code-server.mjs';

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

function startBrowser() {
  const binary = installCodeServer(join(root, '.cache', 'code-server'));
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

try {
  if (hasCommand('code')) startDesktop();
  else startBrowser();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
