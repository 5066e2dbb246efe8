// The Attribution panel in headless Chromium on the real controller and session worker (a small
// generated model, the real tokenizer): closed, it asks nothing, not even after a Step; open, it shows
// top-1 versus top-2 at the last token with the total the float64 reference gives, the running total
// ending on it, the heatmap's strongest head in the theme's red or blue, and a click on a head opens
// the attention view there. axe finds nothing in any theme.

import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { topK } from '../../src/explorer/decoding/logits';
import { PRESETS } from '../../src/explorer/presets';
import { shownToken, spokenToken } from '../../webview/explorer/token-text';
import { TINY } from '../engine/models';
import { loadReferenceModel, referenceForward, type ReferenceModel } from '../engine/reference';
import { pieces, referenceAttribution } from '../explorer/reference-attribution';
import { echoed } from './ui-echo';
import { realControllerSuite } from './real-controller-suite';
import { expectNoViolationsInEveryTheme } from './theme-switch';
import { THEME_NAMES } from './themes';

const V = 50257;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('explorer webview: the Attribution panel (real controller and worker)', () => {
  const suite = realControllerSuite();
  // Read once for the file: each read parses megabytes (the vocabulary and merges; the weights).
  let tokenizer: Gpt2Tokenizer;
  let reference: ReferenceModel;
  before(async () => {
    tokenizer = await Gpt2Tokenizer.fromModelDir(suite.modelDir);
    reference = loadReferenceModel(suite.modelDir);
  });
  const forwards = new Map<string, ReturnType<typeof referenceForward>>(); // the reference's forward pass of each text, once
  const forward = (ids: number[]) => {
    const key = ids.join(' ');
    if (!forwards.has(key)) forwards.set(key, referenceForward(reference, ids));
    return forwards.get(key)!;
  };

  async function openGeneration(theme: (typeof THEME_NAMES)[number] = 'dark'): Promise<Page> {
    const page = await suite.open(theme);
    await page.getByRole('tab', { name: 'Generation' }).click();
    return page;
  }

  it('asks nothing while closed; open, shows top-1 versus top-2 as the reference splits it', async () => {
    const page = await openGeneration();
    await page.getByRole('button', { name: 'Step: append the top token' }).click();
    await page.getByText('1 / 10 tokens generated').waitFor();
    assert.equal(suite.explorer!.host.last('requestAttribution'), undefined, 'a closed panel asks for nothing');

    await page.getByRole('button', { name: 'Show Attribution' }).click();
    await page.locator('.attribution:not(.stale)').waitFor();
    const asked = suite.explorer!.host.last('requestAttribution')!;
    const ids = await greedyIds(asked.token + 1);
    assert.equal(ids.length, tokenizer.encode(PRESETS[0].text).length + 1, 'the lesson sentence and the Step');
    const [first, second] = topK(forward(ids).logits.subarray((ids.length - 1) * V), 2);
    assert.deepEqual(asked, { type: 'requestAttribution', token: ids.length - 1, target: first, versus: second });

    const expected = referenceAttribution(reference, ids, ids.length - 1, first, second);
    const total = Number((await page.locator('.attribution__total strong').innerText()).replace('−', '-'));
    assert.ok(Math.abs(total - expected.total) <= 1e-3, `shown total ${total}, the reference's ${expected.total}`);
    const running = await page.locator('.attribution__running td').allInnerTexts();
    assert.equal(running.length, TINY.nLayer! + 2);
    assert.equal(Number(running.at(-1)), total, 'the running total ends on the logit difference');
    assert.equal(await page.locator('.attribution__top li').count(), 10);
    const largest = Math.max(...pieces(expected).map(Math.abs));
    assert.match(await page.locator('.attribution__top li').first().innerText(), new RegExp(`${largest.toFixed(3)} \\(\\d+%\\)$`));
    await expectStrongestHeadColoured(page, expected.heads);

    // Hover a head: its value and where it looks from the last token (the reference's strongest key first).
    const cell = await page.locator('.attribution canvas').evaluate((canvas) => (canvas.getBoundingClientRect().width - 38) / 4);
    await page.locator('.attribution canvas').hover({ position: { x: 36 + 2.5 * cell, y: 18 + 1.5 * cell } });
    const T = ids.length;
    const row = Array.from(forward(ids).attention.subarray(((1 * 4 + 2) * T + T - 1) * T, ((1 * 4 + 2) * T + T) * T));
    const strongest = row.indexOf(Math.max(...row));
    const tooltip = await page.locator('.attribution .tooltip').innerText();
    assert.ok(tooltip.startsWith(`layer 1, head 2: ${expected.heads[1][2] >= 0 ? '+' : '−'}${Math.abs(expected.heads[1][2]).toFixed(3)}; attends to `), tooltip);
    assert.ok(tooltip.includes(`attends to ${shownToken(tokenizer.tokenText(ids[strongest]))} ${row[strongest].toFixed(2)}`), tooltip);

    // A click on a head: the Self-Attention tab at that layer and head.
    await page.locator('.attribution canvas').click({ position: { x: 36 + 2.5 * cell, y: 18 + 1.5 * cell } });
    await page.getByRole('tab', { name: 'Self-Attention', selected: true }).waitFor();
    const ui = await echoed(suite.explorer!.host, (ui) => ui.tab === 'attention', 'the Self-Attention tab');
    assert.deepEqual([ui.tab, ui.layer, ui.head], ['attention', 1, 2]);
  });

  it('Versus (none): the target’s logit alone, as the reference splits it', async () => {
    const page = await openGeneration();
    await page.getByRole('button', { name: 'Show Attribution' }).click();
    await page.locator('.attribution:not(.stale)').waitFor();
    await page.getByRole('combobox', { name: 'Versus' }).click();
    await page.getByRole('option', { name: '(none)', exact: true }).click();
    await page.getByText(/^logit\([^)]*\) = /).waitFor();
    const asked = suite.explorer!.host.last('requestAttribution')!;
    assert.equal(asked.versus, null);
    const ids = await greedyIds(asked.token + 1); // the session is the backend's: the Step above may still be in it
    const expected = referenceAttribution(reference, ids, ids.length - 1, asked.target, null);
    await page.locator('.attribution:not(.stale)').waitFor();
    const total = Number((await page.locator('.attribution__total strong').innerText()).replace('−', '-'));
    assert.ok(Math.abs(total - expected.total) <= 1e-3, `shown total ${total}, the reference's ${expected.total}`);
  });

  it('attributes at an earlier position: by default the token that came next there, alone, as the reference splits it', async () => {
    const page = await openGeneration();
    await page.getByRole('button', { name: 'Show Attribution' }).click();
    await page.locator('.attribution:not(.stale)').waitFor();
    const ids = tokenizer.encode(PRESETS[0].text).map((token) => token.id); // the fresh session: the lesson sentence alone
    await page.getByRole('combobox', { name: 'Position' }).click();
    await page.getByRole('option', { name: `3: ${shownToken(tokenizer.tokenText(ids[3]))}`, exact: true }).click();
    await eventually(() => suite.explorer!.host.ofType('requestAttribution').find((m) => m.token === 3), 'the ask at position 3');
    assert.deepEqual(suite.explorer!.host.last('requestAttribution'), { type: 'requestAttribution', token: 3, target: ids[4], versus: null });
    await page.locator('.attribution:not(.stale)').waitFor();
    const expected = referenceAttribution(reference, ids, 3, ids[4], null);
    await expectTotal(page, expected.total);
    assert.match(await page.locator('.attribution__total').innerText(), new RegExp(`^logit\\(${escape(shownToken(tokenizer.tokenText(ids[4])))}\\) = `));
  });

  it('takes typed text that is one token as the target, and says how other text tokenizes', async () => {
    const page = await openGeneration();
    await page.getByRole('button', { name: 'Show Attribution' }).click();
    await page.locator('.attribution:not(.stale)').waitFor();
    const type = async (label: string, text: string) => {
      const input = page.locator(`vscode-text-field[aria-label="${label}"] input`);
      await input.fill(text);
      await input.press('Enter');
    };
    const before = suite.explorer!.host.ofType('requestAttribution').length;
    await type('Type a target', ' Paris!');
    const split = tokenizer.encode(' Paris!');
    assert.equal(split.length, 2, 'the tokenizer splits it in two');
    const pieces = split.map((token) => `“${shownToken(token.text)}” (${token.id})`).join(' + ');
    await page.getByText(`“·Paris!” is 2 tokens, not one: ${pieces}. Type text that is exactly one token.`).waitFor();
    assert.equal(suite.explorer!.host.ofType('requestAttribution').length, before, 'nothing is asked for text that is not one token');

    await type('Type a target', ' London');
    const [london] = tokenizer.encode(' London');
    assert.equal(tokenizer.encode(' London').length, 1);
    const asked = await eventually(() => suite.explorer!.host.ofType('requestAttribution').find((m) => m.target === london.id), 'the ask for the typed target');
    await type('Type a versus', ' Paris');
    const [paris] = tokenizer.encode(' Paris');
    const versus = await eventually(() => suite.explorer!.host.ofType('requestAttribution').find((m) => m.target === london.id && m.versus === paris.id), 'the ask with the typed versus');
    assert.equal(versus.token, asked.token, 'at the last position');
    await page.locator('.attribution:not(.stale)').waitFor();
    await page.getByText('logit(·London) − logit(·Paris) =', { exact: false }).waitFor();
    const ids = await greedyIds(versus.token + 1);
    await expectTotal(page, referenceAttribution(reference, ids, versus.token, london.id, paris.id).total);
    assert.equal(await page.getByRole('combobox', { name: 'Target' }).getAttribute('aria-label'), 'Target');
    await page.getByRole('combobox', { name: 'Target' }).click();
    await page.getByRole('option', { name: '·London (typed)', exact: true }).waitFor();
    await page.keyboard.press('Escape');
  });

  it('takes a token of the text (a chip) as the target', async () => {
    const page = await openGeneration();
    await page.getByRole('button', { name: 'Show Attribution' }).click();
    await page.locator('.attribution:not(.stale)').waitFor();
    const berlin = tokenizer.encode(' Berlin')[0];
    assert.ok(tokenizer.encode(PRESETS[0].text).some((token) => token.id === berlin.id), 'the lesson sentence holds " Berlin"');
    await page.getByRole('combobox', { name: 'Target' }).click();
    await page.getByRole('option', { name: '·Berlin (in the text)', exact: true }).click();
    const asked = await eventually(() => suite.explorer!.host.ofType('requestAttribution').find((m) => m.target === berlin.id), 'the ask for the chip');
    await page.locator('.attribution:not(.stale)').waitFor();
    const ids = await greedyIds(asked.token + 1);
    await expectTotal(page, referenceAttribution(reference, ids, asked.token, berlin.id, asked.versus).total);
  });

  it("a click on one of the panel's token chips, or Enter on one, makes it the target; the chips above still pick a position", async () => {
    const page = await openGeneration();
    await page.getByRole('button', { name: 'Show Attribution' }).click();
    await page.locator('.attribution:not(.stale)').waitFor();
    const text = tokenizer.encode(PRESETS[0].text);
    const [berlin, capital] = [' Berlin', ' capital'].map((word) => text.findIndex((token) => token.text === word));
    assert.ok(berlin > 0 && capital > 0, 'the lesson sentence holds both');
    const chips = page.getByRole('group', { name: "Attribution target: the text's tokens" }).locator('.chip');
    assert.equal(await chips.count(), suite.explorer!.host.last('requestAttribution')!.token + 1, 'a chip per token of the text');
    await chips.nth(berlin).click();
    const asked = await eventually(() => suite.explorer!.host.ofType('requestAttribution').find((m) => m.target === text[berlin].id), 'the ask for the clicked chip');
    assert.equal(await chips.nth(berlin).getAttribute('aria-pressed'), 'true');
    await page.getByText('logit(·Berlin)', { exact: false }).first().waitFor();
    assert.equal(await page.getByRole('combobox', { name: 'Target' }).getAttribute('current-value'), String(text[berlin].id), 'the same as picking it in the dropdown');
    await page.locator('.attribution:not(.stale)').waitFor();
    const ids = await greedyIds(asked.token + 1);
    await expectTotal(page, referenceAttribution(reference, ids, asked.token, text[berlin].id, asked.versus).total);

    await chips.nth(capital).focus();
    await page.keyboard.press('Enter');
    await eventually(() => suite.explorer!.host.ofType('requestAttribution').find((m) => m.target === text[capital].id), 'the ask for the chip given Enter');
    assert.deepEqual([await chips.nth(capital).getAttribute('aria-pressed'), await chips.nth(berlin).getAttribute('aria-pressed')], ['true', 'false']);

    await page.getByRole('tab', { name: 'Self-Attention' }).click(); // the chips there still choose the position
    await page.getByRole('group', { name: 'Token chips' }).locator('.chip').nth(berlin).click();
    await eventually(() => suite.explorer!.host.last('uiState')?.ui.token === berlin || undefined, 'the position chosen');
  });

  it('a click on one of its candidate bars, or Enter on one, makes it the target; the Generation panel\'s bars still append', async () => {
    const page = await openGeneration();
    await page.getByRole('button', { name: 'Show Attribution' }).click();
    await page.locator('.attribution:not(.stale)').waitFor();
    const ids = await greedyIds(suite.explorer!.host.last('requestAttribution')!.token + 1);
    const [first, second, third] = topK(forward(ids).logits.subarray((ids.length - 1) * V), 3);
    const bars = page.getByRole('list', { name: 'Attribution target: next-token candidates' });
    const bar = (id: number) => bars.getByRole('button', { name: new RegExp(`^Attribute ${escape(spokenToken(tokenizer.tokenText(id)))} \\(`) });
    assert.equal(await bar(first).getAttribute('aria-pressed'), 'true', 'the default target is pressed');
    const forced = suite.explorer!.host.ofType('forceToken').length;
    const counter = page.locator('.counter');
    const generated = Number((await counter.innerText()).split(' / ')[0]); // the backend's session: an earlier test may have stepped it

    await bar(second).click();
    const asked = await eventually(() => suite.explorer!.host.ofType('requestAttribution').find((m) => m.target === second), 'the ask for the clicked bar');
    assert.deepEqual(asked, { type: 'requestAttribution', token: ids.length - 1, target: second, versus: first }, 'versus falls back to the runner-up: the top one');
    assert.equal(await bar(second).getAttribute('aria-pressed'), 'true');
    assert.equal(await bar(first).getAttribute('aria-pressed'), 'false');
    await page.locator('.attribution:not(.stale)').waitFor();
    await expectTotal(page, referenceAttribution(reference, ids, ids.length - 1, second, first).total);

    await bar(third).focus();
    await page.keyboard.press('Enter');
    await eventually(() => suite.explorer!.host.ofType('requestAttribution').find((m) => m.target === third), 'the ask for the bar picked with the keyboard');
    assert.equal(suite.explorer!.host.ofType('forceToken').length, forced, 'picking a target appends nothing');
    assert.equal(await counter.innerText(), `${generated} / 10 tokens generated`);

    await page.getByRole('list', { name: 'Next-token candidates', exact: true }).getByRole('button', { name: new RegExp(`^Append ${escape(spokenToken(tokenizer.tokenText(second)))} \\(`) }).click();
    await page.getByText(`${generated + 1} / 10 tokens generated`).waitFor();
    assert.deepEqual(suite.explorer!.host.last('forceToken'), { type: 'forceToken', id: second });
  });

  it('has no accessibility violations with the panel open, in every theme', async () => {
    const page = await openGeneration();
    await page.getByRole('button', { name: 'Show Attribution' }).click();
    await page.locator('.attribution:not(.stale)').waitFor();
    const typed = page.locator('vscode-text-field[aria-label="Type a target"] input');
    await typed.fill(' Paris!');
    await typed.press('Enter');
    await page.locator('.panel .field-error').waitFor(); // the refusal, marked in the error colour, is checked too
    await expectNoViolationsInEveryTheme(page, 'Attribution panel');
  });

  async function expectTotal(page: Page, expected: number) {
    const total = Number((await page.locator('.attribution__total strong').innerText()).replace('−', '-'));
    assert.ok(Math.abs(total - expected) <= 1e-3, `shown total ${total}, the reference's ${expected}`);
  }

  async function eventually<T>(probe: () => T | undefined, what: string): Promise<T> {
    for (let i = 0; i < 200; i++) {
      const found = probe();
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`never happened: ${what}`);
  }

  /** The lesson sentence's ids, then the reference's greedy picks, `length` tokens in all. */
  async function greedyIds(length: number): Promise<number[]> {
    const ids = tokenizer.encode(PRESETS[0].text).map((token) => token.id);
    while (ids.length < length) ids.push(topK(forward(ids).logits.subarray((ids.length - 1) * V), 1)[0]);
    return ids;
  }

  /** The strongest head's cell is drawn at full strength in the theme's red (pushes up) or blue (down). */
  async function expectStrongestHeadColoured(page: Page, heads: number[][]) {
    const flat = heads.flat();
    const best = flat.reduce((b, x, i) => (Math.abs(x) > Math.abs(flat[b]) ? i : b), 0);
    const [layer, head] = [Math.floor(best / heads[0].length), best % heads[0].length];
    const variable = flat[best] >= 0 ? '--vscode-charts-red' : '--vscode-charts-blue';
    const same = await page.evaluate(({ layer, head, heads, variable }) => {
      const canvas = document.querySelector('.attribution canvas') as HTMLCanvasElement;
      const ratio = canvas.width / canvas.getBoundingClientRect().width;
      const cell = (canvas.getBoundingClientRect().width - 38) / heads;
      const at = canvas.getContext('2d')!.getImageData(Math.round((36 + (head + 0.5) * cell) * ratio), Math.round((18 + (layer + 0.5) * cell) * ratio), 1, 1).data;
      const probe = document.createElement('canvas').getContext('2d')!;
      probe.fillStyle = getComputedStyle(document.body).getPropertyValue(variable).trim();
      probe.fillRect(0, 0, 1, 1);
      const want = probe.getImageData(0, 0, 1, 1).data;
      return [0, 1, 2].every((i) => Math.abs(at[i] - want[i]) < 12);
    }, { layer, head, heads: heads[0].length, variable });
    assert.ok(same, `the strongest head (layer ${layer}, head ${head}) is drawn in ${variable}`);
  }
});
