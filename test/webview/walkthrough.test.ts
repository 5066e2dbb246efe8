// The walkthrough view's page in headless Chromium: the shipped bundle inside the real webview shell
// (renderWebviewHtml, strict CSP), served from 127.0.0.1. Only acquireVsCodeApi is stood in for: what
// the page posts is recorded here and checked with the protocol's parser.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { LESSON_STEPS } from '../../src/extension/walkthrough/lesson';
import { renderWebviewHtml } from '../../src/extension/shared/webview-html';
import { parseWalkthroughMessage, type WalkthroughHostMessage, type WalkthroughMessage } from '../../src/protocol';
import { launchChromium } from './harness';

const BUNDLE = join(__dirname, '..', '..', 'dist', 'webview');

function serve(): Promise<{ origin: string; server: Server }> {
  let origin = '';
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', origin).pathname;
    const page = renderWebviewHtml({ title: 'GPT-2 Lesson', cspSource: origin, scriptUri: `${origin}/walkthrough.js`, styleUris: [`${origin}/walkthrough.css`] });
    const file = path === '/' ? null : /^\/(walkthrough\.(?:js|css))$/.exec(path)?.[1];
    if (file === undefined) return void response.writeHead(404).end();
    const send = (type: string, body: string | Buffer) => response.writeHead(200, { 'Content-Type': type }).end(body);
    if (file === null) return send('text/html', page);
    void readFile(join(BUNDLE, file)).then((body) => send(file.endsWith('.js') ? 'text/javascript' : 'text/css', body));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({ origin, server });
    }),
  );
}

describe('walkthrough view page (Chromium)', function () {
  let browser: Browser;
  let served: { origin: string; server: Server };
  let page: Page;
  let posted: WalkthroughMessage[];
  let problems: string[];
  let warnings: string[];

  before(async () => {
    served = await serve();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    served?.server.close();
  });

  beforeEach(async () => {
    posted = [];
    problems = [];
    warnings = [];
    page = await browser.newPage();
    page.on('pageerror', (error) => problems.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text());
      if (/Content Security Policy/.test(message.text())) problems.push(message.text());
    });
    await page.exposeFunction('recordPost', (raw: unknown) => {
      const parsed = parseWalkthroughMessage(raw);
      if (!parsed.ok) problems.push(`malformed post: ${parsed.error}`);
      else posted.push(parsed.value);
    });
    // A string, not a function: tsx would compile a function with helpers the page does not have.
    await page.addInitScript(`window.acquireVsCodeApi = () => ({ postMessage: (m) => window.recordPost(m), getState: () => undefined, setState: () => undefined });`);
    await page.goto(served.origin);
  });
  afterEach(async () => {
    await page.close();
    assert.deepEqual(problems, [], 'no page errors, CSP violations or malformed posts');
  });

  const send = (message: WalkthroughHostMessage | unknown) => page.evaluate((data) => window.postMessage(data, '*'), message);
  const progress = (current: string, done: string[], modelReady = true): WalkthroughHostMessage => ({ type: 'progress', current, done, modelReady });
  const until = async (check: () => boolean, what: string) => {
    for (let i = 0; i < 100 && !check(); i++) await page.waitForTimeout(50);
    assert.ok(check(), what);
  };

  it('says ready, then lists every step with the current one open and done ones ticked', async () => {
    await until(() => posted.some((message) => message.type === 'ready'), 'the page sends ready');
    await send(progress('qkv', ['sentence', 'red-dot']));
    await page.locator('.steps').waitFor();
    assert.equal(await page.locator('.step').count(), LESSON_STEPS.length);
    assert.equal(await page.locator('.step--done').count(), 2);
    const open = await page.locator('.step--open .step__title').innerText();
    assert.ok(open.startsWith('4') && open.includes(LESSON_STEPS[3].title), `the 4th step is open, got ${JSON.stringify(open)}`);
    assert.match(await page.locator('.hint').innerText(), /2 of 10 steps done · model ready/);
    assert.match(await page.locator('.step--open').innerText(), /Notice:/);
  });

  it('"Do it" asks the host to run the open step; a title moves there; Start over resets', async () => {
    await send(progress('layers', []));
    await page.locator('button[data-step="layers"]').click();
    await page.getByRole('button', { name: /Step once/ }).click();
    await page.getByRole('button', { name: 'Start over' }).click();
    await until(() => posted.length >= 4, 'three posts after ready');
    assert.deepEqual(posted.filter((message) => message.type !== 'ready'), [
      { type: 'runStep', id: 'layers' },
      { type: 'goto', id: 'step' },
      { type: 'resetProgress' },
    ]);
  });

  it('works from the keyboard: Tab reaches the open step\'s button and Enter presses it', async () => {
    await send(progress('sentence', []));
    await page.locator('.steps').waitFor();
    await page.keyboard.press('Tab'); // the first step's title
    await page.keyboard.press('Tab'); // its Do-it button
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-step')), 'sentence');
    await page.keyboard.press('Enter');
    await until(() => posted.some((message) => message.type === 'runStep'), 'Enter runs the step');
    assert.equal(await page.locator('.step--open .step__title').getAttribute('aria-expanded'), 'true');
  });

  it('drops a malformed progress message with a warning and keeps the last good one', async () => {
    await send(progress('sample', ['sentence']));
    await page.locator('.step--open', { hasText: 'Sample twenty times' }).waitFor();
    await send({ type: 'progress', current: 'stop', done: 'everything', modelReady: true });
    await until(() => warnings.some((text) => /malformed host message/.test(text)), 'a warning for the malformed message');
    assert.equal(await page.locator('.step--done').count(), 1);
    assert.match(await page.locator('.step--open').innerText(), /Sample twenty times/);
  });
});
