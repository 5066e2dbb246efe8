// The bench's page probe (bench/cases/latency-page.ts) on the real controller and worker: it clicks
// Step as soon as the busy panel lets it. Issue 19's stall at 1,000 scripted Steps was a click lost
// there, not in the product: Preact clears the button's `disabled` property when "not busy" arrives,
// the toolkit removes the attribute on its next animation frame, and in between click() on the
// button (a form-associated element, disabled by its attribute) dispatches nothing. A learner's
// click cannot land in that gap: the frame that paints the button enabled has the attribute gone.
// Also on the real worker: a chip's lens, read ahead in the pause, after one request, is the reference's; so is
// a head's pattern the host read ahead, drawn on a Layer and Head change that asks nothing.

import assert from 'node:assert/strict';
import type { HostMessage } from '../../src/protocol/explorer';
import { PAGE_PROBE, settle } from '../../bench/cases/latency-page';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { softmax, topK } from '../../src/explorer/decoding/logits';
import { PRESETS } from '../../src/explorer/presets';
import { loadReferenceModel, referenceForward, referenceLens } from '../engine/reference';
import { TINY } from '../engine/models';
import { realControllerSuite } from './real-controller-suite';

const STEP = 'vscode-button[aria-label="Step: append the top token"]';
const status = (busy: boolean): HostMessage => ({ type: 'status', model: 'ready', busy, detail: 'Test model' });

