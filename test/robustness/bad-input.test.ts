// Issue 7, "bad input, clear answers, nothing lost": what a user can feed the explorer from an editor,
// a settings.json or a keyboard, through the controller on a real session worker and a generated model.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readSettings } from '../../src/extension/common/settings';
import type { HostMessage } from '../../src/protocol/explorer';
import type { SessionView } from '../../src/protocol/views';
import { testModel, TINY } from '../engine/models';
import { LESSON_SENTENCE, tinyModel } from '../extension/worker-harness';
import { openExplorer, until, type Explorer } from './harness';

/** The tiny model with GPT-2's own context: 1,024 positions. */
const TINY_1024 = { ...TINY, nPositions: 1024 };

const PNG = readFileSync(resolve(__dirname, '..', '..', 'media', 'screenshots', 'generation-dark.png'));

/** Texts from real editors: every one must tokenize, tile its source and step. */
const AWKWARD_TEXTS: Record<string, string> = {
  'emoji with skin tones and ZWJ families': 'Say 👋🏽 to 👩‍👩‍👧‍👦 and 🇫🇷!',
  'CJK': '東京は日本の首都です。北京是中国的首都。',
  'right-to-left Arabic and Hebrew mixed with Latin': 'The word سلام means peace; שלום too.',
  'combining marks': 'e\u0301te\u0301 Zalgo: Z\u0351\u0337a\u0310l\u0315g\u036Bo',
  'control characters and NUL bytes': 'tab\there\u0000nul\u0007bell\u001b[31mred\rreturn\u0085next\u2028line',
  'lone surrogates from invalid UTF-16': 'before \uD800 middle \uDFFF after \uDBFF',
  'a byte-order mark and zero-width characters': '\uFEFFhidden\u200Bzero\u200Dwidth',
  "a PNG's bytes read as latin1": PNG.subarray(0, 32).toString('latin1'),
  'invalid UTF-8 decoded with replacement characters': Buffer.from([0x48, 0xc3, 0x28, 0xe2, 0x82, 0x20, 0xf0, 0x9f, 0x98, 0x61]).toString('utf8'),
};

