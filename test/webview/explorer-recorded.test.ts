// The explorer webview replaying messages recorded from the real session worker on the GPT-2-small-
// shaped test model (12 layers, 12 heads, dh 64): the page must draw real shapes and real numbers.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { HostMessage, parseHostMessage } from '../../src/protocol/explorer';
import { openExplorer, suitePages } from './harness';
import { RecordedBackend } from './recorded-backend';
import { Exchange, RECORDING } from './record-fixtures';

const exchanges: Exchange[] = JSON.parse(readFileSync(RECORDING, 'utf8')).exchanges;
const replies = (type: string): HostMessage[] => exchanges.flatMap((exchange) => exchange.replies).filter((message) => message.type === type);

describe('explorer webview on recorded worker messages', () => {
  const pages = suitePages();

  it('holds only messages the protocol accepts', () => {
    const all = exchanges.flatMap((exchange) => exchange.replies);
    assert.ok(all.length > 10);
    for (const message of all) assert.ok(parseHostMessage(message).ok, `${message.type}: ${JSON.stringify(parseHostMessage(message))}`);
  });

  it('draws the lesson walk: 12 chips, layer 11 attention, Q/K/V of 64, the lens, Step', async () => {
    const explorer = await openExplorer(pages.browser, pages.server, { backend: new RecordedBackend(exchanges) });
    const { page } = explorer;
    await page.locator('.chip').nth(11).waitFor();
    await page.getByRole('tab', { name: 'Self-Attention' }).click();
    await page.getByRole('combobox', { name: 'Layer' }).click();
    await page.getByRole('option', { name: '11', exact: true }).click();
    await page.waitForFunction(() => !document.querySelector('.heatmap')!.classList.contains('stale'));

    await page.getByRole('button', { name: 'Show Q / K / V Vectors' }).click();
    await page.locator('.chip').nth(11).click();
    await page.locator('.strip:not(.strip--empty)').nth(2).waitFor();
    const qkv = replies('qkv')[0] as Extract<HostMessage, { type: 'qkv' }>;
    assert.equal(await page.locator('.strip').nth(2).locator('.cell').count(), 64);
    assert.equal(await page.locator('.strip').nth(2).locator('.cell').nth(0).getAttribute('title'), `v[0] = ${qkv.view.v[0].toFixed(4)}`);

    const lens = replies('lens')[0] as Extract<HostMessage, { type: 'lens' }>;
    await page.locator('.lens__row').nth(9).waitFor();
    assert.equal(await page.locator('.lens__token').first().innerText(), lens.view.top[0].text.replace(/ /g, '·'));
    await page.getByText(`Probability of “${lens.view.top[0].text.replace(/ /g, '·')}” after each layer`, { exact: false }).waitFor();

    await page.getByRole('button', { name: 'Step: append the top token' }).click();
    await page.getByText('1 / 10 tokens generated').waitFor();
    const stepped = replies('session')[1] as Extract<HostMessage, { type: 'session' }>;
    assert.equal(await page.locator('.chip--generated').innerText(), stepped.session.tokens[12].text.replace(/ /g, '·'));

    assert.deepEqual(explorer.violations, []);
    assert.deepEqual(explorer.host.malformed, []);
  });
});
