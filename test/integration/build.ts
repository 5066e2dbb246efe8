// Bundles the integration suite for the extension host: out/integration/index.js (the runner VS Code
// calls) and one bundle per *.test.ts. `vscode` comes from the host; mocha from node_modules.

import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';

export const ROOT = resolve(__dirname, '..', '..');
export const SUITE_OUT = join(ROOT, 'out', 'integration');
/** The file passed as extensionTestsPath. */
export const SUITE_ENTRY = join(SUITE_OUT, 'index.js');

export async function buildIntegrationSuite(): Promise<string> {
  const suite = join(ROOT, 'test', 'integration', 'suite');
  const entries = readdirSync(suite).filter((file) => file === 'index.ts' || file.endsWith('.test.ts'));
  await esbuild.build({
    entryPoints: entries.map((file) => join(suite, file)),
    outdir: SUITE_OUT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return SUITE_ENTRY;
}
