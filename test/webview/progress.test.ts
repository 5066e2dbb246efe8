// A long Analyze in the explorer webview (headless Chromium, the built bundle): the chips as soon as
// the host has them, a progress bar that moves pass by pass, Cancel that asks the host to stop, and
// the session that was on screen before coming back when the host says it is over.

import assert from 'node:assert/strict';
import type { HostMessage } from '../../src/protocol/explorer';
import type { AnalysisProgress, TokenChip } from '../../src/protocol/views';
import * as lesson from './fixtures/lesson';
import { ExplorerPage, openExplorer, suitePages } from './harness';

const LONG_TOKENS = 700;

function progress(done: number): HostMessage {
  const tokens: TokenChip[] = Array.from({ length: LONG_TOKENS }, (_, index) => ({ index, id: 464 + (index % 50), text: index % 2 ? ' fox' : ' The', start: 4 * index, end: 4 * index + 4, generated: false }));
  const update: AnalysisProgress = { tokens, truncated: 314, done, total: LONG_TOKENS };
  return { type: 'progress', progress: update };
}

describe('explorer webview: a long prompt on its way (browser)', () => {
  const pages = suitePages();
  let explorer: ExplorerPage;

  afterEach(async () => {
    const { violations, host } = explorer;
    await explorer.close();
    assert.deepEqual(violations, [], 'CSP violations or page errors');
    assert.deepEqual(host.malformed, [], 'the page posted messages the protocol rejects');
  });

  it('paints the chips and the progress at once, moves the bar, and Cancel asks the host and brings back the session before', async () => {
    explorer = await openExplorer(pages.browser, pages.server, { backend: null });
    const { page, host } = explorer;
    await host.send(lesson.init);
    await host.send(lesson.ready);
    await host.send(lesson.session('capitals', 0));
    await page.locator('.chip').first().waitFor();
    const before = await page.locator('.chip').count();

    await host.send(progress(0));
    await page.getByRole('heading', { name: 'Reading the prompt…' }).waitFor();
    assert.equal(await page.locator('.chip').count(), LONG_TOKENS, 'every chip of the long prompt, before any pass is done');
    const bar = page.getByRole('progressbar');
    assert.equal(await bar.getAttribute('value'), '0');
    assert.equal(await bar.getAttribute('max'), String(LONG_TOKENS));
    await page.getByText('GPT-2 has read 0 of 700 tokens (the first 314 were cut).').waitFor();

    await host.send(progress(256));
    await page.getByText('GPT-2 has read 256 of 700 tokens', { exact: false }).waitFor();
    assert.equal(await bar.getAttribute('value'), '256');

    host.clear();
    await page.getByRole('button', { name: 'Cancel' }).click();
    for (let i = 0; i < 100 && !host.last('cancel'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(host.last('cancel'), 'Cancel posts a cancel message');
    await host.send({ type: 'progress', progress: null });
    await page.getByRole('heading', { name: 'Reading the prompt…' }).waitFor({ state: 'detached' });
    assert.equal(await page.locator('.chip').count(), before, 'the session before is back');
  });

  it('gives way to the session when it arrives, and to an error', async () => {
    explorer = await openExplorer(pages.browser, pages.server, { backend: null });
    const { page, host } = explorer;
    await host.send(lesson.init);
    await host.send(lesson.ready);
    await host.send(progress(512));
    await page.getByRole('progressbar').waitFor();
    await host.send(lesson.session('fox', 0));
    await page.getByRole('progressbar').waitFor({ state: 'detached' });
    await page.locator('.chip').first().waitFor();
    await host.send(progress(0));
    await page.getByRole('progressbar').waitFor();
    await host.send({ type: 'error', message: 'GPT-2 ran out of memory.', action: null });
    await page.getByRole('progressbar').waitFor({ state: 'detached' });
  });
});
