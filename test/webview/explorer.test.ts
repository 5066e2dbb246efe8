// The explorer webview in Debian's headless Chromium: the built bundle inside the real shell and CSP,
// a fake host answering like the real one, and the lesson's steps done by clicking and typing.

import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { GPT2_VOCAB } from '../../src/protocol/decoding';
import { parseHostMessage } from '../../src/protocol/explorer';
import * as lesson from './fixtures/lesson';
import { ExplorerPage, openExplorer, suitePages } from './harness';
import { colourBlob, scatterAt } from './page-checks';
import { echoed } from './ui-echo';

describe('explorer webview fixtures', () => {
  it('are messages the protocol accepts', () => {
    const messages = [lesson.init, lesson.ready, lesson.session(), lesson.session('fox', 3), lesson.session('capitals', 10), lesson.attention(6, 0, 12), lesson.qkv(11, 0, 11), lesson.lens(12, 11, null)];
    for (const message of messages) assert.deepEqual(parseHostMessage(message), { ok: true, value: message });
  });
});

describe('explorer webview (browser)', () => {
  const pages = suitePages();
  let explorer: ExplorerPage;

  afterEach(async () => {
    const violations = explorer.violations;
    const malformed = explorer.host.malformed;
    await explorer.close();
    assert.deepEqual(violations, [], 'CSP violations or page errors');
    assert.deepEqual(malformed, [], 'the page posted messages the protocol rejects');
  });

  async function open(options: Parameters<typeof openExplorer>[2] = {}): Promise<Page> {
    explorer = await openExplorer(pages.browser, pages.server, options);
    return explorer.page;
  }

  async function openOn(tab: 'Tokens' | 'Self-Attention' | 'Generation'): Promise<Page> {
    const page = await open();
    await page.locator('.chip').first().waitFor();
    if (tab !== 'Tokens') await page.getByRole('tab', { name: tab }).click();
    return page;
  }

  /** A page on a host that answers nothing: the test sends each host message, here the lesson sentence's session. */
  async function openUnanswered() {
    const page = await open({ backend: null });
    await explorer.host.send(lesson.init);
    await explorer.host.send(lesson.ready);
    const message = lesson.session('capitals', 0);
    assert.ok(message.type === 'session');
    await explorer.host.send(message);
    return { page, message };
  }

  async function choose(page: Page, dropdown: string, option: string) {
    await page.getByRole('combobox', { name: dropdown }).click();
    await page.getByRole('option', { name: option, exact: true }).click();
  }

  /** Polls until `find` finds something (the page's messages reach Node asynchronously). */
  async function eventually<T>(find: () => T | undefined, what: string): Promise<T> {
    for (let i = 0; i < 200; i++) {
      const found = find();
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`never happened: ${what}`);
  }

  it('shows an empty state and the status before any session, then sends ready', async () => {
    const page = await open({ backend: null });
    await eventually(() => explorer.host.last('ready'), 'ready');
    await page.getByText('Nothing to explore yet.').waitFor();
    await explorer.host.send({ type: 'status', model: 'loading', busy: true, detail: 'reading weights' });
    await page.getByText('Loading the model… · reading weights · working…').waitFor();
    // While the host works on the first session (a panel restored after a reload) it is coming: not "pick a sentence".
    await page.getByText('Getting the sentence ready…').waitFor();
    assert.equal(await page.getByText('Nothing to explore yet.').count(), 0);
    await explorer.host.send({ type: 'status', model: 'none', busy: false, detail: '' });
    await page.getByText('Nothing to explore yet.').waitFor();
  });

  it('names the model in the status line, with "8-bit weights" when the opt-in weights are on', async () => {
    const { page, message } = await openUnanswered();
    await page.getByRole('status').getByText('— GPT-2 124M', { exact: false }).waitFor();
    assert.doesNotMatch(await page.getByRole('status').innerText(), /8-bit/);
    await explorer.host.send({ ...message, session: { ...message.session, model: { ...message.session.model, name: 'GPT-2 124M, 8-bit weights' } } });
    await page.getByRole('status').getByText('— GPT-2 124M, 8-bit weights', { exact: false }).waitFor();
    // Which model it is: the repository id (from the Hugging Face cache), else the folder's name.
    const medium = { ...message.session.model, name: 'GPT-2 medium 355M', repo: 'openai-community/gpt2-medium', folder: 'hub/models--openai-community--gpt2-medium/snapshots/6dcaa7a952f72f9298047fd5137cd6e4f05f41da' };
    await explorer.host.send({ ...message, session: { ...message.session, model: medium } });
    await page.getByRole('status').getByText('— openai-community/gpt2-medium (GPT-2 medium 355M)', { exact: false }).waitFor();
    await explorer.host.send({ ...message, session: { ...message.session, model: { ...medium, repo: null, folder: 'models/my-gpt2' } } });
    await page.getByRole('status').getByText('— my-gpt2 (GPT-2 medium 355M)', { exact: false }).waitFor();
  });

  it('renders one chip per token of the lesson sentence, spaces visible, ids on hover', async () => {
    const page = await openOn('Self-Attention');
    const chips = page.locator('.chip');
    assert.equal(await chips.count(), 12);
    assert.deepEqual(await chips.allInnerTexts(), ['The', '·capital', '·of', '·Germany', '·is', '·Berlin', '.', '·The', '·capital', '·of', '·France', '·is']);
    assert.equal(await chips.nth(1).getAttribute('title'), 'id 3139');
    assert.equal(await chips.nth(11).getAttribute('aria-label'), 'Token 12: space + is, id 318');
    await page.getByRole('combobox', { name: 'Sentence' }).waitFor();
    assert.equal(await page.getByRole('combobox', { name: 'Layer' }).getAttribute('current-value'), '6');
  });

  it('choosing a sentence sends selectSentence and applies its default layer and head', async () => {
    const page = await openOn('Self-Attention');
    await choose(page, 'Sentence', lesson.presets[1].text);
    assert.deepEqual(await eventually(() => explorer.host.last('selectSentence'), 'selectSentence'), { type: 'selectSentence', id: 'fox' });
    await page.waitForFunction(() => document.querySelectorAll('.chip').length === 8);
    const layer = page.getByRole('combobox', { name: 'Layer' });
    const head = page.getByRole('combobox', { name: 'Head' });
    await page.waitForFunction(() => (document.querySelector('vscode-dropdown[aria-label="Layer"]') as HTMLSelectElement).value === '3');
    assert.equal(await head.evaluate((el) => (el as HTMLSelectElement).value), '2');
    assert.equal(await layer.evaluate((el) => (el as HTMLSelectElement).value), '3');
    assert.deepEqual(explorer.host.last('requestAttention'), { type: 'requestAttention', layer: 3, head: 2 });
    await page.getByText('0 / 10 tokens generated').waitFor();
  });

  it('Layer and Head changes ask for attention; the heatmap answers hover with the weight', async () => {
    const page = await openOn('Self-Attention');
    await choose(page, 'Layer', '11');
    await eventually(() => explorer.host.ofType('requestAttention').find((m) => m.layer === 11 && m.head === 0), 'requestAttention 11/0');
    await choose(page, 'Head', '4');
    await eventually(() => explorer.host.ofType('requestAttention').find((m) => m.layer === 11 && m.head === 4), 'requestAttention 11/4');
    const canvas = page.locator('.heatmap canvas');
    await page.waitForFunction(() => !document.querySelector('.heatmap')!.classList.contains('stale'));
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width - 4, box.y + box.height - 4); // last query → last key
    const tooltip = await page.locator('.heatmap .tooltip').innerText();
    const expected = (lesson.attention(11, 4, 12) as { view: { weights: number[] } }).view.weights[143];
    assert.equal(tooltip, `·is → ·is: ${expected.toFixed(3)}`);
  });

  it('a clicked chip asks for its lens and, with the box open, its Q/K/V, drawn as three strips of 64', async () => {
    const page = await openOn('Self-Attention');
    await page.getByRole('button', { name: 'Show Q / K / V Vectors' }).click();
    await page.getByText('Click a token chip to see its Q, K and V vectors.').waitFor();
    assert.equal(await page.locator('.strip--empty').count(), 3, 'the box opens with three empty strips');
    await page.locator('.chip').nth(11).click();
    assert.deepEqual(await eventually(() => explorer.host.ofType('requestLens')[0], 'requestLens'), { type: 'requestLens', layer: 12, token: 11, trackId: null });
    const paris = (lesson.lens(12, 11, null) as { view: { top: { id: number }[] } }).view.top[0].id;
    await page.getByText('Probability of “·Paris” after each layer', { exact: false }).waitFor(); // the top token at the last layer, tracked by default
    // One request for the chip: adopting the answer's tracked token asks nothing more. A later lens layer
    // proves it (messages reach the host in the order they were posted).
    await page.getByRole('slider', { name: 'Lens layer' }).fill('4');
    await eventually(() => explorer.host.ofType('requestLens').find((m) => m.layer === 4), 'requestLens at layer 4');
    assert.deepEqual(explorer.host.ofType('requestLens'), [
      { type: 'requestLens', layer: 12, token: 11, trackId: null },
      { type: 'requestLens', layer: 4, token: 11, trackId: paris },
    ]);
    assert.deepEqual(await eventually(() => explorer.host.last('requestQkv'), 'requestQkv'), { type: 'requestQkv', layer: 6, head: 0, token: 11 });
    await page.locator('.strip').nth(2).waitFor();
    assert.equal(await page.locator('.strip').count(), 3);
    assert.equal(await page.locator('.strip').nth(0).locator('.cell').count(), 64);
    const q = (lesson.qkv(6, 0, 11) as { view: { q: number[] } }).view.q;
    assert.equal(await page.locator('.strip').nth(0).locator('.cell').nth(5).getAttribute('title'), `q[5] = ${q[5].toFixed(4)}`);
    assert.equal(await page.locator('.strip .cell--pos').count() + (await page.locator('.strip .cell--neg').count()), 192);
    assert.ok(await page.locator('.chip').nth(11).evaluate((el) => el.classList.contains('chip--selected')));
    await page.locator('.lens__row').first().waitFor();
    assert.equal(await page.locator('.lens__row').count(), 10);
  });

  it('picking a lens row tracks that token across layers', async () => {
    const page = await openOn('Tokens');
    await page.locator('.chip').nth(11).click();
    await page.locator('.lens__row').nth(1).click();
    const london = (lesson.lens(12, 11, null) as { view: { top: { id: number }[] } }).view.top[1].id;
    assert.deepEqual(await eventually(() => explorer.host.ofType('requestLens').find((m) => m.trackId === london), 'requestLens with trackId'), {
      type: 'requestLens',
      layer: 12,
      token: 11,
      trackId: london,
    });
    await page.getByText('Probability of “·London” after each layer', { exact: false }).waitFor();
  });

  it('moving the slider glides the dots to another layer; the last token stays red', async () => {
    const page = await openOn('Self-Attention');
    const slider = page.getByRole('slider', { name: 'Layer', exact: true });
    await scatterAt(page, 0);
    const redBefore = await colourBlob(page, '--vscode-charts-red');
    const blueBefore = await colourBlob(page, '--vscode-charts-blue');
    assert.ok(redBefore.pixels > 50 && blueBefore.pixels > 200, `dots drawn: red ${redBefore.pixels}, blue ${blueBefore.pixels}`);
    await slider.fill('12');
    await page.getByText('Layer 12', { exact: true }).waitFor();
    await scatterAt(page, 12);
    const redAfter = await colourBlob(page, '--vscode-charts-red');
    assert.ok(redAfter.pixels > 50, 'the last token is still drawn red');
    assert.ok(Math.hypot(redAfter.x - redBefore.x, redAfter.y - redBefore.y) > 20, `the red dot moved: ${JSON.stringify([redBefore, redAfter])}`);
    assert.ok(redAfter.pixels > (await colourBlob(page, '--vscode-charts-blue')).pixels / 11, 'the red dot is bigger than a blue one');
    await page.locator('.scatter').scrollIntoViewIfNeeded(); // the mouse only reaches what is on screen
    const canvas = (await page.locator('.scatter canvas').first().boundingBox())!;
    await page.mouse.move(canvas.x + redAfter.x, canvas.y + redAfter.y); // the page's pixel ratio is 1
    assert.equal(await page.locator('.scatter .tooltip').innerText(), '·is (token 12, id 318) at layer 12');
    await slider.focus();
    await page.keyboard.press('ArrowLeft');
    await scatterAt(page, 11);
    assert.equal(await page.locator('table[aria-label="Token positions at layer 11"] tr').count(), 12);
  });

  it('a Step on the Generation tab asks for no attention, lens or Q/K/V; the Self-Attention tab asks once opened', async () => {
    const page = await openOn('Self-Attention');
    await page.getByRole('button', { name: 'Show Q / K / V Vectors' }).click();
    await page.locator('.chip').nth(11).click();
    await page.locator('.strip:not(.strip--empty)').nth(2).waitFor();
    await page.getByRole('tab', { name: 'Generation' }).click();
    await page.getByRole('button', { name: 'Step: append the top token' }).click();
    await page.getByText('1 / 10 tokens generated').waitFor();
    await page.getByRole('button', { name: 'Sample: roll once without appending' }).click();
    // Messages reach the host in the order posted: what came between the Step and the Sample is all the page asked after the Step.
    const since = (type: string) => explorer.host.received.slice(explorer.host.received.findIndex((m) => m.type === type));
    await eventually(() => explorer.host.last('sample'), 'sample');
    assert.deepEqual(since('step').map((m) => m.type).filter((type) => type.startsWith('request')), [], 'nothing asked for the Generation tab');
    await page.getByRole('tab', { name: 'Self-Attention' }).click();
    await eventually(() => since('sample').find((m) => m.type === 'requestQkv'), 'requestQkv once the tab is open');
    assert.deepEqual(since('sample').filter((m) => m.type.startsWith('request')).map((m) => m.type), ['requestAttention', 'requestLens', 'requestQkv']);
    await page.locator('.heatmap:not(.stale)').waitFor();
  });

  it('Step, Sample, Sample & append, Reset and temperature send their messages', async () => {
    const page = await openOn('Generation');
    await page.getByRole('button', { name: 'Step: append the top token' }).click();
    await eventually(() => explorer.host.last('step'), 'step');
    await page.getByText('1 / 10 tokens generated').waitFor();
    assert.equal(await page.locator('.so-far .generated').innerText(), ' Paris');
    await page.getByRole('button', { name: 'Sample: roll once without appending' }).click();
    await eventually(() => explorer.host.last('sample'), 'sample');
    await page.getByText('Last draw:', { exact: false }).waitFor();
    assert.equal(await page.locator('.bars .bars__tally').first().innerText(), '×1 (100%)');
    await page.getByRole('button', { name: 'Sample & append' }).click();
    await eventually(() => explorer.host.last('sampleAppend'), 'sampleAppend');
    const temperature = page.getByRole('slider', { name: 'Temperature' });
    await temperature.fill('0');
    assert.deepEqual(await eventually(() => explorer.host.last('setDecoding'), 'setDecoding'), { type: 'setDecoding', patch: { temperature: 0 } });
    await page.getByText('0 (greedy)').waitFor();
    const topK = page.locator('vscode-text-field[aria-label="Top-k"] input');
    await topK.fill('40');
    await topK.press('Enter');
    assert.deepEqual(await eventually(() => explorer.host.ofType('setDecoding').find((m) => m.patch.topK !== undefined), 'setDecoding topK'), { type: 'setDecoding', patch: { topK: 40 } });
    await page.getByRole('button', { name: 'Reset generation to the prompt' }).click();
    await eventually(() => explorer.host.last('reset'), 'reset');
    await page.getByText('0 / 10 tokens generated').waitFor();
  });

  it('the temperature slider moves a step for every arrow key pressed before the host answers, and shows what the host holds once another writer changes it', async () => {
    // A host that answers nothing: the slider must not jump back to the host's value between presses
    // (it did: each press started from the old value again, so ten fast presses moved it two steps).
    const { page } = await openUnanswered();
    await page.getByRole('tab', { name: 'Generation' }).click();
    const temperature = page.getByRole('slider', { name: 'Temperature' });
    assert.equal(await temperature.inputValue(), '1');
    await temperature.focus();
    for (let i = 0; i < 3; i++) await temperature.press('ArrowRight');
    const asked = () => explorer.host.ofType('setDecoding').map((m) => m.patch.temperature);
    await eventually(() => (asked().length === 3 ? true : undefined), 'three setDecoding');
    assert.deepEqual(asked(), [1.05, 1.1, 1.15]);
    assert.equal(await temperature.inputValue(), '1.15');
    // The host's echo of an earlier press leaves the later one shown; another writer's value replaces it.
    const at = (value: number, generated: number) => {
      const next = lesson.session('capitals', generated);
      assert.ok(next.type === 'session');
      return { ...next, session: { ...next.session, settings: { ...next.session.settings, temperature: value } } };
    };
    await explorer.host.send(at(1.05, 1));
    await page.getByText('1 / 10 tokens generated').waitFor(); // that answer is drawn
    assert.equal(await temperature.inputValue(), '1.15');
    await explorer.host.send(at(0.5, 1));
    await page.getByText('0.50', { exact: true }).waitFor();
    assert.equal(await temperature.inputValue(), '0.5');
  });

  it('an analysis shown read-only has its temperature, top-k and top-p disabled: nothing the host would refuse can be asked', async () => {
    const page = await open({ backend: null });
    await explorer.host.send(lesson.init);
    await explorer.host.send({ type: 'status', model: 'ready', busy: false, detail: '', readOnly: 'saved.json' });
    await explorer.host.send(lesson.session('capitals', 0));
    await page.getByRole('tab', { name: 'Generation' }).click();
    await page.getByText('Read-only: saved.json', { exact: false }).waitFor();
    const temperature = page.getByRole('slider', { name: 'Temperature' });
    assert.ok(await temperature.isDisabled(), 'the temperature slider is disabled');
    for (const label of ['Top-k', 'Top-p']) {
      assert.ok(await page.locator(`vscode-text-field[aria-label="${label}"]`).evaluate((field) => field.hasAttribute('disabled')), `${label} is disabled`);
    }
  });

  it('a candidate row tooltip holds the whole token and its id (a long token is cut with "…" in its column): Generation and the lens', async () => {
    const page = await openOn('Self-Attention');
    await page.locator('.chip').nth(11).click();
    const lensTop = (lesson.lens(12, 11, null) as { view: { top: { id: number; text: string }[] } }).view.top[0];
    await page.locator('.lens__row').first().waitFor();
    assert.equal(await page.locator('.lens__row').first().getAttribute('title'), `“·Paris”, id ${lensTop.id}: click to plot its probability across layers`);
    const next = lesson.session('capitals', 0);
    assert.ok(next.type === 'session');
    const first = next.session.next.top[0];
    assert.equal(await page.locator('ol.bars > li.bars__row').first().getAttribute('title'), `“${first.text.replace(/ /g, '·')}”, id ${first.id}`);
  });

  it('the Token Surprise button says what a click does, as the Q / K / V one does: Show while off, Hide while on', async () => {
    const page = await openOn('Tokens');
    await page.getByRole('button', { name: 'Show Token Surprise' }).click();
    await page.getByText('Underlined by rank given the tokens before', { exact: false }).waitFor();
    const hide = page.getByRole('button', { name: 'Hide Token Surprise' });
    await hide.click();
    await page.getByRole('button', { name: 'Show Token Surprise' }).waitFor();
    assert.equal(await page.getByText('Underlined by rank given the tokens before', { exact: false }).count(), 0);
  });

  it('top-k and top-p take what the decoding contract takes: top-p 0 is sent, a top-k past the vocabulary or a fraction is marked', async () => {
    const page = await openOn('Generation');
    const type = async (label: string, text: string) => {
      const input = page.locator(`vscode-text-field[aria-label="${label}"] input`);
      await input.fill(text);
      await input.press('Enter');
    };
    const sent = (field: 'topK' | 'topP') => explorer.host.ofType('setDecoding').filter((message) => message.patch[field] !== undefined);
    const topKInvalid = () => page.locator('vscode-text-field[aria-label="Top-k"]').getAttribute('aria-invalid');
    await type('Top-p', '0');
    assert.deepEqual(await eventually(() => sent('topP')[0], 'setDecoding topP'), { type: 'setDecoding', patch: { topP: 0 } });
    for (const text of [String(GPT2_VOCAB + 1), '2.5', '-1', 'ten']) {
      await type('Top-k', text);
      assert.equal(await topKInvalid(), 'true', `top-k ${text} is marked invalid`);
    }
    await type('Top-k', String(GPT2_VOCAB));
    assert.deepEqual(await eventually(() => sent('topK')[0], 'setDecoding topK'), { type: 'setDecoding', patch: { topK: GPT2_VOCAB } });
    assert.equal(await topKInvalid(), null);
    assert.equal(sent('topK').length, 1, 'only the valid top-k was sent');
  });

  it('a session with generated tokens paints them blue and counts them; busy disables Step', async () => {
    const page = await open({ backend: null });
    await explorer.host.send(lesson.init);
    await explorer.host.send(lesson.session('capitals', 1));
    await page.getByRole('tab', { name: 'Generation' }).click();
    await page.getByText('1 / 10 tokens generated').waitFor();
    const generated = page.locator('.so-far .generated');
    assert.equal(await generated.innerText(), ' Paris');
    const blue = await page.evaluate(() => getComputedStyle(document.body).getPropertyValue('--vscode-charts-blue').trim());
    assert.equal(await generated.evaluate((el) => getComputedStyle(el).color), hexToRgb(blue));
    await explorer.host.send({ type: 'status', model: 'ready', busy: true, detail: '' });
    const step = page.getByRole('button', { name: 'Step: append the top token' });
    await page.waitForFunction(() => document.querySelector('vscode-button[aria-label^="Step"]')!.hasAttribute('disabled'));
    await step.click({ force: true });
    await explorer.host.send(lesson.session('capitals', 10));
    await page.getByText('Stopped: reached 10 new tokens').waitFor();
    assert.equal(explorer.host.ofType('step').length, 0, 'a disabled Step sent nothing');
  });

  it('keeps its UI state across a reload', async () => {
    const page = await openOn('Self-Attention');
    await choose(page, 'Layer', '11');
    await page.locator('.chip').nth(3).click();
    await page.getByRole('slider', { name: 'Layer', exact: true }).fill('9');
    await eventually(() => explorer.host.ofType('uiState').find((m) => m.ui.slider === 9 && m.ui.trackId !== null), 'uiState with slider 9 and a tracked token');
    explorer.host.clear();
    await page.reload();
    await page.locator('.chip').first().waitFor();
    await page.getByText('Layer 9', { exact: true }).waitFor();
    const state = await eventually(() => explorer.host.ofType('uiState')[0], 'uiState after reload');
    const paris = (lesson.lens(12, 3, null) as { view: { top: { id: number }[] } }).view.top[0].id;
    assert.deepEqual(state.ui, { tab: 'attention', layer: 11, head: 0, slider: 9, token: 3, showQkv: false, lensLayer: 12, trackId: paris });
    assert.ok(await page.locator('.chip').nth(3).evaluate((el) => el.classList.contains('chip--selected')));
  });

  it('drops malformed host messages with a warning and keeps working', async () => {
    const page = await openOn('Tokens');
    await explorer.host.send({ type: 'session', session: { tokens: 'nope' } });
    await explorer.host.send({ type: 'attention', view: { layer: -1, head: 0, size: 1, weights: [2] } });
    await explorer.host.send('not even an object');
    await explorer.host.send({ type: 'ui', patch: { tab: 'generation', bogus: 1 } });
    const dropped = () => explorer.warnings.filter((w) => w.startsWith('dropped a malformed host message'));
    await eventually(() => (dropped().length >= 4 ? true : undefined), 'four warnings'); // console events arrive asynchronously
    assert.equal(dropped().length, 4);
    assert.equal(await page.locator('.chip').count(), 12);
    await explorer.host.send({ type: 'ui', patch: { tab: 'generation' } });
    await page.getByText('Generating the next token').waitFor();
  });

  it('a ui patch from the host (the walkthrough) drives the panel and asks for what it now shows', async () => {
    const page = await openOn('Tokens');
    explorer.host.clear();
    await explorer.host.send({ type: 'ui', patch: { tab: 'attention', layer: 11, showQkv: true, token: 11 } });
    assert.deepEqual(await eventually(() => explorer.host.last('requestQkv'), 'requestQkv'), { type: 'requestQkv', layer: 11, head: 0, token: 11 });
    assert.deepEqual(explorer.host.last('requestAttention'), { type: 'requestAttention', layer: 11, head: 0 });
    assert.deepEqual(explorer.host.ofType('requestLens')[0], { type: 'requestLens', layer: 12, token: 11, trackId: null });
    // The page tells its UI once it is still: by then the lens has answered and the page follows its top guess.
    const settled = await echoed(explorer.host, (ui) => ui.showQkv && ui.trackId !== null, 'the settled UI state');
    assert.deepEqual(settled, { tab: 'attention', layer: 11, head: 0, slider: 0, token: 11, showQkv: true, lensLayer: 12, trackId: 6342 });
    await page.locator('.strip:not(.strip--empty)').nth(2).waitFor();
  });

  it('an error offers its fix as a button that runs the command', async () => {
    const page = await open({ backend: null });
    await explorer.host.send({ type: 'error', message: 'GPT-2 is not downloaded yet.', action: 'downloadModel' });
    await page.getByRole('button', { name: 'Download GPT-2' }).click();
    assert.deepEqual(await eventually(() => explorer.host.last('runCommand'), 'runCommand'), { type: 'runCommand', command: 'downloadModel' });
  });

  it('the Tokens tab lists ids and character ranges; a range reveals the token in the editor', async () => {
    const page = await openOn('Tokens');
    const rows = page.locator('.token-table tbody tr');
    assert.equal(await rows.count(), 12);
    assert.deepEqual(await rows.nth(3).locator('td').allInnerTexts(), ['4', '·Germany', '4486', '14–22']);
    await rows.nth(3).getByRole('button').click();
    assert.deepEqual(await eventually(() => explorer.host.last('revealToken'), 'revealToken'), { type: 'revealToken', index: 3 });
  });

  it('every control is reachable with Tab, and Enter on a chip selects it', async () => {
    const page = await openOn('Self-Attention');
    await page.locator('.chip').nth(0).focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await eventually(() => explorer.host.ofType('requestLens').find((m) => m.token === 1), 'requestLens for chip 2 by keyboard');
    const reached = new Set<string>();
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        return el.getAttribute('aria-label') ?? el.textContent?.trim() ?? el.tagName;
      }));
    }
    for (const name of ['Layer', 'Head', 'Step: append the top token', 'Sample: roll once without appending', 'Temperature', 'Top-k', 'Top-p']) {
      assert.ok(reached.has(name), `Tab reaches ${name}: ${[...reached].join(' | ')}`);
    }
  });
});

function hexToRgb(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
}
