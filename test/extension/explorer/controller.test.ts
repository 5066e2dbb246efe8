// The controller as the panel and the commands drive it, on a real worker and a real tiny model.
// Only the VS Code surface is recorded (notifications, progress, the panel's postMessage).

import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExplorerController } from '../../../src/extension/explorer/controller';
import type { ExplorerState } from '../../../src/extension/ports';
import { findStep } from '../../../src/extension/walkthrough/lesson';
import { performLessonAction, type LessonHands } from '../../../src/extension/walkthrough/lesson-actions';
import type { ExtensionSettings } from '../../../src/extension/common/settings';
import { DEFAULT_DECODING, type DecodingKey, type DecodingSettings } from '../../../src/protocol/decoding';
import { parseHostMessage, type HostMessage, type UiPatch } from '../../../src/protocol/explorer';
import { readAnalysis } from '../../../src/protocol/export-format';
import { unpackAttention } from '../../../src/protocol/attention-map';
import type { QkvView } from '../../../src/protocol/views';
import { writeCachedRepo } from '../../engine/hub-repo';
import { PREFILL_PASS } from '../../../src/engine/prefill';
import { testModel, TINY } from '../../engine/models';
import * as lesson from '../../webview/fixtures/lesson';
import { panelSessions } from './panel-sessions';
import { LESSON_SENTENCE, RecordingUi, tinyInt8Model, tinyModel, workerBundle, WorkerSpawner } from '../worker-harness';

