// The patching panel's progress bar and Cancel, driven message by message (the test is the host): the
// bar says how many runs are done, Cancel posts cancelPatch, the grids shown before stay while a run
// goes and after it ends; axe finds nothing on the panel mid-run in any theme.

import assert from 'node:assert/strict';
import type { HostMessage } from '../../src/protocol/explorer';
import * as compare from './fixtures/compare';
import * as lesson from './fixtures/lesson';
import { openExplorer, suitePages } from './harness';
import { expectNoViolationsInEveryTheme } from './theme-switch';

const session = lesson.session('capitals', 0);
const text = session.type === 'session' ? session.session.sentence.text : '';
const [compared, patched] = [compare.compareOf(text), compare.patchingOf(text)]; // about the lesson session's own sentence

describe('explorer webview: the patching progress bar and Cancel (Chromium)', () => {
  const pages = suitePages();

  it('shows the runs done, Cancel asks the host to stop, the grids before stay; axe finds nothing mid-run in every theme', async () => {
    const explorer = await openExplorer(pages.browser, pages.server, { theme: 'dark', backend: null });
    const { page, host } = explorer;
    try {
      for (const message of [lesson.init, lesson.ready, session, { type: 'ui', patch: { tab: 'compare' } }, compared, patched, compare.patchProgress] as HostMessage[]) await host.send(message);
      await page.getByRole('progressbar', { name: 'Patched 4 of 9 runs' }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Run Patching' }).getAttribute('disabled'), '', 'no second run while one goes');
      assert.equal(await page.locator('figure.patching__grid[data-what="resid"]').count(), 1, 'the grid before stays while a run goes');
      await expectNoViolationsInEveryTheme(page, 'the patching panel mid-run');
      await page.getByRole('button', { name: 'Cancel Patching' }).click();
      assert.deepEqual(host.last('cancelPatch'), { type: 'cancelPatch' });
      await host.send({ type: 'patchProgress', progress: null });
      await page.getByRole('progressbar').waitFor({ state: 'detached' });
      assert.equal(await page.locator('figure.patching__grid[data-what="resid"]').count(), 1, 'and after the run was cancelled');
      assert.deepEqual(explorer.violations, [], 'CSP violations or page errors');
    } finally {
      await explorer.close();
    }
  });
});
