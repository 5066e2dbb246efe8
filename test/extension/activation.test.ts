// Activation stays light (the extension activates on eight languages, so in nearly every window): the real
// bundle, dist/extension.js, activated in its own process, requires nothing but `vscode` and Node's own
// modules and opens no file but itself — no explorer bundle, no onnxruntime-node, no tokenizer, no model — and still
// registers every command package.json contributes. The first command run requires the explorer bundle
// (dist/explorer.js: the controller and the commands' handlers) and still no onnxruntime-node, tokenizer or model.
// How long activation takes is printed, not asserted (speed lives in bench/ and the real VS Code test). An install
// whose explorer bundle is missing or damaged gets one message that says so and what to do, not Node's error, and
// the status bar and the lesson view go on answering.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { statusText } from '../../src/extension/explorer/status-text';
import { DEFAULT_DECODING } from '../../src/protocol/decoding';

const ROOT = resolve(__dirname, '..', '..');
const BUNDLE = join(ROOT, 'dist', 'extension.js');
const EXPLORER = join(ROOT, 'dist', 'explorer.js');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

interface Loaded {
  required: string[];
  opened: string[];
}

/** What the first command did besides loading: the notifications (each answered with its first button), the commands it ran, its error. */
interface Command extends Loaded {
  shown: { kind: string; message: string; buttons: string[] }[];
  executed: unknown[][];
  threw: string | null;
}

/** The status bar after a settings change, what the lesson view posted once its page said `ready`, a restored panel, and what that showed. */
interface After {
  statusBar: { text: string; shown: boolean; disposed: boolean };
  lesson: string[];
  panel: 'open' | 'closed';
  shown: Command['shown'];
}

type Activation = Loaded & { subscriptions: number; commands: string[]; ms: number; command: Command; after: After };

/** The command ids package.json contributes, sorted. */
const contributedCommands = () => PACKAGE.contributes.commands.map((command: { command: string }) => command.command).sort();

/** activate-bundle.cjs on the extension in `folder`, in its own process. */
async function activateIn(folder: string): Promise<Activation> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, 'activate-bundle.cjs'), folder]);
  return JSON.parse(stdout);
}

/** The modules `loaded` required, Node's own left out, each once. */
const modules = (loaded: Loaded) => [...new Set(loaded.required.filter((name) => !name.startsWith('node:')))];

describe('activation (dist/extension.js)', () => {
  let activation: Activation;

  before(async () => {
    assert.ok(existsSync(BUNDLE) && existsSync(EXPLORER), 'run npm run build first');
    activation = await activateIn(ROOT);
    console.log(`      activated in ${activation.ms.toFixed(1)} ms (require and activate, outside VS Code)`);
  });

  it('loads neither the explorer bundle nor onnxruntime-node nor the tokenizer nor a model, and registers every command', () => {
    assert.deepEqual(modules(activation), [BUNDLE, 'vscode']);
    assert.deepEqual(activation.opened.filter((file) => file !== BUNDLE), []);
    assert.deepEqual([...activation.commands].sort(), contributedCommands());
    assert.ok(activation.subscriptions >= 20, `only ${activation.subscriptions} registrations: activation stopped half-way?`);
  });

  it('requires the explorer bundle when a command first runs, and still neither onnxruntime-node nor the tokenizer nor a model', () => {
    assert.deepEqual(modules(activation.command), [EXPLORER, 'vscode']);
    assert.deepEqual(activation.command.opened.filter((file) => file !== EXPLORER), []);
    assert.deepEqual([activation.command.threw, activation.command.shown, activation.after.panel], [null, [], 'open'], 'no error, no message, a restored panel kept');
  });
});

describe('activation of an install whose explorer bundle will not load', () => {
  let folder: string;

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'gpt2-broken-install-'));
    await mkdir(join(folder, 'dist'));
    await copyFile(BUNDLE, join(folder, 'dist', 'extension.js'));
  });

  afterEach(() => rm(folder, { recursive: true, force: true }));

  /**
   * The first command's run: no error thrown, one message naming the file with Node's words and the fix, its button
   * to the extension; then the status bar and the lesson still answer, and a restored panel is closed with the message.
   */
  function assertToldOnce(activation: Activation, nodeWords: RegExp): void {
    const { command, after } = activation;
    assert.equal(command.threw, null, 'the command threw Node\'s error at the user');
    assert.equal(command.shown.length, 1, JSON.stringify(command.shown));
    const [{ kind, message, buttons }] = command.shown;
    assert.equal(kind, 'error');
    assert.match(message, /^GPT-2 Explorer's files are incomplete: dist\/explorer\.js could not be loaded \((.+)\)\. Reinstall the extension /);
    assert.match(/could not be loaded \((.+)\)\. Reinstall/.exec(message)![1], nodeWords);
    assert.deepEqual(buttons, ['Show in Extensions']);
    assert.deepEqual(command.executed, [['workbench.extensions.search', `@id:${PACKAGE.publisher}.${PACKAGE.name}`]], 'the button shows the extension in the Extensions view');
    assert.deepEqual(after.statusBar, { text: statusText('none', null, DEFAULT_DECODING.temperature).text, shown: true, disposed: false }, 'the status bar is redrawn on a settings change');
    assert.deepEqual(after.lesson, ['lesson', 'progress'], 'the lesson view sends its page the lesson');
    assert.equal(after.panel, 'closed', 'a restored explorer panel, which nothing can draw, is closed');
    assert.deepEqual(after.shown.map((shown) => shown.message), [message], 'and the user is told why');
  }

  it('dist/explorer.js missing: the message and its button instead of "Cannot find module" thrown, and the status bar and the lesson answer', async () => {
    const activation = await activateIn(folder);
    assert.deepEqual([...activation.commands].sort(), contributedCommands(), 'every command registered all the same');
    assertToldOnce(activation, /^Cannot find module '.*explorer\.js'$/);
  });

  it('dist/explorer.js cut short: the same message with the SyntaxError, and the status bar and the lesson answer', async () => {
    const whole = await readFile(EXPLORER, 'utf8');
    await writeFile(join(folder, 'dist', 'explorer.js'), whole.slice(0, whole.length >> 1));
    assertToldOnce(await activateIn(folder), /^SyntaxError: /);
  });
});
