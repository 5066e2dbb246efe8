// Activates dist/extension.js outside VS Code and tells what that loaded: every module it required and every
// file it opened, and the commands it registered; then runs one of them (GPT-2: Show Lesson, which needs no model)
// and tells what that loaded in turn (the explorer bundle, dist/explorer.js). JSON on stdout. `vscode` is a stand-in
// that answers any call (the activation only registers things) and keeps the commands' handlers; the extension
// context is real folders. Run by activation.test.ts in its own process.
const fs = require('node:fs');
const Module = require('node:module');
const { join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..', '..');
const any = new Proxy(function () {}, {
  get: (_target, key) => (key === 'then' ? (done) => done(undefined) : key === Symbol.toPrimitive ? () => '' : key === Symbol.iterator ? undefined : any),
  apply: () => any,
  construct: () => any,
  set: () => true,
  defineProperty: () => true,
});
const BUNDLE = join(ROOT, 'dist', 'extension.js');
// The names the bundles read off `vscode` (esbuild's copy of the module takes only its own properties).
const used = ['extension.js', 'explorer.js'].flatMap((bundle) => [...fs.readFileSync(join(ROOT, 'dist', bundle), 'utf8').matchAll(/\bvscode\d*\.([A-Za-z]+)/g)]);
const vscode = Object.fromEntries(used.map((match) => [match[1], any]));
const handlers = new Map();
vscode.commands = new Proxy({}, { get: (_target, key) => (key === 'registerCommand' ? (id, handler) => (handlers.set(id, handler), any) : any) });

const required = [];
const load = Module._load;
Module._load = function (request, ...rest) {
  required.push(request);
  return request === 'vscode' ? vscode : load.call(this, request, ...rest);
};
const opened = [];
const watch = (owner, name) => {
  const original = owner[name];
  owner[name] = function (file, ...rest) {
    opened.push(String(file));
    return original.call(this, file, ...rest);
  };
};
for (const name of ['readFileSync', 'readFile', 'openSync', 'open', 'createReadStream']) watch(fs, name);
for (const name of ['readFile', 'open']) watch(fs.promises, name);

const memory = () => ({ get: () => undefined, update: async () => undefined, keys: () => [] });
const storage = fs.mkdtempSync(join(require('node:os').tmpdir(), 'gpt2-activate-'));
const context = { extensionPath: ROOT, extensionUri: any, globalStorageUri: { fsPath: storage }, subscriptions: [], workspaceState: memory(), globalState: memory(), secrets: any };
const started = process.hrtime.bigint();
require(BUNDLE).activate(context);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
setTimeout(async () => {
  const activation = { required: required.splice(0), opened: opened.splice(0), subscriptions: context.subscriptions.length, commands: [...handlers.keys()], ms };
  await handlers.get('gpt2Explorer.showWalkthrough')();
  fs.rmSync(storage, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ ...activation, command: { required, opened } }));
}, 200); // what activation left for later (a settings read, a refresh) runs too