describe('the latency bench’s page probe (real controller and worker)', () => {
  const suite = realControllerSuite();

  it('clicks Step only once the browser takes the click: right after "not busy" it is still answered', async () => {
    const page = await suite.open();
    const host = suite.explorer!.host;
    await page.getByRole('tab', { name: 'Generation' }).click();
    await page.evaluate(PAGE_PROBE);
    await settle(page, 100);
    // The panel is told busy (as the host does for a request past 250 ms) and the toolkit has reflected it.
    await host.send(status(true));
    await page.waitForFunction(`document.querySelector('${STEP}').hasAttribute('disabled')`);
    const generated = await page.locator('.so-far__text .generated').count();
    const steps = host.ofType('step').length;
    // The probe waits for Step; "not busy" arrives next, in a task of its own, as a host message does.
    const sample = await page.evaluate(`(() => {
      const measured = window.__latency.measure({ kind: 'step' }, 0);
      window.postMessage(${JSON.stringify(status(false))}, '*');
      return measured;
    })()`);
    assert.equal(host.ofType('step').length, steps + 1, 'the page posted one Step');
    assert.equal(await page.locator('.so-far__text .generated').count(), generated + 1, 'and shows the token it appended');
    assert.ok((sample as { messages: [string, number][] }).messages.some(([type]) => type === 'session'), 'the session arrived while the probe watched');
  });

  it('a chip of the prompt shows its lens after one request, read ahead in the pause: the independent reference’s numbers', async () => {
    const page = await suite.open();
    const host = suite.explorer!.host;
    await page.evaluate(PAGE_PROBE);
    await settle(page, 300); // the pause in which the worker reads the tokens' lens ahead
    const ids = (await Gpt2Tokenizer.fromModelDir(suite.modelDir)).encode(PRESETS[0].text).map((token) => token.id);
    const reference = loadReferenceModel(suite.modelDir);
    const { hidden } = referenceForward(reference, ids);
    const [T, d, L] = [ids.length, 48, 2];
    for (const token of [3, 0]) {
      const perLayer = Array.from({ length: L + 1 }, (_, l) => softmax(referenceLens(reference, hidden.subarray((l * T + token) * d, (l * T + token + 1) * d), 1)));
      await page.locator('.chip').nth(token).click();
      const tracked = topK(perLayer[L], 1)[0]; // nothing picked: the top guess at the last layer is plotted
      await page.locator(`.lens:not(.stale) .track table[aria-label^="Probability of"]`).waitFor();
      const rows = page.locator('.lens:not(.stale) .lens__row');
      const shownIds = (await rows.evaluateAll((buttons) => buttons.map((b) => b.getAttribute('title')!))).map((title) => Number(/^id (\d+):/.exec(title)![1]));
      assert.deepEqual(shownIds, topK(perLayer[L], 10), `token ${token}: the top 10 at the last layer`);
      assertShown(await page.locator('.lens:not(.stale) .lens__prob').allInnerTexts(), shownIds.map((id) => perLayer[L][id]), `token ${token}, top 10`);
      assertShown(await page.locator('.lens:not(.stale) .track table.visually-hidden td').allInnerTexts(), perLayer.map((probs) => probs[tracked]), `token ${token}, tracked ${tracked}`);
      assert.equal(await page.locator('.lens__row--tracked').getAttribute('title'), `id ${tracked}: click to plot its probability across layers`);
    }
    // One request per chip: the default track came with the answer (messages reach the host in order, so the second chip's proves the first's is all).
    assert.deepEqual(host.ofType('requestLens').map(({ token, trackId }) => [token, trackId]), [[3, null], [0, null]]);
  });

  it('a Layer and Head change draws the head the host read ahead, asking nothing: the independent reference’s pattern', async () => {
    const page = await suite.open();
    const host = suite.explorer!.host;
    // Which heads the host read ahead, as the page receives them (the panel keeps them: host-data.ts).
    await page.evaluate(`window.addEventListener('message', (event) => {
      if (event.data?.type === 'attentionAhead') window.__ahead = [...(window.__ahead ?? []), ...event.data.maps.map((map) => map.layer + '/' + map.head)];
    })`);
    await page.getByRole('tab', { name: 'Self-Attention' }).click();
    await page.locator('.heatmap:not(.stale)').waitFor();
    const [layer, head] = [TINY.nLayer! - 1, TINY.nHead! - 1];
    await page.waitForFunction((key) => ((window as unknown as { __ahead?: string[] }).__ahead ?? []).includes(key), `${layer}/${head}`); // a function: a string would be eval'd, which the CSP refuses
    const asked = host.ofType('requestAttention').length;
    for (const [name, value] of [['Layer', layer], ['Head', head]] as const) {
      await page.getByRole('combobox', { name }).click();
      await page.getByRole('option', { name: String(value), exact: true }).click();
    }
    const table = page.locator(`table[aria-label="Attention of layer ${layer}, head ${head}: the keys each query token attends to most"]`);
    await table.waitFor({ state: 'attached' });
    const ids = suite.backend.controller.state.session!.tokens.map((chip) => chip.id); // the suite's session: a test before may have stepped
    const T = ids.length;
    const pattern = referenceForward(loadReferenceModel(suite.modelDir), ids).attention.subarray((layer * TINY.nHead! + head) * T * T, (layer * TINY.nHead! + head + 1) * T * T);
    const rows = await table.locator('tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!)));
    assert.equal(rows.length, T);
    rows.forEach((cells, query) => {
      const strongest = [...pattern.subarray(query * T, query * T + query + 1)].map((weight, key) => ({ key, weight })).sort((a, b) => b.weight - a.weight).slice(0, 3);
      cells.forEach((cell, i) => {
        const [, key, weight] = /\((\d+)\) ([\d.]+)$/.exec(cell)!;
        assert.ok(Math.abs(Number(weight) - pattern[query * T + Number(key) - 1]) <= 0.005 + 1e-6, `query ${query}: ${cell} for ${pattern[query * T + Number(key) - 1]}`);
        assert.ok(Math.abs(Number(weight) - strongest[i].weight) <= 0.005 + 1e-6, `query ${query}: key ${i + 1} of the strongest three`);
      });
    });
    assert.equal(host.ofType('requestAttention').length, asked, 'the change asked the host nothing');
  });
});

/** Percent texts as the panel shows them (one decimal below 10 %, none above; "<0.1%") against probabilities. */
function assertShown(texts: string[], probs: number[], what: string): void {
  assert.equal(texts.length, probs.length, what);
  texts.forEach((text, i) => {
    if (text === '<0.1%') return assert.ok(probs[i] < 0.001, `${what} [${i}]: ${text} for ${probs[i]}`);
    const value = Number(text.replace('%', ''));
    assert.ok(Math.abs(value - probs[i] * 100) <= (probs[i] >= 0.1 ? 0.5 : 0.05) + 1e-9, `${what} [${i}]: ${text} for ${probs[i]}`);
  });
}
