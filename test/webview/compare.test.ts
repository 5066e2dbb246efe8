// The Compare tab in headless Chromium on the real controller and session worker (a small generated
// model, the real tokenizer): a minimal pair's rows with the one differing position marked, the last
// positions' distances as the float64 reference has them, both next-token lists; patching's grid
// with every cell's raw metric as the reference patches it, the method's anchors (1 where the last
// position's final hidden state is patched in, 0 before the prompts part), a click that opens that
// position and layer; a pair whose clean prompt is not the sentence starts it; prompts that cannot be
// patched say why; a Cancel leaves the grids as they were.
// axe finds nothing in any theme.

import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { PAIRS } from '../../src/explorer/presets';
import { TINY } from '../engine/models';
import { loadReferenceModel, referenceForward } from '../engine/reference';
import { referencePatching } from '../explorer/reference-patching';
import { echoed } from './ui-echo';
import { realControllerSuite } from './real-controller-suite';
import { expectNoViolationsInEveryTheme } from './theme-switch';
import type { ThemeName } from './themes';

const [CAPITAL] = PAIRS; // its clean prompt is the lesson sentence the panel opens on

describe('explorer webview: the Compare tab (real controller and worker)', () => {
  const suite = realControllerSuite({ pairs: PAIRS });
  let tokenizer: Gpt2Tokenizer;

  before(async () => {
    tokenizer = await Gpt2Tokenizer.fromModelDir(suite.modelDir);
  });

  async function openPair(theme: ThemeName = 'dark', width?: number): Promise<Page> {
    const page = await suite.open(theme, { width });
    await page.getByRole('tab', { name: 'Compare' }).click();
    await page.getByRole('combobox', { name: 'Compare with' }).click();
    await page.getByRole('option', { name: /^Pair: The capital of Germany is Berlin\. The capital of France is/ }).click();
    await page.locator('.compare__rows').waitFor();
    return page;
  }

  async function runPatching(page: Page, what: string) {
    await page.getByRole('combobox', { name: 'Patch' }).click();
    await page.getByRole('option', { name: what }).click();
    await page.getByRole('button', { name: 'Run Patching' }).click();
  }

  it("shows the pair's rows with the differing position marked, the distances and both next-token lists", async () => {
    const page = await openPair();
    assert.deepEqual(suite.explorer!.host.last('requestCompare'), { type: 'requestCompare', corrupt: CAPITAL.corrupt, pair: CAPITAL.id });
    const [clean, corrupt] = [CAPITAL.clean, CAPITAL.corrupt].map((text) => tokenizer.encode(text).map((token) => token.id));
    const part = clean.findIndex((id, t) => id !== corrupt[t]);
    const rows = page.locator('.compare__rows tbody tr');
    assert.equal(await rows.nth(0).locator('td').count(), clean.length);
    assert.equal(await rows.nth(0).locator('td').nth(part).getAttribute('class'), 'compare__token compare__token--differs');
    assert.equal(await page.locator('.compare__rows td.compare__token--differs').count(), 2, 'one position, marked in both rows');
    assert.match(await rows.nth(1).locator('td').nth(part).innerText(), /·Italy/);

    const reference = loadReferenceModel(suite.modelDir);
    const { nLayer: L, nEmbd: d } = reference.config;
    const T = clean.length;
    const [a, b] = [referenceForward(reference, clean), referenceForward(reference, corrupt)];
    const shown = (await page.locator('table[aria-label="Distance of the two last positions after each layer"] td').allInnerTexts()).map(Number);
    assert.equal(shown.length, L + 1);
    shown.forEach((value, layer) => {
      const unit = (v: Float64Array) => {
        const mean = v.reduce((s, x) => s + x, 0) / d;
        const rms = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / d);
        return v.map((x) => (x - mean) / rms);
      };
      const [x, y] = [a, b].map((run) => unit(run.hidden.slice((layer * T + T - 1) * d, (layer * T + T) * d)));
      const expected = Math.sqrt(x.reduce((s, xi, i) => s + (xi - y[i]) ** 2, 0) / d);
      assert.ok(Math.abs(value - expected) <= 1e-3, `layer ${layer}: shown ${value}, the reference's ${expected}`);
    });
    assert.equal(await page.locator('.compare__next ol').nth(0).locator('li').count(), 10);
    assert.equal(await page.locator('.compare__next ol').nth(1).locator('li').count(), 10);
    assert.match(await page.locator('.compare__picker .hint').innerText(), /France or Italy/);
    await page.getByRole('slider', { name: 'Layer' }).fill(String(L));
    await page.locator(`canvas[aria-label^="Positions at layer ${L}:"]`).waitFor();
  });

  it("a pair whose clean prompt is not the sentence starts it first, with the pair's own tokens", async () => {
    const names = PAIRS.find((pair) => pair.id === 'pair-names')!;
    const page = await openPair();
    await page.getByRole('combobox', { name: 'Compare with' }).click();
    await page.getByRole('option', { name: /^Pair: When Mary and John/ }).click();
    await page.locator('.compare__rows td', { hasText: 'Mary' }).first().waitFor();
    assert.equal(await page.getByRole('combobox', { name: 'Sentence' }).getAttribute('current-value'), names.id);
    assert.equal(await page.locator('.compare__rows td.compare__token--differs').count(), 2);
    assert.equal(await page.getByRole('combobox', { name: 'Target' }).getAttribute('current-value'), String(tokenizer.encode(names.target)[0].id));
    assert.equal(await page.getByRole('combobox', { name: 'Versus' }).getAttribute('current-value'), String(tokenizer.encode(names.versus)[0].id));
  });

  it('patches the residual stream as the reference does; a click opens that position and hidden state', async () => {
    const page = await openPair();
    await runPatching(page, 'Residual stream: hidden state × position');
    const grid = page.locator('figure.patching__grid[data-what="resid"]');
    await grid.waitFor();
    const asked = suite.explorer!.host.last('requestPatch')!;
    const [target, versus] = [CAPITAL.target, CAPITAL.versus].map((text) => tokenizer.encode(text)[0].id);
    assert.deepEqual(asked, { type: 'requestPatch', corrupt: CAPITAL.corrupt, what: ['resid'], target, versus });
    assert.match(await grid.locator('figcaption').innerText(), /logit\(·Paris\) − logit\(·Rome\)/);

    const [clean, corrupt] = [CAPITAL.clean, CAPITAL.corrupt].map((text) => tokenizer.encode(text).map((token) => token.id));
    const expected = referencePatching(loadReferenceModel(suite.modelDir), clean, corrupt, target, versus, 'resid');
    const cells = await grid.getByRole('gridcell').evaluateAll((all) => all.map((cell) => cell.getAttribute('aria-label')!));
    const T = clean.length;
    const L = TINY.nLayer!;
    assert.equal(cells.length, (L + 1) * T);
    const part = clean.findIndex((id, t) => id !== corrupt[t]);
    cells.forEach((text, i) => {
      const [row, col] = [Math.floor(i / T), i % T];
      const metric = Number(/metric (-?\d+\.\d+)/.exec(text)![1]);
      assert.ok(Math.abs(metric - expected.effect[row][col]) <= 2e-3, `[${row}][${col}] ${text} against ${expected.effect[row][col]}`);
      if (col < part) assert.match(text, /effect -?0\.00$/, `before the prompts part nothing changes: ${text}`);
    });
    assert.match(cells[L * T + T - 1], /effect 1\.00$/, "the last position's final hidden state is the clean run's");

    // Hover the cell of hidden state 1 at the changed position, then click it.
    const box = await grid.locator('canvas').boundingBox();
    const cell = (box!.width - 36) / T;
    const top = box!.height - (L + 1) * cell - 2;
    const at = { x: 34 + (part + 0.5) * cell, y: top + 1.5 * cell };
    await grid.locator('canvas').hover({ position: at });
    assert.match(await page.locator('.tooltip').innerText(), new RegExp(`^hidden state 1 \\(after block 1\\), position ${part} “·France”: metric`));
    await grid.locator('canvas').click({ position: at });
    await page.getByRole('tab', { name: 'Self-Attention', selected: true }).waitFor();
    const ui = await echoed(suite.explorer!.host, (ui) => ui.tab === 'attention', 'the Self-Attention tab');
    assert.deepEqual([ui.tab, ui.token, ui.lensLayer, ui.slider], ['attention', part, 1, 1]);
  });

  it('the grid by keyboard only: Tab enters it once, arrows move, Enter opens the cell, the live region says what opened', async () => {
    const page = await openPair();
    await page.getByRole('combobox', { name: 'Patch' }).click();
    await page.getByRole('option', { name: 'MLP output: layer × position' }).click();
    await page.getByRole('button', { name: 'Run Patching' }).focus();
    await page.keyboard.press('Enter');
    const grid = page.locator('figure.patching__grid[data-what="mlp"]');
    await grid.getByRole('gridcell').first().waitFor();
    const focused = () => page.evaluate(() => [document.activeElement?.getAttribute('role'), document.activeElement?.getAttribute('data-cell')]);
    for (let tabs = 0; tabs < 6 && (await focused())[0] !== 'gridcell'; tabs++) await page.keyboard.press('Tab');
    assert.deepEqual(await focused(), ['gridcell', '0:0'], 'Tab lands on the first cell');
    assert.equal(await grid.locator('[role="gridcell"][tabindex="0"]').count(), 1, 'one cell in the tab order (roving)');
    const ring = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement!);
      const probe = document.createElement('div');
      probe.style.color = 'var(--vscode-focusBorder)';
      document.body.append(probe);
      const theme = getComputedStyle(probe).color;
      probe.remove();
      return { style: style.outlineStyle, width: style.outlineWidth, colour: style.outlineColor, theme };
    });
    assert.deepEqual([ring.style, ring.width, ring.colour], ['solid', '2px', ring.theme], 'a focus ring in the theme\'s focus colour');
    const [clean] = [CAPITAL.clean].map((text) => tokenizer.encode(text));
    const part = clean.findIndex((token, t) => token.id !== tokenizer.encode(CAPITAL.corrupt)[t].id);
    await page.keyboard.press('End');
    assert.deepEqual(await focused(), ['gridcell', `0:${clean.length - 1}`]);
    await page.keyboard.press('Home');
    for (let i = 0; i < part; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown'); // held at the last layer (TINY has 2)
    await page.keyboard.press('ArrowUp');
    assert.deepEqual(await focused(), ['gridcell', `0:${part}`]);
    await page.keyboard.press('ArrowDown');
    const name = await page.evaluate(() => document.activeElement!.getAttribute('aria-label'));
    assert.match(name!, new RegExp(`^layer 1 MLP output, position ${part} “·France”: metric -?\\d+\\.\\d{3}, effect -?\\d+\\.\\d{2}$`));
    await page.keyboard.press('Enter');
    await page.getByRole('tab', { name: 'Self-Attention', selected: true }).waitFor();
    const ui = await echoed(suite.explorer!.host, (ui) => ui.tab === 'attention', 'the Self-Attention tab');
    assert.deepEqual([ui.tab, ui.token, ui.layer, ui.lensLayer], ['attention', part, 1, 2]);
    assert.equal(await page.locator('.announcement').innerText(), `Opened layer 1 MLP output, position ${part} “·France” in the Self-Attention tab`);
  });

  it('says why prompts of other token counts or the same prompt cannot be patched', async () => {
    const page = await openPair();
    const field = page.locator('vscode-text-field[aria-label="Or type a second prompt (Enter)"] input');
    await field.fill('The capital of France is');
    await field.press('Enter');
    const refusal = page.locator('.patching__refusal');
    await refusal.waitFor();
    const said = await refusal.innerText();
    assert.match(said, /the clean one has 12, the corrupted one 5/);
    assert.match(said, /clean: {3}"The" " capital" " of" " Germany" " is" " Berlin"/);
    assert.match(said, /corrupt: "The" " capital" " of" " France" " is"/);
    assert.match(said, /they part at position 3/);
    assert.equal(await page.getByRole('button', { name: 'Run Patching' }).count(), 0, 'nothing to run');
    await field.fill(CAPITAL.clean);
    await field.press('Enter');
    await page.getByText('the two prompts are the same tokens: nothing to patch').waitFor();
  });

  it('a second prompt longer than Compare takes is refused in the tab, with what to do, instead of waiting', async () => {
    const page = await openPair();
    const long = ' word'.repeat(TINY.nPositions! + 6); // past this model's context, the bound here (min(MAX_COMPARE_TOKENS, context))
    const field = page.locator('vscode-text-field[aria-label="Or type a second prompt (Enter)"] input');
    await field.fill(long);
    await field.press('Enter');
    const refused = page.getByRole('tabpanel', { name: 'Compare' }).locator('.compare__refused');
    await refused.waitFor();
    assert.match(await refused.innerText(), new RegExp(`second prompt has ${tokenizer.encode(long).length} tokens; Compare and patching take prompts of at most ${TINY.nPositions}: shorten it`));
    assert.equal(await page.getByText('Comparing the new sentence…').count(), 0);
    await field.fill('The capital of France is'); // a prompt it takes: the refusal goes
    await field.press('Enter');
    await page.waitForFunction(() => !document.querySelector('.compare__refused'));
  });

  it('Cancel stops a patching run and leaves the grids shown before', async () => {
    const page = await openPair();
    await runPatching(page, 'MLP output: layer × position');
    await page.locator('figure.patching__grid[data-what="mlp"]').waitFor();
    const names = () => page.locator('figure.patching__grid').getByRole('gridcell').evaluateAll((all) => all.map((cell) => cell.getAttribute('aria-label')));
    const before = await names();
    const grids = suite.explorer!.host.ofType('requestPatch').length;
    // The page's own two messages, back to back: a Cancel that comes before the run even starts.
    suite.explorer!.host.receive({ type: 'requestPatch', corrupt: CAPITAL.corrupt, what: ['resid', 'attn', 'mlp', 'heads'], target: 0, versus: 1 });
    suite.explorer!.host.receive({ type: 'cancelPatch' });
    // The worker answers in order: once a compare asked after them is back, a grid that came anyway would be here.
    await page.evaluate(() => {
      (window as unknown as { compares: number }).compares = 0;
      window.addEventListener('message', (event) => event.data?.type === 'compare' && (window as unknown as { compares: number }).compares++);
    });
    suite.explorer!.host.receive({ type: 'requestCompare', corrupt: CAPITAL.corrupt, pair: CAPITAL.id });
    await page.waitForFunction(() => (window as unknown as { compares: number }).compares > 0);
    assert.equal(suite.explorer!.host.ofType('requestPatch').length, grids + 1);
    assert.deepEqual(await names(), before, 'the grids shown before stay, alone');
    assert.equal(await page.getByRole('progressbar').count(), 0);
  });

  it('has no axe violations with a pair compared and all four grids drawn, in a narrow panel, in every theme', async () => {
    const page = await openPair('dark', 520); // as beside an editor: the token rows scroll sideways
    await page.getByRole('button', { name: 'Run Patching' }).click();
    await page.locator('figure.patching__grid[data-what="heads"]').waitFor();
    await expectNoViolationsInEveryTheme(page, 'the Compare tab');
  });
});
