// Each explorer tab brought to the state the lesson describes, every panel on it filled in: the
// screenshots picture these scenes and the accessibility tests check them.

import type { Backend } from './fake-host';
import type { ExplorerPage } from './harness';
import { LessonBackend } from './lesson-backend';
import { scatterAt } from './page-checks';

export type Scene = (explorer: ExplorerPage) => Promise<void>;

export type SceneName = 'tokens' | 'self-attention' | 'generation' | 'tree';

export const SCENES: Record<SceneName, Scene> = {
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
  // A branched decoding tree: Sample & append under top-k 5, Step, back to the prompt, the second candidate
  // instead (a branch), Sample & append on it; the chain shown is that last draw's.
  tree: async ({ page }) => {
    await page.getByRole('tab', { name: 'Generation' }).click();
    const topK = page.getByRole('textbox', { name: 'Top-k' });
    await topK.fill('5');
    await topK.press('Enter');
    await page.getByText('5 tokens in play').waitFor();
    const counter = (n: number) => page.getByText(`${n} / 10 tokens generated`).waitFor();
    await page.getByRole('button', { name: 'Sample & append', exact: true }).click();
    await counter(1);
    await page.getByRole('button', { name: 'Step: append the top token' }).click();
    await counter(2);
    await page.getByRole('button', { name: 'Prompt', exact: true }).click();
    await counter(0);
    await page.locator('.bars .bars__token').nth(1).click();
    await counter(1);
    await page.getByRole('button', { name: 'Sample & append', exact: true }).click();
    await counter(2);
    await page.locator('.tree__branches > li').nth(1).waitFor();
    await page.locator('.pick__draw', { hasText: /^Draw/ }).waitFor();
  },
};

/** Who answers the page for a scene: the lesson fixtures, with their decoding tree for the tree scene. */
export const sceneBackend = (name: string): Backend => new LessonBackend({ tree: name === 'tree' });
