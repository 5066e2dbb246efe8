// What a VS Code under test needs around the extension: a tiny generated GPT-2 (2 layers, 4 heads,
// 64 wide, GPT-2's real tokenizer) and settings that point gpt2Explorer.modelPath at it.

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './build';

const run = promisify(execFile);

/** The bundles VS Code loads; `npm run build` makes them. */
const BUNDLES = ['dist/extension.js', 'dist/explorer.js', 'dist/session-worker.js', 'dist/cli.js', 'dist/webview/explorer.js', 'dist/webview/walkthrough.js'];

export function assertBuilt(): void {
  const missing = BUNDLES.filter((file) => !existsSync(join(ROOT, file)));
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}: run \`npm run build\` first`);
}

export async function makeTestModel(dir: string): Promise<string> {
  await run(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'make-test-model', '--out', dir, '--layers', '2', '--heads', '4', '--embd', '64']);
  return dir;
}

/**
 * User settings for a fresh profile. gpt2Explorer.modelPath is machine-scoped, which a remote window
 * (code-server) reads from the Machine settings: both files get it.
 */
export function writeSettings(userDataDir: string, modelDir: string): void {
  const settings = {
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'extensions.autoCheckUpdates': false,
    'telemetry.telemetryLevel': 'off',
    'remote.autoForwardPorts': false, // other processes' ports would raise notifications over the UI
    'gpt2Explorer.modelPath': modelDir,
  };
  for (const scope of ['User', 'Machine']) {
    mkdirSync(join(userDataDir, scope), { recursive: true });
    writeFileSync(join(userDataDir, scope, 'settings.json'), JSON.stringify(settings, null, 2));
  }
}
