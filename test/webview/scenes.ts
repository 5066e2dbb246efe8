// Each explorer tab brought to the state the lesson describes, every panel on it filled in: the
// screenshots picture these scenes and the accessibility tests check them.

import { scatterAt } from './page-checks';
import type { ExplorerPage } from './harness';

export type Scene = (explorer: ExplorerPage) => Promise<void>;

export const SCENES: Record<'tokens' | 'self-attention' | 'generation', Scene> = {
  tokens: async ({ page }) => {
    await page.locator('.chip').nth(11).click();
    await page.locator('.lens__row').first().waitFor();
  },
  'self-attention': async ({ page }) => {
    await page.getByRole('tab', { name: 'Self-Attention' }).click();
    await page.getByRole('combobox', { name: 'Layer' }).click();
    await page.getByRole('option', { name: '11', exact: true }).click();
    await page.getByRole('slider', { name: 'Layer', exact: true }).fill('6');
    await scatterAt(page, 6);
    await page.getByRole('button', { name: 'Show Q / K / V Vectors' }).click();
    await page.locator('.chip').nth(11).click();
    await page.locator('.strip').nth(2).waitFor();
    await page.locator('.lens__row').first().waitFor();
  },
  generation: async ({ page }) => {
    await page.getByRole('tab', { name: 'Generation' }).click();
    await page.getByRole('button', { name: 'Step: append the top token' }).click();
    await page.getByText('1 / 10 tokens generated').waitFor();
    for (let i = 0; i < 5; i++) await page.getByRole('button', { name: 'Sample: roll once without appending' }).click();
    await page.getByText('5 draws', { exact: false }).waitFor();
  },
};
