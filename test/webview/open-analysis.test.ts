// GPT-2: Open Analysis on the real controller, in headless Chromium: an analysis saved by Save Analysis
// is shown from the file alone — the saved tokens, the status line saying read-only,
// Step disabled, the attention view at the saved layer and head with the saved weights — and a file
// without token positions is refused with its reason. Picking a sentence runs the model again.

import assert from 'node:assert/strict';
import { type AnalysisExport, readAnalysis } from '../../src/protocol/export-format';
import { echoed } from './ui-echo';
import { expectNoViolations } from './axe';
import { realControllerSuite } from './real-controller-suite';

describe('explorer webview: an analysis opened from a file, read-only (real controller)', () => {
  const suite = realControllerSuite();

  async function savedAnalysis(): Promise<AnalysisExport> {
    const page = await suite.open();
    await page.getByRole('tab', { name: 'Self-Attention' }).click();
    await page.locator('.heatmap:not(.stale)').waitFor();
    await suite.backend.controller.saveAnalysis();
    const read = readAnalysis(new TextDecoder().decode(suite.backend.ui.saved.at(-1)!.bytes));
    assert.ok(read.ok, !read.ok ? read.error : '');
    return read.value;
  }

  it('shows the saved session and views read-only, Step disabled; a file without positions is refused', async () => {
    const analysis = await savedAnalysis();
    const attention = analysis.panels.find((panel) => panel.type === 'attention')!;
    assert.ok(attention.type === 'attention');
    // Another sentence first, so what the page shows next can only have come from the file.
    const page = suite.explorer!.page;
    await suite.backend.controller.choosePreset({ ...analysis.session.sentence, id: 'other', text: 'A different sentence altogether', layer: 0, head: 0, note: '' });
    await page.locator('.chip', { hasText: 'altogether' }).waitFor();
    assert.equal(suite.backend.controller.showAnalysis(analysis, 'gpt2-analysis.json'), null);
    await page.getByText(/Read-only: gpt2-analysis\.json — .*, shown without the model/).waitFor();
    await page.locator('.chip', { hasText: 'altogether' }).waitFor({ state: 'detached' });
    assert.deepEqual(await page.locator('.chip').allInnerTexts().then((texts) => texts.length), analysis.session.tokens.length);
    await page.locator('.heatmap:not(.stale)').waitFor();
    const ui = await echoed(suite.explorer!.host, (ui) => ui.layer === attention.view.layer && ui.head === attention.view.head, 'the analysis file’s layer and head');
    assert.deepEqual([ui.layer, ui.head], [attention.view.layer, attention.view.head]);
    assert.ok(await page.getByRole('button', { name: 'Step: append the top token' }).evaluate((button) => button.hasAttribute('disabled')));
    await expectNoViolations(page, 'read-only analysis, dark');

    const problem = suite.backend.controller.showAnalysis({ ...analysis, panels: analysis.panels.filter((panel) => panel.type !== 'positions') }, 'cut.json');
    assert.equal(problem, 'cut.json holds no token positions, so the explorer cannot draw it');
  });
});
