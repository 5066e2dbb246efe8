// The bench's page probe (bench/cases/latency-page.ts) on the real controller and worker: it clicks
// Step as soon as the busy panel lets it. Issue 19's stall at 1,000 scripted Steps was a click lost
// there, not in the product: Preact clears the button's `disabled` property when "not busy" arrives,
// the toolkit removes the attribute on its next animation frame, and in between click() on the
// button (a form-associated element, disabled by its attribute) dispatches nothing. A learner's
// click cannot land in that gap: the frame that paints the button enabled has the attribute gone.

import assert from 'node:assert/strict';
import type { HostMessage } from '../../src/protocol/explorer';
import { PAGE_PROBE, settle } from '../../bench/cases/latency-page';
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
});
