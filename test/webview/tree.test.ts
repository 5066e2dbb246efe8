// The Decoding tree panel in headless Chromium on the real controller and session worker (a small generated
// model, the real tokenizer): Step twice, go back to the first token, force the second candidate (a branch),
// continue it, revisit the first branch; the counter, the chips and the candidates follow the node shown, and
// the candidates are the float64 reference's on that node's text from scratch. The explanation tells the
// filters and the draw; the arrow keys walk the tree; Save Data writes it; axe finds nothing in any theme.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { topK } from '../../src/explorer/decoding/logits';
import { PRESETS } from '../../src/explorer/presets';
import { shownToken } from '../../webview/explorer/token-text';
import { loadReferenceModel, referenceForward, type ReferenceModel } from '../engine/reference';
import { realControllerSuite } from './real-controller-suite';
import { expectNoViolationsInEveryTheme } from './theme-switch';
import { THEME_NAMES } from './themes';

const V = 50257;
const SCREENSHOT = process.env.TREE_SCREENSHOT; // a PNG path: the branched tree, to look at

describe('explorer webview: the Decoding tree (real controller and worker)', () => {
  const suite = realControllerSuite();
  let reference: ReferenceModel;
  let tokenizer: Gpt2Tokenizer;
  let prompt: number[];

  before(async () => {
    tokenizer = await Gpt2Tokenizer.fromModelDir(suite.modelDir);
    reference = loadReferenceModel(suite.modelDir);
    prompt = tokenizer.encode(PRESETS[0].text).map((token) => token.id);
  });

  /** The Generation tab on a fresh tree (the backend's session outlives a page). */
  async function openGeneration(theme: (typeof THEME_NAMES)[number] = 'dark'): Promise<Page> {
    const page = await suite.open(theme, { height: 1400 });
    await page.getByRole('tab', { name: 'Generation' }).click();
    await page.getByRole('button', { name: 'Reset generation to the prompt' }).click();
    await counter(page, 0);
    return page;
  }
  const counter = (page: Page, n: number) => page.getByText(`${n} / 10 tokens generated`).waitFor();
  const ranked = (ids: number[]) => topK(referenceForward(reference, ids).logits.subarray((ids.length - 1) * V), 10);
  const treeNode = (page: Page, text: string) => page.locator('.tree__node', { hasText: shownToken(text) }).first();

  /** What the panel shows is the text `ids`: counter, generated text, and the reference's candidates after it. */
  async function assertShows(page: Page, ids: number[], shownCount = 10) {
    await counter(page, ids.length - prompt.length);
    const soFar = await page.locator('.so-far__text .generated').allInnerTexts();
    assert.deepEqual(soFar, ids.slice(prompt.length).map((id) => tokenizer.tokenText(id)), 'the generated text of the node');
    const shown = await page.locator('.bars .bars__token').allInnerTexts();
    assert.deepEqual(shown, ranked(ids).slice(0, shownCount).map((id) => shownToken(tokenizer.tokenText(id))), 'the candidates after that text, as the reference ranks them');
  }

  it('branch, revisit, continue: the counter, text and candidates follow the node, as the reference says', async () => {
    const page = await openGeneration();
    const step = page.getByRole('button', { name: 'Step: append the top token' });
    await step.click();
    await counter(page, 1);
    await step.click();
    await counter(page, 2);
    const t0 = ranked(prompt)[0];
    const t1 = ranked([...prompt, t0])[0];
    await assertShows(page, [...prompt, t0, t1]);
    assert.match(await page.locator('.pick__title').innerText(), /picked by Step/);

    await treeNode(page, tokenizer.tokenText(t0)).click(); // back to the first token
    await assertShows(page, [...prompt, t0]);
    assert.deepEqual(suite.explorer!.host.last('selectNode'), { type: 'selectNode', node: 0 });

    const second = ranked([...prompt, t0])[1];
    await page.locator('.bars .bars__token').nth(1).click(); // the second candidate instead of the first
    await assertShows(page, [...prompt, t0, second]);
    assert.deepEqual(suite.explorer!.host.last('forceToken'), { type: 'forceToken', id: second });
    assert.equal(await page.locator('.tree__branches > li').count(), 2, 'two branches below the first token');
    assert.match(await page.locator('.pick__draw').innerText(), /^You chose/);
    await page.locator('.announcement', { hasText: new RegExp(`^You chose: appended .* as token ${prompt.length + 2}$`) }).waitFor({ state: 'attached' });

    await step.click(); // continue the new branch
    const t2 = ranked([...prompt, t0, second])[0];
    await assertShows(page, [...prompt, t0, second, t2]);
    await page.getByRole('tab', { name: 'Tokens' }).click();
    assert.equal(await page.locator('.chip').count(), prompt.length + 3, 'the chips follow the node');
    assert.equal(await page.locator('.chip--generated').count(), 3);
    await page.getByRole('tab', { name: 'Generation' }).click();

    await page.locator('.tree__branches > li').first().locator('.tree__node').first().click(); // the first branch again
    await assertShows(page, [...prompt, t0, t1]);
    assert.equal(await page.locator('.tree__node--current').innerText(), shownToken(tokenizer.tokenText(t1)));
    await page.locator('.announcement', { hasText: `Tree: showing "${tokenizer.tokenText(t1)}" as token ${prompt.length + 2}` }).waitFor({ state: 'attached' });
    await page.getByRole('button', { name: 'Prompt', exact: true }).click();
    await assertShows(page, prompt);
    await page.locator('.announcement', { hasText: `Tree: back at the prompt, ${prompt.length} tokens` }).waitFor({ state: 'attached' });
    if (SCREENSHOT) {
      await treeNode(page, tokenizer.tokenText(t2)).click();
      await counter(page, 3);
      await page.locator('.decoding-tree').screenshot({ path: SCREENSHOT });
    }
  });

  it('a Sample & append tells the filters in order and the draw; a removed token goes in at that step', async () => {
    const page = await openGeneration();
    await page.getByRole('textbox', { name: 'Top-k' }).fill('3');
    await page.getByRole('textbox', { name: 'Top-k' }).press('Enter');
    await page.getByText('3 tokens in play').waitFor();
    await page.getByRole('button', { name: 'Sample & append' }).click();
    await counter(page, 1);
    // The live region tells what the page asked for (app.tsx folds it into the state with the answer): not a Step's words.
    assert.match(await page.locator('.announcement').innerText(), /^Sample & append: appended .+ as token 13$/);
    const rows = await page.locator('.pick__filters tbody tr').allInnerTexts();
    assert.equal(rows.length, 2);
    assert.match(rows[0], /^Temperature 1\s+50,257 → 50,257\s+none \(it reshapes\)/);
    assert.match(rows[1], /^Top-k 3\s+50,257 → 3\s+\d+(\.\d)?% of the mass/);
    await page.getByRole('button', { name: 'Sample: roll once without appending' }).click();
    await page.getByText(/Last draw: .+ \(draw 2 of seed 0: u = 0\.\d{4}\) · 1 draw/).waitFor(); // the plain Sample's number: the second of the seed
    assert.match(await page.locator('.pick__draw').innerText(), /^Draw 1 of seed 0: u = 0\.\d{4} fell in \[0\.\d{4}, [01]\.\d{4}\) of the running sum/);
    // The fourth most likely token, which top-k removed, appended at that same step instead.
    const fourth = ranked(prompt)[3];
    await page.locator('.pick__filters tbody tr').nth(1).locator('.pick__token').first().click();
    // The counter says 1 before and after (the sampled node, then the forced one): wait for the forced one's words.
    await page.locator('.pick__draw', { hasText: /which the filters had removed \(probability 0\)/ }).waitFor();
    await assertShows(page, [...prompt, fourth], 3);
    assert.equal(await page.locator('.tree > li > .tree__branches > li').count(), 2, 'both tokens follow the prompt');
    await page.getByRole('textbox', { name: 'Top-k' }).fill('0');
    await page.getByRole('textbox', { name: 'Top-k' }).press('Enter');
    await page.getByText('50,257 tokens in play').waitFor();
  });

  it('the chain ends with the stops checked after the token, and marks the one that ended generation', async () => {
    const context = (JSON.parse(readFileSync(join(suite.modelDir, 'config.json'), 'utf8')) as { n_positions: number }).n_positions;
    const page = await openGeneration();
    const step = page.getByRole('button', { name: 'Step: append the top token' });
    await step.click();
    await counter(page, 1);
    const stops = page.locator('.pick__stops li');
    assert.deepEqual(await stops.allInnerTexts(), ['<|endoftext|>: not this token', 'at most 10 new tokens: this is new token 1', `the context of ${context.toLocaleString('en')} tokens: it holds ${prompt.length + 1}`]);
    assert.equal(await page.locator('.pick__stops .stop').count(), 0);
    await page.locator('.pick__stops', { hasText: 'None holds: generation goes on from this token.' }).waitFor();
    for (let n = 2; n <= 10; n++) {
      await step.click();
      await counter(page, n);
    }
    assert.deepEqual(await page.locator('.pick__stops .stop').allInnerTexts(), ['at most 10 new tokens: this is new token 10 — generation stops here']);
    await treeNode(page, tokenizer.tokenText(ranked(prompt)[0])).click(); // an earlier token: nothing ended there
    await counter(page, 1);
    assert.equal(await page.locator('.pick__stops .stop').count(), 0);
  });

  it('the arrow keys walk the tree; Enter shows the node; Save Data writes the tree', async () => {
    const page = await openGeneration();
    await page.getByRole('button', { name: 'Step: append the top token' }).click();
    await counter(page, 1);
    await page.getByRole('button', { name: 'Step: append the top token' }).click();
    await counter(page, 2);
    await page.getByRole('button', { name: 'Prompt', exact: true }).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await counter(page, 1);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await counter(page, 2);
    await page.locator('.decoding-tree').getByRole('button', { name: 'Save Data' }).click();
    for (let waited = 0; !suite.explorer!.host.last('saveData'); waited += 50) {
      if (waited > 10_000) throw new Error('no saveData');
      await page.waitForTimeout(50);
    }
    const saved = suite.explorer!.host.last('saveData')!;
    assert.equal(saved.fileName, 'gpt2-tree.json');
    assert.equal(saved.data.panel.type, 'tree');
    const view = (saved.data.panel as { view: { nodes: { token: { id: number } }[]; current: number } }).view;
    const t0 = ranked(prompt)[0];
    assert.deepEqual(view.nodes.map((node) => node.token.id), [t0, ranked([...prompt, t0])[0]]);
    assert.equal(view.current, 1);
  });

  it('has no accessibility violations with a branched tree, in every theme', async () => {
    const page = await openGeneration();
    await page.getByRole('button', { name: 'Step: append the top token' }).click();
    await counter(page, 1);
    await page.locator('.bars .bars__token').nth(2).click();
    await counter(page, 2);
    await page.getByRole('button', { name: 'Prompt', exact: true }).click();
    await counter(page, 0);
    await page.locator('.bars .bars__token').nth(1).click();
    await counter(page, 1);
    await expectNoViolationsInEveryTheme(page, 'Decoding tree');
  });
});