describe('bad input through the controller (real worker, generated model)', function () {
  let explorer: Explorer;

  afterEach(async () => {
    await explorer?.controller.dispose();
  });

  describe('text GPT-2 cannot read all of', () => {
    it('tells how many tokens of a text over 1,024 tokens were cut, keeps room for the 10 new ones, and Steps them', async () => {
      explorer = await openExplorer(await testModel(TINY_1024), { maxNewTokens: 10 });
      const text = Array.from({ length: 530 }, (_, i) => `w${i}`).join(' '); // "w0 w1 …": 2 tokens a word
      assert.equal(await explorer.controller.analyze(text, 'selection'), true);
      const session = explorer.controller.state.session!;
      assert.equal(session.tokens.length, 1014);
      assert.ok(session.truncated > 0, 'some tokens were cut');
      assert.deepEqual(explorer.ui.notes, [`GPT-2 reads at most 1024 tokens: the first ${session.truncated} tokens of the text were cut, the last 1014 analyzed, leaving room for 10 new ones.`]);
      assert.equal(text.slice(session.tokens.at(-1)!.start, session.tokens.at(-1)!.end), session.tokens.at(-1)!.text, 'the end of the text is kept');
      assert.equal(session.stop, null, 'room to generate: Step works');
      for (let i = 0; i < 10; i++) await explorer.controller.step();
      assert.equal(explorer.controller.state.session!.generated, 10);
      assert.equal(explorer.controller.state.session!.tokens.length, 1024);
      assert.equal(explorer.controller.state.session!.stop, 'max_tokens');
      assert.deepEqual(explorer.ui.problems, []);
    });

    it('steps a text of 1,020 tokens four times, then stops with context_full and stays there', async () => {
      explorer = await openExplorer(await testModel(TINY_1024), { maxNewTokens: 10 });
      const text = Array.from({ length: 510 }, (_, i) => `w${i}`).join(' ');
      await explorer.controller.analyze(text, 'selection');
      const prompt = explorer.controller.state.session!;
      assert.equal(prompt.truncated, 0);
      const room = 1024 - prompt.tokens.length;
      assert.ok(room > 0 && room < 10, `the prompt leaves ${room} positions, fewer than maxNewTokens`);
      for (let i = 0; i < room; i++) await explorer.controller.step();
      const full = explorer.controller.state.session!;
      assert.equal(full.generated, room);
      assert.equal(full.tokens.length, 1024);
      assert.equal(full.stop, 'context_full');
      await explorer.controller.step();
      await explorer.controller.sampleAppend();
      assert.equal(explorer.controller.state.session!.generated, room, 'Step and Sample & append change nothing once full');
      assert.deepEqual(explorer.ui.problems, []);
    });

    it('cuts a long emoji text inside a character and still tiles the kept end with its chips', async () => {
      explorer = await openExplorer(await tinyModel());
      const text = '😀'.repeat(100); // 3 tokens per emoji: the cut falls inside one
      assert.equal(await explorer.controller.analyze(text, 'selection'), true);
      const session = explorer.controller.state.session!;
      assert.equal(session.tokens.length, 54, '64 positions, 10 of them kept for new tokens');
      assert.match(session.tokens[0].text, /^(\\x[0-9a-f]{2})+$/, 'the first kept token is part of an emoji, shown as bytes');
      assertTiles(session, text);
      assert.match(explorer.ui.notes[0], new RegExp(`the first ${session.truncated} tokens of the text were cut, the last 54 analyzed, leaving room for 10 new ones`));
    });
  });

  describe('unusual characters', () => {
    before(async () => {
      await tinyModel();
    });

    for (const [name, text] of Object.entries(AWKWARD_TEXTS)) {
      it(`analyzes ${name}: the chips tile the text, each selects its own characters, and Step works`, async () => {
        explorer = await openExplorer(await tinyModel());
        const selected: [number, number][] = [];
        assert.equal(await explorer.controller.analyze(text, 'selection', { select: (start, end) => selected.push([start, end]) }), true);
        const session = explorer.controller.state.session!;
        assertTiles(session, text);
        for (const chip of session.tokens) explorer.controller.receive({ type: 'revealToken', index: chip.index });
        await until(() => selected.length === session.tokens.length, 'every chip selected its characters');
        assert.deepEqual(selected, session.tokens.map((chip) => [chip.start, chip.end]));
        await explorer.controller.step();
        const stepped = explorer.controller.state.session!;
        assert.equal(stepped.generated, 1);
        assert.equal(stepped.tokens.at(-1)!.start, -1, 'a generated token points at no text');
        assert.deepEqual(explorer.ui.problems, []);
      });
    }
  });

  describe('decoding values from the panel, the command and settings.json', () => {
    it('rejects NaN, negative, huge and string temperatures and maxNewTokens 0 from the panel, logging each, and keeps the session', async () => {
      explorer = await openExplorer(await tinyModel(), { temperature: 0.7, maxNewTokens: 5 });
      await explorer.controller.analyze(LESSON_SENTENCE, 'selection');
      const before = explorer.controller.state.session!.settings;
      const bad = [{ temperature: NaN }, { temperature: -0.5 }, { temperature: 1e308 }, { temperature: Infinity }, { temperature: '0.5' }, { temperature: null }, { maxNewTokens: 0 }, { maxNewTokens: 2.5 }, { topP: 1.5 }, { topK: -1 }, { seed: 2 ** 32 }];
      for (const patch of bad) assert.equal(explorer.controller.receive({ type: 'setDecoding', patch }), false, JSON.stringify(patch));
      assert.equal(explorer.ui.logged.filter((line) => line.startsWith('Rejected a message from the explorer view: patch.')).length, bad.length);
      explorer.controller.receive({ type: 'setDecoding', patch: { temperature: 2 } });
      await until(() => explorer.controller.state.session?.settings.temperature === 2, 'a valid temperature applied');
      assert.deepEqual({ ...explorer.controller.state.session!.settings, temperature: before.temperature }, before, 'only the valid change applied');
      await explorer.controller.sampleAppend();
      assert.ok(Number.isFinite(explorer.controller.state.session!.tokens.at(-1)!.id));
      assert.deepEqual(explorer.ui.problems, []);
    });

    it('starts the session from the defaults when settings.json holds NaN-like, negative, huge or string values, naming each', async () => {
      const raw: Record<string, unknown> = { temperature: 'hot', maxNewTokens: 0, topK: -3, topP: 7, seed: 1.5, threads: 1e9, modelPath: 42 };
      const { settings, problems } = readSettings((key) => raw[key]);
      assert.deepEqual(settings.decoding, { temperature: 1, topK: 0, topP: 1, maxNewTokens: 10, seed: 0 });
      assert.equal(settings.threads, 0);
      for (const key of Object.keys(raw)) assert.ok(problems.some((problem) => problem.startsWith(`gpt2Explorer.${key} `)), `${key} is named`);
      explorer = await openExplorer(await tinyModel());
      explorer.settings = { ...settings, modelPath: explorer.settings.modelPath, threads: 1 };
      await explorer.controller.settingsChanged(); // as the configuration listener does: the live values start from these
      assert.equal(await explorer.controller.analyze(LESSON_SENTENCE, 'selection'), true);
      assert.deepEqual(explorer.controller.state.session!.settings, settings.decoding);
      await explorer.controller.sampleAppend();
      assert.equal(explorer.controller.state.session!.generated, 1);
    });

    it('applies a settings.json change to a live session only once it is valid', async () => {
      explorer = await openExplorer(await tinyModel(), { maxNewTokens: 5 });
      await explorer.controller.analyze(LESSON_SENTENCE, 'selection');
      const raw: Record<string, unknown> = { temperature: -1, maxNewTokens: 0 };
      explorer.settings = { ...explorer.settings, decoding: readSettings((key) => raw[key]).settings.decoding };
      await explorer.controller.settingsChanged();
      assert.equal(explorer.controller.state.session!.settings.maxNewTokens, 10, 'the default, not 0');
      assert.equal(explorer.controller.state.session!.settings.temperature, 1, 'the default, not -1');
      assert.deepEqual(explorer.ui.problems, []);
    });
  });

  describe('rapid clicks', () => {
    for (const maxNewTokens of [10, 1024]) {
      it(`50 Step clicks sent at once end at min(50, ${maxNewTokens}) tokens, in order, the same tokens as 50 awaited Steps`, async () => {
        const modelDir = await tinyModel();
        const sequential = await openExplorer(modelDir, { maxNewTokens });
        await sequential.controller.analyze(LESSON_SENTENCE, 'selection');
        for (let i = 0; i < 50; i++) await sequential.controller.step();
        const expected = sequential.controller.state.session!;
        await sequential.controller.dispose();

        explorer = await openExplorer(modelDir, { maxNewTokens });
        await explorer.controller.analyze(LESSON_SENTENCE, 'selection');
        for (let i = 0; i < 50; i++) explorer.controller.receive({ type: 'step' });
        await until(() => explorer.sessions().length === 51, 'one session posted per click');
        const counters = explorer.sessions().map((session) => session.generated);
        assert.deepEqual(counters, [0, ...Array.from({ length: 50 }, (_, i) => Math.min(i + 1, maxNewTokens))], 'the counter never goes back or skips');
        const last = explorer.sessions().at(-1)!;
        assert.equal(last.generated, Math.min(50, maxNewTokens));
        assert.deepEqual(last.tokens, expected.tokens);
        assert.deepEqual(explorer.ui.problems, []);
      });
    }
  });

  describe('the model file changing under a loaded model', () => {
    let copy: string;

    beforeEach(async () => {
      copy = await mkdtemp(join(tmpdir(), 'gpt2-robust-'));
      await cp(await tinyModel(), copy, { recursive: true });
    });

    afterEach(async () => {
      await rm(copy, { recursive: true, force: true });
    });

    it('says a model replaced by an atomic rename must be reloaded, offers Reload, and reloads the new weights', async () => {
      explorer = await openExplorer(copy);
      await explorer.controller.analyze(LESSON_SENTENCE, 'selection');
      const other = await testModel({ ...TINY, seed: 99 });
      await cp(join(other, 'model.safetensors'), join(copy, 'model.safetensors.new'));
      await rename(join(copy, 'model.safetensors.new'), join(copy, 'model.safetensors'));
      await explorer.controller.step();
      assert.equal(explorer.controller.state.model, 'error');
      assert.equal(explorer.ui.problems.length, 1);
      assert.match(explorer.ui.problems[0].message, /model\.safetensors was replaced or changed after it was loaded\. Reload the model/);
      assert.equal(explorer.ui.problems[0].actions[0], 'reloadModel');
      const before = explorer.controller.state.session?.next.top[0];
      await explorer.controller.reloadModel();
      assert.equal(explorer.controller.state.model, 'ready');
      const after = explorer.controller.state.session!;
      assert.equal(after.generated, 0);
      assert.notDeepEqual(after.next.top[0], before, 'the new weights give another distribution');
    });

    it('says a model file rewritten in place (same size) must be reloaded instead of reading changed bytes', async () => {
      explorer = await openExplorer(copy);
      await explorer.controller.analyze(LESSON_SENTENCE, 'selection');
      const file = join(copy, 'model.safetensors');
      const bytes = readFileSync(file);
      bytes[bytes.length - 1] ^= 0xff;
      await new Promise((done) => setTimeout(done, 20)); // a later modification time than the loaded file's
      await writeFile(file, bytes);
      await explorer.controller.step();
      assert.equal(explorer.controller.state.model, 'error');
      assert.match(explorer.ui.problems[0]?.message ?? '', /was replaced or changed after it was loaded\. Reload the model/);
      assert.equal(explorer.controller.state.session?.generated ?? 0, 0, 'no token came from the changed weights');
    });
  });

  describe('a panel closed and reopened while work is under way', () => {
    beforeEach(async () => {
      explorer = await openExplorer(await tinyModel());
    });

    it('a panel reopened while the closed one’s worker is still stopping starts fresh and can Step', async () => {
      await explorer.controller.analyze(LESSON_SENTENCE, 'selection');
      const step = explorer.controller.step();
      const closing = explorer.controller.detachPanel();
      const posted: HostMessage[] = [];
      explorer.controller.attachPanel((message) => posted.push(message));
      explorer.controller.receive({ type: 'ready' });
      await closing;
      await step;
      await until(() => explorer.controller.state.session !== null, 'the reopened panel got a session');
      assert.equal(explorer.controller.state.session!.sentence.id, 'capitals');
      await explorer.controller.step();
      assert.equal(explorer.controller.state.session!.generated, 1);
      assert.ok(!posted.some((message) => message.type === 'error'), 'no error reaches the new panel');
    });

    it('a panel reopened while the closed one was still loading the model starts on the lesson sentence', async () => {
      const first = explorer.controller.analyze(LESSON_SENTENCE, 'selection');
      await until(() => explorer.controller.state.model === 'loading', 'loading');
      const closing = explorer.controller.detachPanel();
      explorer.controller.attachPanel(() => undefined);
      explorer.controller.receive({ type: 'ready' });
      await closing;
      assert.equal(await first, false);
      await until(() => explorer.controller.state.session !== null, 'the reopened panel got a session');
      assert.equal(explorer.controller.state.model, 'ready');
    });
  });
});

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The chips cover the analyzed text (its kept end, when too long) to its end, in order, and each whole-character chip is its slice. */
function assertTiles(session: SessionView, text: string): void {
  const chips = session.tokens;
  assert.ok(chips.length > 0);
  if (session.truncated === 0) assert.equal(chips[0].start, 0, 'nothing cut: the first chip starts the text');
  assert.equal(chips.at(-1)!.end, text.length);
  for (let i = 1; i < chips.length; i++) assert.equal(chips[i].start, chips[i - 1].end, `chip ${i} starts where chip ${i - 1} ends`);
  for (const chip of chips) {
    assert.ok(chip.end >= chip.start);
    const slice = text.slice(chip.start, chip.end);
    if (!/\\x[0-9a-f]{2}|\uFFFD/i.test(chip.text) && !LONE_SURROGATE.test(slice)) assert.equal(slice, chip.text, `chip ${chip.index}`);
  }
}