describe('explorer controller (real worker, tiny model)', () => {
  let modelDir: string;
  let spawner: WorkerSpawner;
  let ui: RecordingUi;
  let settings: ExtensionSettings;
  let controller: ExplorerController;
  let posted: HostMessage[];
  let states: ExplorerState[];

  before(async () => {
    modelDir = await tinyModel();
  });

  beforeEach(async () => {
    spawner = new WorkerSpawner(await workerBundle());
    ui = new RecordingUi();
    settings = { modelPath: modelDir, model: '', provider: 'cpu', threads: 1, weights: 'float32', decoding: { ...DEFAULT_DECODING, temperature: 0 }, codeLensEnabled: true };
    controller = new ExplorerController({ spawnWorker: spawner.spawn, presets: lesson.presets, settings: () => settings, storageDir: '/nonexistent/storage', ui });
    posted = [];
    states = [];
    controller.attachPanel((message) => {
      const checked = parseHostMessage(message);
      assert.ok(checked.ok, `the host sent an invalid message: ${checked.ok ? '' : checked.error}`);
      posted.push(message);
    });
    controller.onDidChangeState((state) => states.push(state));
  });

  afterEach(() => controller.dispose());

  const sessions = () => panelSessions(posted);

  it('answers `ready` with the presets and the status, then analyzes the lesson sentence', async () => {
    controller.receive({ type: 'ready' });
    await until(() => sessions().length === 1);
    assert.equal(posted[0].type, 'init');
    assert.equal(posted[1].type, 'status');
    const [session] = sessions();
    assert.equal(session.sentence.id, 'capitals');
    assert.equal(session.tokens.length, 12);
    assert.deepEqual(session.defaults, { layer: 1, head: 0 }, "the preset's layer 6 does not exist in a 2-layer model: its last layer instead");
    assert.equal(controller.state.model, 'ready');
    assert.ok(states.some((state) => state.model === 'loading'));
  });

  it('refuses to compare with a prompt longer than Compare takes: the tab hears why and what to do, in a sentence of its own', async () => {
    controller.receive({ type: 'ready' });
    await until(() => sessions().length === 1);
    const long = ' capital'.repeat(TINY.nPositions! + 1); // one token each: past the tiny model's context, Compare's bound here
    controller.receive({ type: 'requestCompare', corrupt: long, pair: null });
    await until(() => posted.some((message) => message.type === 'compareRefused'));
    const refused = posted.find((message) => message.type === 'compareRefused');
    assert.ok(refused?.type === 'compareRefused');
    assert.deepEqual([refused.clean, refused.corrupt], [sessions()[0].sentence.text, long]);
    assert.equal(refused.message, `The second prompt has ${TINY.nPositions! + 1} tokens; Compare and patching take prompts of at most ${TINY.nPositions}: shorten it (or pick a shorter sentence) to compare it.`);
    assert.ok(!posted.some((message) => message.type === 'compare'), 'nothing was compared');
  });

  it('analyzes a selection, steps, and selects a token back in its editor', async () => {
    const selected: [number, number][] = [];
    const sent = await controller.analyze(LESSON_SENTENCE, 'selection', { select: (start, end) => selected.push([start, end]) });
    assert.equal(sent, true);
    assert.equal(controller.state.session?.tokens.length, 12);
    await controller.step();
    assert.equal(controller.state.session?.generated, 1);
    assert.equal(sessions().at(-1)?.generated, 1);
    controller.receive({ type: 'revealToken', index: 3 }); // " Germany"
    controller.receive({ type: 'revealToken', index: 12 }); // generated: in no editor
    await until(() => selected.length === 1);
    assert.deepEqual(selected, [[14, 22]]);
    assert.equal(LESSON_SENTENCE.slice(14, 22), ' Germany');
  });

  it('goes back to the sentence on screen when a long analysis is cancelled: a chip reveals in its editor, a reload analyzes it', async () => {
    settings = { ...settings, modelPath: await testModel({ ...TINY, nPositions: 3 * PREFILL_PASS }) }; // room for more than one pass
    const selected: [number, number][] = [];
    assert.equal(await controller.analyze(LESSON_SENTENCE, 'selection', { select: (start, end) => selected.push([start, end]) }), true);
    const long = Array.from({ length: 400 }, (_, i) => `word${i} and`).join(' ');
    controller.attachPanel((message) => {
      posted.push(message);
      if (message.type === 'progress' && message.progress?.done === 0) controller.receive({ type: 'cancel' });
    });
    assert.equal(await controller.analyze(long, 'selection', { select: () => assert.fail('the cancelled text was selected') }), false);
    assert.ok(posted.some((message) => message.type === 'progress' && message.progress === null), 'the progress was taken down');
    controller.receive({ type: 'revealToken', index: 3 });
    await until(() => selected.length === 1);
    assert.deepEqual(selected, [[14, 22]], "the lesson sentence's own editor");
    await controller.reloadModel();
    assert.equal(sessions().at(-1)?.tokens.length, 12, 'the reload analyzed the lesson sentence again, not the cancelled text');
  });

  it('sends nothing for an empty or whitespace-only selection, and says why', async () => {
    assert.equal(await controller.analyze('', 'selection'), false);
    assert.equal(await controller.analyze(' \n\t', 'selection'), false);
    assert.equal(ui.problems.length, 2);
    assert.match(ui.problems[0].message, /empty/);
    assert.match(ui.problems[1].message, /only spaces or line breaks/);
    assert.equal(spawner.started.length, 0, 'no worker was needed');
  });

  it('says how many tokens were cut from a text longer than the context', async () => {
    const long = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' '); // ≈ 80 tokens; the tiny model reads 64
    assert.equal(await controller.analyze(long, 'selection'), true);
    const session = controller.state.session!;
    assert.equal(session.tokens.length, 64 - session.settings.maxNewTokens);
    assert.ok(session.truncated > 0);
    assert.deepEqual(ui.notes, [`GPT-2 reads at most 64 tokens: the first ${session.truncated} tokens of the text were cut, the last ${session.tokens.length} analyzed, leaving room for ${session.settings.maxNewTokens} new ones.`]);
  });

  it('keeps the last 200,000 characters of a huge text, and still selects the right ones in the editor', async () => {
    const huge = `${'x'.repeat(10)}${' word'.repeat(40_000)}`; // 200,010 characters
    const selected: [number, number][] = [];
    assert.equal(await controller.analyze(huge, 'selection', { select: (start, end) => selected.push([start, end]) }), true);
    assert.match(ui.notes[0], /The text has 200,010 characters; only its last 200,000 were sent to GPT-2\./);
    assert.match(ui.notes[1], /the first \d+ tokens of the text were cut, the last 54 analyzed, leaving room for 10 new ones/);
    const first = controller.state.session!.tokens[0];
    controller.receive({ type: 'revealToken', index: 0 });
    await until(() => selected.length === 1);
    assert.deepEqual(selected, [[first.start + 10, first.end + 10]], 'offsets in the full text');
    assert.equal(huge.slice(selected[0][0], selected[0][1]), first.text);
  });

  it('reads every head ahead after an attention answer, each its own head\'s pattern, and never one of a session the panel no longer shows', async () => {
    controller.receive({ type: 'ready' });
    await until(() => sessions().length === 1);
    const { layers, heads } = sessions()[0].model;
    const ahead = () => posted.flatMap((message) => (message.type === 'attentionAhead' ? message.maps : []));
    controller.receive({ type: 'requestAttention', layer: 1, head: 0 });
    await until(() => ahead().length === layers * heads);
    assert.deepEqual(new Set(ahead().map((map) => `${map.layer}/${map.head}`)).size, layers * heads, 'every head once');
    // The last head's pattern against one computed here from its queries and keys (the Q/K/V view): softmax(q·k / √dh) over the keys so far.
    const [layer, head] = [1, heads - 1];
    const map = ahead().find((found) => found.layer === layer && found.head === head)!;
    const pattern = unpackAttention(map);
    assert.ok(pattern.ok);
    const size = map.size;
    const vectors: QkvView[] = [];
    for (let token = 0; token < size; token++) {
      controller.receive({ type: 'requestQkv', layer, head, token });
      await until(() => posted.some((message) => message.type === 'qkv' && message.view.token === token && message.view.head === head));
      vectors.push(posted.find((message): message is Extract<HostMessage, { type: 'qkv' }> => message.type === 'qkv' && message.view.token === token && message.view.head === head)!.view);
    }
    for (let query = 0; query < size; query++) {
      const scores = vectors.slice(0, query + 1).map(({ k }) => k.reduce((sum, value, i) => sum + value * vectors[query].q[i], 0) / Math.sqrt(k.length));
      const top = Math.max(...scores);
      const total = scores.reduce((sum, score) => sum + Math.exp(score - top), 0);
      scores.forEach((score, key) => assert.ok(Math.abs(pattern.value.weights[query * size + key] - Math.exp(score - top) / total) < 1e-5, `query ${query}, key ${key}`));
    }
    // A Step right behind an answer: whatever was read for the prompt reaches the panel before the Step's session, never after it.
    const before = posted.length;
    controller.receive({ type: 'requestAttention', layer: 0, head: 1 });
    controller.receive({ type: 'step' });
    await until(() => sessions().length === 2);
    controller.receive({ type: 'requestAttention', layer: 0, head: 1 });
    await until(() => ahead().filter((found) => found.size === size + 1).length === layers * heads);
    const stepped = posted.findIndex((message, i) => i >= before && message.type === 'session');
    assert.ok(posted.slice(stepped).every((message) => message.type !== 'attentionAhead' || message.maps.every((found) => found.size === size + 1)), 'a pattern of the prompt came after the Step');
  });

  it('counts Sample rolls and forwards UI changes once the panel listens', async () => {
    await controller.choosePreset(lesson.presets[0]);
    controller.applyUi({ tab: 'generation' }); // before `ready`: kept
    assert.equal(posted.filter((message) => message.type === 'ui').length, 0);
    await controller.sample();
    await controller.sample();
    assert.equal(controller.state.tallyTotal, 2);
    assert.equal(posted.filter((message) => message.type === 'tally').length, 2);
    controller.receive({ type: 'ready' });
    await until(() => posted.some((message) => message.type === 'ui'));
    controller.receive({ type: 'uiState', ui: { tab: 'generation', layer: 6, head: 0, slider: 0, token: null, showQkv: false, lensLayer: 12, trackId: null } });
    await until(() => controller.state.ui?.tab === 'generation');
  });

  it('applies decoding settings to the live session', async () => {
    await controller.choosePreset(lesson.presets[0]);
    settings = { ...settings, decoding: { ...settings.decoding, temperature: 1.5, maxNewTokens: 3 } };
    await controller.settingsChanged();
    assert.equal(controller.state.session?.settings.temperature, 1.5);
    assert.equal(controller.state.session?.settings.maxNewTokens, 3);
    assert.equal(controller.state.decoding.temperature, 1.5);
  });

  it('keeps a slider change through a new sentence, a model reload and a worker restart', async () => {
    await controller.choosePreset(lesson.presets[0]);
    controller.receive({ type: 'setDecoding', patch: { temperature: 0.4, topK: 5 } });
    await until(() => controller.state.session?.settings.temperature === 0.4);
    await controller.choosePreset(lesson.presets[1]);
    assert.deepEqual(pick(controller.state.session!.settings), { temperature: 0.4, topK: 5 }, 'a new sentence');
    await controller.reloadModel();
    assert.deepEqual(pick(controller.state.session!.settings), { temperature: 0.4, topK: 5 }, 'a model reload');
    const analyzed = sessions().length;
    await spawner.last.terminate();
    await until(() => sessions().length > analyzed); // the sentence analyzed again by a new worker
    assert.match(ui.notes.join('\n'), /restarted it/);
    assert.deepEqual(pick(sessions().at(-1)!.settings), { temperature: 0.4, topK: 5 }, 'a worker restart');
    assert.deepEqual(settings.decoding, { ...DEFAULT_DECODING, temperature: 0 }, 'the settings were never written');
  });

  it('resolves a decoding change only once the worker has it, and tells the listeners', async () => {
    await controller.choosePreset(lesson.presets[0]);
    const heard = states.length;
    assert.equal(await controller.setDecoding({ temperature: 1.25 }), true);
    assert.equal(controller.state.session?.settings.temperature, 1.25, 'the session the worker answered with');
    assert.equal(sessions().at(-1)?.settings.temperature, 1.25, 'and the panel got it');
    assert.equal(controller.state.decoding.temperature, 1.25);
    assert.ok(states.slice(heard).some((state) => state.decoding.temperature === 1.25), 'the status bar hears it');
  });

  it('changes the live value without a session, and the next sentence starts from it', async () => {
    assert.equal(await controller.setDecoding({ temperature: 0.6 }), true);
    assert.equal(states.at(-1)?.decoding.temperature, 0.6);
    assert.equal(spawner.started.length, 0, 'no worker was needed');
    await controller.choosePreset(lesson.presets[0]);
    assert.equal(controller.state.session?.settings.temperature, 0.6);
  });

  it('refuses a decoding change out of range, logging it, and keeps the live value', async () => {
    await controller.choosePreset(lesson.presets[0]);
    assert.equal(await controller.setDecoding({ temperature: 3 }), false);
    assert.equal(controller.state.decoding.temperature, 0);
    assert.match(ui.logged.join('\n'), /A decoding change was refused: .*temperature/);
  });

  it('lets a settings.json edit after the slider win, and keeps the live value through a window reload', async () => {
    const kept: { value?: unknown } = {};
    const memory = { recall: () => kept.value, keep: (saved: unknown) => void (kept.value = saved) };
    const first = new ExplorerController({ spawnWorker: spawner.spawn, presets: lesson.presets, settings: () => settings, decodingMemory: memory, storageDir: '/nonexistent/storage', ui });
    await first.setDecoding({ temperature: 0.4 });
    settings = { ...settings, decoding: { ...settings.decoding, temperature: 1.5 } };
    await first.settingsChanged();
    assert.equal(first.state.decoding.temperature, 1.5, 'settings.json was written last');
    await first.setDecoding({ topP: 0.5 });
    await first.dispose();
    const reloaded = new ExplorerController({ spawnWorker: spawner.spawn, presets: lesson.presets, settings: () => settings, decodingMemory: memory, storageDir: '/nonexistent/storage', ui });
    assert.deepEqual(pick(reloaded.state.decoding, 'temperature', 'topP'), { temperature: 1.5, topP: 0.5 });
    await reloaded.dispose();
  });

  it('does the lesson\'s temperature step on the live values, never writing the settings', async () => {
    await controller.choosePreset(lesson.presets[0]);
    await controller.setDecoding({ temperature: 1 }); // from the model's own temperature, as a learner would be
    const settingsBefore = settings;
    const ran: string[] = [];
    const commands: Record<string, (...args: unknown[]) => Promise<unknown>> = {
      'gpt2Explorer.applyUi': async (patch) => controller.applyUi(patch as UiPatch),
      'gpt2Explorer.sample': () => controller.sample(),
    };
    const hands: LessonHands = { explorer: controller, run: (command, ...args) => (ran.push(command), commands[command](...args)), pause: async () => undefined };
    const temperatures: number[] = [];
    controller.onDidChangeState((state) => temperatures.push(state.decoding.temperature));
    for (const action of findStep('temperature')!.actions(controller.state, 'capitals')) await performLessonAction(action, hands);
    assert.deepEqual([...new Set(temperatures)], [0, 1.5], 'the live temperature went to 0, then 1.5');
    assert.equal(controller.state.session?.settings.temperature, 1.5, 'and the session samples at 1.5');
    assert.equal(controller.state.tallyTotal, 10, 'the tally restarted at 1.5: ten rolls since');
    assert.deepEqual([...new Set(ran)], ['gpt2Explorer.applyUi', 'gpt2Explorer.sample'], 'no command but the panel\'s and Sample');
    assert.equal(settings, settingsBefore, 'the settings were not replaced');
    assert.deepEqual(settings.decoding, { ...DEFAULT_DECODING, temperature: 0 });
  });

  it('reloads the model when gpt2Explorer.weights changes, and the panel\'s model line then says 8-bit weights', async () => {
    settings = { ...settings, modelPath: await tinyInt8Model(), decoding: DEFAULT_DECODING }; // temperature 1: the model's own probabilities
    await controller.settingsChanged(); // another folder: reloads, and the panel gets the first preset
    const exact = sessions().at(-1)!;
    assert.equal(exact.model.name, 'test model (2 layers, 64 wide)');
    settings = { ...settings, weights: 'int8' };
    await controller.settingsChanged();
    const quantized = sessions().at(-1)!;
    assert.equal(quantized.model.name, 'test model (2 layers, 64 wide), 8-bit weights');
    assert.equal(quantized.sentence.text, exact.sentence.text, 'the same sentence, analyzed again');
    assert.notEqual(quantized.next.top[0].prob, exact.next.top[0].prob, 'by the 8-bit model');
    settings = { ...settings, weights: 'float32' };
    await controller.settingsChanged();
    assert.equal(sessions().at(-1)!.model.name, 'test model (2 layers, 64 wide)');
  });

  it('switches to gpt2Explorer.model from the Hugging Face cache, keeping the sentence and the live decoding; says when it is not cached', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'gpt2-hub-'));
    const saved = process.env.HF_HUB_CACHE;
    process.env.HF_HUB_CACHE = cache;
    try {
      writeCachedRepo(cache, 'models--someone--six-gpt2', 'ab'.repeat(20), await testModel({ seed: 31, nLayer: 6, nHead: 12, nEmbd: 48, nPositions: 32 }));
      await controller.analyze(LESSON_SENTENCE, 'selection');
      await controller.setDecoding({ temperature: 0.7, topK: 5 });
      settings = { ...settings, modelPath: '', model: 'someone/six-gpt2' };
      await controller.settingsChanged();
      const switched = sessions().at(-1)!;
      assert.deepEqual([switched.model.name, switched.model.layers, switched.sentence.text], ['test model (6 layers, 48 wide)', 6, LESSON_SENTENCE]);
      assert.deepEqual([switched.settings.temperature, switched.settings.topK], [0.7, 5]);
      settings = { ...settings, model: 'someone/absent-gpt2' };
      await controller.settingsChanged();
      assert.match(ui.problems.at(-1)!.message, new RegExp(`^someone/absent-gpt2 \\(setting gpt2Explorer\\.model\\) is not in the Hugging Face cache ${cache}\\. Run GPT-2: Choose Model to download it`));
      assert.deepEqual(ui.problems.at(-1)!.actions, ['chooseModel', 'openSettings']);
    } finally {
      if (saved === undefined) delete process.env.HF_HUB_CACHE;
      else process.env.HF_HUB_CACHE = saved;
      await rm(cache, { recursive: true, force: true });
    }
  });

  it('offers Download and Import when there is no model, naming the missing file', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'gpt2-no-weights-'));
    await writeFile(join(empty, 'config.json'), '{}');
    settings = { ...settings, modelPath: empty };
    assert.equal(await controller.analyze('Hello', 'selection'), false);
    assert.equal(controller.state.model, 'none');
    assert.equal(ui.problems.length, 1);
    assert.match(ui.problems[0].message, new RegExp(`The model folder ${empty} has no model\\.safetensors.*Import a folder with config\\.json and model\\.safetensors, or download the model`));
    assert.deepEqual(ui.problems[0].actions, ['downloadModel', 'importModel', 'openSettings']);
    const error = posted.find((message) => message.type === 'error');
    assert.ok(error?.type === 'error' && error.action === 'downloadModel');
    await rm(empty, { recursive: true, force: true });
  });

  it('says so when the model file is deleted while loaded, and reloads once it is back', async () => {
    const copy = await mkdtemp(join(tmpdir(), 'gpt2-copy-'));
    await cp(modelDir, copy, { recursive: true });
    settings = { ...settings, modelPath: copy };
    await controller.choosePreset(lesson.presets[0]);
    await rm(join(copy, 'model.safetensors'));
    await controller.step();
    assert.equal(controller.state.model, 'error');
    assert.match(ui.problems[0].message, /model\.safetensors was deleted after it was loaded\. Reload the model/);
    assert.deepEqual(ui.problems[0].actions, ['reloadModel', 'downloadModel', 'importModel']);
    await cp(join(modelDir, 'model.safetensors'), join(copy, 'model.safetensors'));
    await controller.reloadModel();
    assert.equal(controller.state.model, 'ready');
    assert.equal(controller.state.session?.tokens.length, 12, 'the sentence is analyzed again');
    await rm(copy, { recursive: true, force: true });
  });

  it('restarts a crashed worker, tells the user, and analyzes the sentence again', async () => {
    await controller.choosePreset(lesson.presets[0]);
    await controller.step();
    await spawner.last.terminate();
    await until(() => controller.state.model === 'ready' && controller.state.session?.generated === 0);
    assert.match(ui.notes.join('\n'), /stopped unexpectedly.*restarted it/);
    assert.equal(controller.state.session?.tokens.length, 12);
  });

  it('keeps an analysis opened from a file on screen when a Step and an analysis asked for before it answer later', async () => {
    await controller.choosePreset(lesson.presets[0]);
    assert.ok(await controller.saveAnalysis());
    const read = readAnalysis(new TextDecoder().decode(ui.saved.at(-1)!.bytes));
    assert.ok(read.ok, read.ok ? '' : read.error);
    const stepped = controller.step(); // both go to the worker now; their answers can only come after the file is shown
    const analyzed = controller.analyze('A different sentence altogether', 'selection');
    assert.equal(controller.showAnalysis(read.value, 'saved.json'), null);
    const shown = posted.length;
    assert.equal(await analyzed, false, 'the analysis under way was cancelled or dropped');
    await stepped;
    assert.deepEqual(posted.slice(shown).filter((message) => message.type === 'session'), [], 'nothing replaced the file on screen');
    assert.deepEqual(controller.state.session?.tokens, read.value.session.tokens);
    assert.equal(ui.problems.length, 0, 'no error dialog');
  });

  it('drops a view the panel asked of the session before a file was shown: it is not of what is on screen', async () => {
    await controller.choosePreset(lesson.presets[0]);
    assert.ok(await controller.saveAnalysis());
    const read = readAnalysis(new TextDecoder().decode(ui.saved.at(-1)!.bytes));
    assert.ok(read.ok, read.ok ? '' : read.error);
    const before = posted.length;
    // The panel asks for a head of the live session; the file is shown before the worker answers.
    assert.ok(controller.receive({ type: 'requestAttention', layer: 0, head: 1 }));
    assert.equal(controller.showAnalysis(read.value, 'saved.json'), null);
    assert.ok(await controller.score('Queued behind it'), 'the worker answers in order: the head was answered before this');
    const late = posted.slice(before).filter((message) => message.type === 'attentionMap' || message.type === 'attention');
    assert.deepEqual(late, [], 'the live session\'s head did not reach the panel showing the file');
  });

  it('frees the worker when the panel closes mid-inference, without an error', async () => {
    await controller.choosePreset(lesson.presets[0]);
    const worker = spawner.last;
    const steps = Array.from({ length: 5 }, () => controller.step());
    await controller.detachPanel();
    await Promise.all(steps);
    assert.equal(worker.threadId, -1, 'the worker thread has ended');
    assert.equal(controller.state.model, 'none');
    assert.equal(controller.state.session, null);
    assert.deepEqual(ui.problems, [], 'no error dialog');
  });
});

/** Some fields of decoding settings (temperature and topK unless named). */
function pick(decoding: DecodingSettings, ...keys: DecodingKey[]): Partial<DecodingSettings> {
  return Object.fromEntries((keys.length > 0 ? keys : (['temperature', 'topK'] as const)).map((key) => [key, decoding[key]]));
}

/** Polls until the condition holds (the panel's messages are handled asynchronously). */
async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
