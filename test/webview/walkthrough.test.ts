// The walkthrough view's page in headless Chromium: the shipped bundle inside the real webview shell
// (renderWebviewHtml, strict CSP), served from 127.0.0.1. Only acquireVsCodeApi is stood in for: what
// the page posts is recorded here and checked with the protocol's parser; what the host sends is the
// lesson (fixtures/walkthrough.ts), then progress.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { parseWalkthroughMessage, type WalkthroughMessage } from '../../src/protocol/walkthrough';
import { lesson, progress } from './fixtures/walkthrough';
import { suitePages } from './harness';

describe('walkthrough view bundle', () => {
  it('holds no step text: the steps come from the host', async () => {
    const bundle = await readFile(join(__dirname, '..', '..', 'dist', 'webview', 'walkthrough.js'), 'utf8');
    for (const step of lesson.steps) {
      for (const text of [step.todo, step.notice]) assert.ok(!bundle.includes(text), `dist/webview/walkthrough.js holds "${text.slice(0, 40)}…"`);
    }
  });
});

describe('walkthrough view page (Chromium)', function () {
  const pages = suitePages();
  let page: Page;
  let posted: WalkthroughMessage[];
  let problems: string[];
  let warnings: string[];

  const until = async (check: () => boolean, what: string) => {
    for (let i = 0; i < 100 && !check(); i++) await page.waitForTimeout(50);
    assert.ok(check(), what);
  };

  // One page for the file, its listeners and stand-in for acquireVsCodeApi set once: each test loads the
  // page anew in it (a new document costs far less than a new page).
  before(async () => {
    page = await pages.browser.newPage();
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
  });
  after(() => page?.close());
  beforeEach(async () => {
    posted = [];
    problems = [];
    warnings = [];
    await page.goto(`${pages.server.origin}/walkthrough`);
    // As the host does: nothing is sent before the page says `ready`, since its listener is attached in an effect
    // that runs after the first paint (later still on a busy machine) and a message sent earlier is simply lost.
    await until(() => posted.some((message) => message.type === 'ready'), 'the page sends ready');
  });
  afterEach(async () => {
    await page.goto('about:blank'); // what the test's document would still post or report ends here
    await page.mouse.move(0, 0); // no hover carried into the next document
    assert.deepEqual(problems, [], 'no page errors, CSP violations or malformed posts');
  });

  const send = (message: unknown) => page.evaluate((data) => window.postMessage(data, '*'), message);
  /** What the host sends after `ready`: the lesson, then the progress. */
  const start = async (current: string, done: string[]) => {
    await send(lesson);
    await send(progress(current, done));
  };

  it('says ready, then lists every step with the current one open and done ones ticked', async () => {
    await start('qkv', ['sentence', 'red-dot']);
    await page.locator('.steps').waitFor();
    assert.equal(await page.locator('h1').innerText(), lesson.title);
    assert.equal(await page.locator('.step').count(), lesson.steps.length);
    assert.equal(await page.locator('.step--done').count(), 2);
    const open = await page.locator('.step--open .step__title').innerText();
    assert.ok(open.startsWith('4') && open.includes(lesson.steps[3].title), `the 4th step is open, got ${JSON.stringify(open)}`);
    assert.match(await page.locator('.hint').innerText(), /2 of 10 steps done · model ready/);
    assert.match(await page.locator('.step--open').innerText(), /Notice:/);
  });

  it('shows "Loading the lesson…" until both the lesson and the progress came, then draws the steps it was sent', async () => {
    const loading = page.getByText('Loading the lesson…');
    await send(progress('two', ['one']));
    await loading.waitFor();
    const steps = [
      { id: 'one', title: 'First', todo: 'Do the first thing.', notice: 'It was first.', button: 'Do one' },
      { id: 'two', title: 'Second', todo: 'Do the second thing.', notice: 'It came next.', button: 'Do two' },
    ];
    await send({ type: 'lesson', title: 'A short lesson', steps });
    await page.locator('.steps').waitFor();
    assert.equal(await loading.count(), 0);
    assert.equal(await page.locator('h1').innerText(), 'A short lesson');
    assert.deepEqual(await page.locator('.step__title').allInnerTexts(), ['✓\nFirst\n(done)', '2\nSecond']);
    assert.match(await page.locator('.step--open').innerText(), /Do the second thing\.[\s\S]*Do two[\s\S]*Notice: It came next\./);
    assert.match(await page.locator('.hint').innerText(), /1 of 2 steps done/);
  });

  it('"Do it" asks the host to run the open step; a title moves there; Start over resets', async () => {
    await start('layers', []);
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
    await start('sentence', []);
    await page.locator('.steps').waitFor();
    await page.keyboard.press('Tab'); // the first step's title
    await page.keyboard.press('Tab'); // its Do-it button
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-step')), 'sentence');
    await page.keyboard.press('Enter');
    await until(() => posted.some((message) => message.type === 'runStep'), 'Enter runs the step');
    assert.equal(await page.locator('.step--open .step__title').getAttribute('aria-expanded'), 'true');
  });

  it('drops a malformed progress message with a warning and keeps the last good one', async () => {
    await start('sample', ['sentence']);
    await page.locator('.step--open', { hasText: 'Sample twenty times' }).waitFor();
    await send({ type: 'progress', current: 'stop', done: 'everything', modelReady: true });
    await until(() => warnings.some((text) => /malformed host message/.test(text)), 'a warning for the malformed message');
    assert.equal(await page.locator('.step--done').count(), 1);
    assert.match(await page.locator('.step--open').innerText(), /Sample twenty times/);
  });
});
