// Activates dist/extension.js outside VS Code and tells what that loaded: every module it required and every
// file it opened, and the commands it registered; then runs one of them (GPT-2: Show Lesson, which needs no model)
// and tells what that loaded in turn (the explorer bundle, dist/explorer.js), what it showed the user and ran, and
// whether it threw; then how the status bar and the lesson view answer after it (the status bar redrawn on a settings
// change, the lesson view opened and sent `ready`) and what becomes of a restored explorer panel. JSON on stdout. `vscode` is a stand-in that answers any call
// (the activation only registers things) and keeps what these need; the extension context is real folders. The
// extension's folder is the first argument (the repository's by default: a test may hand in a copy with a file
// missing). Run by activation.test.ts in its own process.
const fs = require('node:fs');
const Module = require('node:module');
const { join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..', '..');
const EXTENSION = resolve(process.argv[2] ?? ROOT);
const any = new Proxy(function () {}, {
  get: (_target, key) => (key === 'then' ? (done) => done(undefined) : key === Symbol.toPrimitive ? () => '' : key === Symbol.iterator ? undefined : any),
  apply: () => any,
  construct: () => any,
  set: () => true,
  defineProperty: () => true,
});
/** A stand-in namespace of `vscode` whose `own` members are real and whose others answer anything. */
const partly = (own) => new Proxy({}, { get: (_target, key) => (key in own ? own[key] : any) });
const BUNDLE = join(EXTENSION, 'dist', 'extension.js');
// The names the bundles read off `vscode` (esbuild's copy of the module takes only its own properties).
const used = ['extension.js', 'explorer.js'].flatMap((bundle) => [...fs.readFileSync(join(ROOT, 'dist', bundle), 'utf8').matchAll(/\bvscode\d*\.([A-Za-z]+)/g)]);
const vscode = Object.fromEntries(used.map((match) => [match[1], any]));
const handlers = new Map();
const executed = []; // the commands the extension ran itself, with their arguments
vscode.commands = partly({
  registerCommand: (id, handler) => (handlers.set(id, handler), any),
  executeCommand: async (...command) => void executed.push(command),
});
const shown = []; // the notifications, each answered with its first button, as if the user pressed it
const notify = (kind) => async (message, ...buttons) => (shown.push({ kind, message, buttons }), buttons[0]);
const statusBar = { text: '', shown: false, disposed: false, show: () => (statusBar.shown = true), dispose: () => (statusBar.disposed = true) };
let lessonProvider;
let panelSerializer;
vscode.window = partly({
  showErrorMessage: notify('error'),
  showWarningMessage: notify('warning'),
  showInformationMessage: notify('information'),
  createStatusBarItem: () => statusBar,
  registerWebviewViewProvider: (_id, provider) => ((lessonProvider = provider), any),
  registerWebviewPanelSerializer: (_type, serializer) => ((panelSerializer = serializer), any),
});
const configurationListeners = [];
vscode.workspace = partly({
  onDidChangeConfiguration: (listener) => (configurationListeners.push(listener), any),
  getConfiguration: () => ({ get: () => undefined, inspect: () => undefined }), // nothing set: every default
});

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

/** An explorer panel restored now, as after a window reload: whether the extension kept it open or closed it. */
async function restorePanel() {
  let closed = false;
  await panelSerializer.deserializeWebviewPanel(partly({ dispose: () => (closed = true) }), undefined);
  return closed ? 'closed' : 'open';
}

/** The lesson view, opened now: what it posts once its page says `ready`. */
async function openLesson() {
  const posted = [];
  let receive = () => undefined;
  const webview = { options: {}, html: '', cspSource: '', asWebviewUri: () => 'webview:', onDidReceiveMessage: (listener) => ((receive = listener), any), postMessage: async (message) => (posted.push(message), true) };
  lessonProvider.resolveWebviewView({ webview, visible: true, onDidDispose: () => any });
  receive({ type: 'ready' });
  await new Promise((wake) => setTimeout(wake, 50));
  return posted.map((message) => message.type);
}

const memory = () => ({ get: () => undefined, update: async () => undefined, keys: () => [] });
const storage = fs.mkdtempSync(join(require('node:os').tmpdir(), 'gpt2-activate-'));
const { publisher, name } = JSON.parse(fs.readFileSync(join(ROOT, 'package.json'), 'utf8'));
const context = { extension: { id: `${publisher}.${name}` }, extensionPath: EXTENSION, extensionUri: any, globalStorageUri: { fsPath: storage }, subscriptions: [], workspaceState: memory(), globalState: memory(), secrets: any };
required.length = opened.length = 0; // what the stand-in itself read
const started = process.hrtime.bigint();
require(BUNDLE).activate(context);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
setTimeout(async () => {
  const activation = { required: required.splice(0), opened: opened.splice(0), subscriptions: context.subscriptions.length, commands: [...handlers.keys()], ms };
  let threw = null;
  try {
    await handlers.get('gpt2Explorer.showWalkthrough')();
  } catch (error) {
    threw = String(error).split('\n')[0];
  }
  const command = { required: required.splice(0), opened: opened.splice(0), shown: shown.splice(0), executed: executed.splice(0), threw };
  statusBar.text = '';
  for (const listener of configurationListeners) listener({ affectsConfiguration: () => true });
  const after = { statusBar: { text: statusBar.text, shown: statusBar.shown, disposed: statusBar.disposed }, lesson: await openLesson(), panel: await restorePanel(), shown: shown.splice(0) };
  fs.rmSync(storage, { recursive: true, force: true });
  // The lesson view's page retry (2 s) would keep the process alive: it has said all there is.
  process.stdout.write(JSON.stringify({ ...activation, command, after }), () => process.exit(0));
}, 200); // what activation left for later (a settings read, a refresh) runs too
