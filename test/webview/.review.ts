import { launchChromium, openExplorer, servePages } from './harness';
import { scatterAt } from './page-checks';
(async () => {
  const [browser, server] = await Promise.all([launchChromium(), servePages()]);
  for (const theme of ['dark', 'light'] as const) {
    const ex = await openExplorer(browser, server, { theme, width: 820, height: 900 });
    const page = ex.page;
    await page.locator('.chip').first().waitFor();
    await page.getByRole('tab', { name: 'Self-Attention' }).click();
    await page.getByRole('slider', { name: 'Layer', exact: true }).fill('6');
    await scatterAt(page, 6);
    await page.getByRole('button', { name: 'Show Q / K / V Vectors' }).click();
    await page.locator('.chip').nth(11).click();
    await page.locator('.strip').nth(2).waitFor();
    await page.locator('.lens__row').first().waitFor();
    const sections = page.locator('section.panel');
    for (let i = 0; i < await sections.count(); i++) await sections.nth(i).screenshot({ path: `/tmp/review-${theme}-${i}.png` });
    await page.locator('.explorer').screenshot({ path: `/tmp/review-${theme}-top.png`, clip: undefined }).catch(() => {});
    await page.screenshot({ path: `/tmp/review-${theme}-viewport.png` });
    console.log(ex.violations, ex.warnings);
    await page.context().close();
  }
  await browser.close(); await server.close();
})();
