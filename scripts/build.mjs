// Builds every bundle with esbuild: the extension (its activation and its explorer), the CLI and the session worker for Node,
// and the webview apps for the browser. `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.env.NODE_ENV === 'production';

/** Node bundles: onnxruntime-node is a native addon and `vscode` is provided by the host. */
const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  external: ['vscode', 'onnxruntime-node', 'onnxruntime-web'],
  logLevel: 'warning',
};

/** Browser bundles: Preact apps loaded by the webviews through asWebviewUri. */
const browser = {
  bundle: true,
  platform: 'browser',
  target: 'chrome120',
  format: 'iife',
  sourcemap: !production,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  loader: { '.css': 'css' },
  logLevel: 'warning',
};

/**
 * Read by src/extension/extension.ts: when the extension bundle's code began and finished running, so activation can
 * report its modules' own start-up (the time VS Code then spends preparing the extension's context is not ours).
 * The directive comes first, so the bundle stays strict.
 */
const BUNDLE_CLOCK = {
  banner: { js: '"use strict"; var __gpt2ExplorerBundleStart = performance.now(), __gpt2ExplorerBundleEnd;' },
  footer: { js: '__gpt2ExplorerBundleEnd = performance.now();' },
};

/**
 * Activation compiles the whole extension bundle, in nearly every window, so it holds only what activate() registers
 * (src/extension/extension.ts); the controller and everything behind the commands is the explorer bundle, which it
 * requires when the explorer is first asked for (src/extension/explorer-bundle.ts, explorer/lazy-explorer.ts). What only a model
 * import needs stays out of both and is required on first use (src/engine/tokenizer.ts imports it when a tokenizer is
 * read). The VSIX carries it in node_modules (.vscodeignore).
 */
const LAZY_IN_EXTENSION = ['@huggingface/tokenizers'];

const builds = [
  { ...node, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist', ...BUNDLE_CLOCK, external: [...node.external, ...LAZY_IN_EXTENSION] },
  { ...node, entryPoints: { explorer: 'src/extension/explorer-bundle.ts' }, outdir: 'dist', external: [...node.external, ...LAZY_IN_EXTENSION] },
  { ...node, entryPoints: { cli: 'src/cli/cli.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: { 'session-worker': 'src/explorer/worker.ts' }, outdir: 'dist' },
  { ...browser, entryPoints: { explorer: 'webview/explorer/main.tsx' }, outdir: 'dist/webview' },
  { ...browser, entryPoints: { walkthrough: 'webview/walkthrough/main.tsx' }, outdir: 'dist/webview' },
];

function present(build) {
  const missing = Object.values(build.entryPoints).filter((file) => !existsSync(file));
  if (missing.length === 0) return true;
  if (process.env.CI) throw new Error(`build: missing entry point ${missing.join(', ')}`);
  console.warn(`build: skipping ${missing.join(', ')} (not written yet)`);
  return false;
}

const active = builds.filter(present);
if (watch) {
  for (const build of active) await (await esbuild.context(build)).watch();
} else {
  await Promise.all(active.map((build) => esbuild.build(build)));
}
