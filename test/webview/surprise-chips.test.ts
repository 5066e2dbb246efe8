// The Tokens tab's Show Token Surprise toggle in headless Chromium on the real controller and session worker
// (a small generated model, the real tokenizer): each prompt chip after the first is underlined in its rank
// band and says its rank, which is the float64 reference's (within float32 ties); off again, the marks go.
// axe finds nothing in any theme with the marks on.

import assert from 'node:assert/strict';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { PRESETS } from '../../src/explorer/presets';
import { loadReferenceModel, referenceForward } from '../engine/reference';
import { realControllerSuite } from './real-controller-suite';
import { expectNoViolationsInEveryTheme } from './theme-switch';
import { THEME_NAMES } from './themes';

const V = 50257;
const EPS = 2e-5; // float32 logits against float64: ranks within what it allows

describe('explorer webview: Token Surprise on the chips (real controller and worker)', () => {
  const suite = realControllerSuite();


  async function openTokens(theme: (typeof THEME_NAMES)[number] = 'dark') {
    const page = await suite.open(theme);
    await page.getByRole('button', { name: 'Show Token Surprise' }).click();
    await page.locator('.chip--s0, .chip--s1, .chip--s2, .chip--s3').first().waitFor();
    return page;
  }

  it('underlines each prompt chip after the first by the reference’s rank, and takes it off again', async () => {
    const page = await openTokens();
    assert.equal(suite.explorer!.host.ofType('requestSurprise').length, 1);
    const tokenizer = await Gpt2Tokenizer.fromModelDir(suite.modelDir);
    const ids = tokenizer.encode(PRESETS[0].text).map((token) => token.id);
    const { logits } = referenceForward(loadReferenceModel(suite.modelDir), ids);
    const chips = page.locator('.chips .chip');
    for (let i = 0; i < ids.length; i++) {
      const [label, classes] = await Promise.all([chips.nth(i).getAttribute('aria-label'), chips.nth(i).getAttribute('class')]);
      if (i === 0) {
        assert.doesNotMatch(label!, /rank/, 'the first token has nothing before it');
        continue;
      }
      const rank = Number(/rank ([\d,]+)/.exec(label!)![1].replace(/,/g, ''));
      const row = logits.subarray((i - 1) * V, i * V);
      const x = row[ids[i]];
      const [lo, hi] = [1 + row.filter((v) => v > x + EPS).length, 1 + row.filter((v) => v > x - EPS).length];
      assert.ok(rank >= lo && rank <= hi, `chip ${i}: rank ${rank} outside the reference's [${lo}, ${hi}]`);
      const band = rank <= 10 ? 0 : rank <= 100 ? 1 : rank <= 1000 ? 2 : 3;
      assert.match(classes!, new RegExp(`chip--s${band}\\b`), `chip ${i}, rank ${rank}`);
      assert.match(label!, [/in the top 10\)/, /in the top 100\)/, /in the top 1,000\)/, /beyond the top 1,000\)/][band]);
    }
    if (process.env.SURPRISE_SCREENSHOT) await page.locator('vscode-panel-view:visible').first().screenshot({ path: process.env.SURPRISE_SCREENSHOT }); // a PNG path, to look at
    await page.getByRole('button', { name: 'Hide Token Surprise' }).click();
    assert.equal(await page.locator('.chip--s0, .chip--s1, .chip--s2, .chip--s3').count(), 0, 'off: no marks');
  });

  it('has no accessibility violations with the marks on, in every theme', async () => {
    const page = await openTokens();
    await expectNoViolationsInEveryTheme(page, 'Tokens tab with Token Surprise');
  });
});
