// Serves the webview bundles inside the real webview shell (renderWebviewHtml, real CSP) from
// 127.0.0.1, and opens the explorer in headless Chromium (test/chromium.ts finds it) with a fake acquireVsCodeApi wired to
// a FakeHost in Node. The fake API is the only stand-in: everything else is the shipped code.

import { readFile } from 'node:fs/promises';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { launchChromium } from '../chromium';
import { renderWebviewHtml } from '../../src/extension/common/webview-html';
import { Backend, FakeHost } from './fake-host';
import { LessonBackend } from './lesson-backend';
import { giveBackChromium, leasePage, returnPage, takeChromium, type Lease } from './page-pool';
import { themeCss, THEMES, ThemeName } from './themes';

const ROOT = join(__dirname, '..', '..');
const BUNDLE = join(ROOT, 'dist', 'webview');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

export { launchChromium };

export interface PageServer {
  origin: string;
  close(): Promise<void>;
}

/**
 * `/?theme=<name>` is the explorer page, `/walkthrough?theme=<name>` the lesson view's page (theme names in
 * themes.ts, dark when left out); `/dist/webview/*` the bundles; `/theme/<name>.css` the colours.
 */
export async function servePages(): Promise<PageServer> {
  let origin = '';
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', origin);
    respond(url, origin)
      .then(({ type, body }) => {
        // The page (its nonce) is made anew for every open; the bundles and theme stylesheets are the same for
        // this server's life, and a cached script also brings V8's cached code: each open compiles less.
        response.writeHead(200, { 'Content-Type': type, 'Cache-Control': type === 'text/html' ? 'no-store' : 'max-age=600' });
        response.end(body);
      })
      .catch(() => {
        response.writeHead(404);
        response.end();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function respond(url: URL, origin: string): Promise<{ type: string; body: string | Buffer }> {
  const theme = themeNamed(url.searchParams.get('theme') ?? 'dark');
  if (url.pathname === '/') {
    const html = renderWebviewHtml({
      title: 'GPT-2 Explorer',
      cspSource: origin,
      scriptUri: `${origin}/dist/webview/explorer.js`,
      styleUris: [`${origin}/theme/${theme}.css`, `${origin}/dist/webview/explorer.css`],
      bodyClass: THEMES[theme].bodyClass,
    });
    return { type: 'text/html', body: withThemeKind(html, theme) };
  }
  if (url.pathname === '/walkthrough') {
    const html = renderWebviewHtml({
      title: 'GPT-2 Lesson',
      cspSource: origin,
      scriptUri: `${origin}/dist/webview/walkthrough.js`,
      styleUris: [`${origin}/theme/${theme}.css`, `${origin}/dist/webview/walkthrough.css`],
      bodyClass: THEMES[theme].bodyClass,
    });
    return { type: 'text/html', body: withThemeKind(html, theme) };
  }
  const themeMatch = /^\/theme\/([a-z-]+)\.css$/.exec(url.pathname);
  if (themeMatch) return { type: 'text/css', body: themeCss(themeNamed(themeMatch[1])) };
  const file = /^\/dist\/webview\/((?:explorer|walkthrough)\.(?:js|css)(?:\.map)?)$/.exec(url.pathname);
  if (!file) throw new Error('not found');
  const extension = file[1].slice(file[1].lastIndexOf('.'));
  return { type: TYPES[extension], body: await readFile(join(BUNDLE, file[1])) };
}

/** VS Code's <body data-vscode-theme-kind>, which the page shell (renderWebviewHtml) leaves to VS Code. */
function withThemeKind(html: string, theme: ThemeName): string {
  return html.replace('<body ', `<body data-vscode-theme-kind="${THEMES[theme].kind}" `);
}

function themeNamed(name: string): ThemeName {
  if (!(name in THEMES)) throw new Error(`no theme ${name}`);
  return name as ThemeName;
}

/**
 * Chromium and a page server for a mocha suite, from before its first test to after its last. The browser is
 * the process's shared one (page-pool.ts): the suite gives it back instead of closing it.
 */
export function suitePages(): { browser: Browser; server: PageServer } {
  const pages = {} as { browser: Browser; server: PageServer };
  let taken = false;
  before(async () => {
    [pages.browser, pages.server] = await Promise.all([takeChromium(), servePages()]);
    taken = true;
  });
  after(async () => {
    if (taken) giveBackChromium();
    await pages.server?.close();
  });
  return pages;
}

export interface ExplorerPage {
  page: Page;
  host: FakeHost;
  violations: string[]; // CSP violations and page errors: every test expects none
  warnings: string[]; // console warnings (malformed messages are reported there)
  /** Ends the test's use of the page: it is kept for the next test (page-pool.ts). Closing its context works too. */
  close(): Promise<void>;
}

interface OpenOptions {
  theme?: ThemeName;
  backend?: Backend | null; // who answers the page: default the lesson fixtures; null: the test itself
  width?: number;
  height?: number;
}

let opened = 0; // numbers each open, so that a reused page starts with no saved state (FAKE_VSCODE_API)

export async function openExplorer(browser: Browser, server: PageServer, options: OpenOptions = {}): Promise<ExplorerPage> {
  const violations: string[] = [];
  const warnings: string[] = [];
  let host: FakeHost | undefined;
  const lease: Lease = {
    receive: (message) => host?.receive(message),
    violation: (text) => violations.push(text),
    console: (message) => {
      if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text());
      if (message.type() === 'warning') warnings.push(message.text());
    },
    pageError: (error) => violations.push(`page error: ${error.message}`),
  };
  const page = await leasePage(browser, { width: options.width ?? 900, height: options.height ?? 900 }, FAKE_VSCODE_API, lease);
  const opens = new FakeHost(page, options.backend === undefined ? new LessonBackend() : options.backend);
  host = opens;
  await page.goto(`${server.origin}/?theme=${options.theme ?? 'dark'}&open=${++opened}`);
  // As the real host: a test sends nothing before the page's `ready` (see openLessonPage for why).
  for (let waited = 0; !opens.received.some((message) => message.type === 'ready'); waited += 20) {
    if (waited > 30_000) throw new Error(`the explorer page sent no ready in 30 s; page errors: ${violations.join('; ') || 'none'}`);
    await page.waitForTimeout(20);
  }
  const close = async () => {
    opens.detach(); // a late answer of this test's backend must not reach the next test's document
    await returnPage(browser, page, lease);
  };
  return { page, host: opens, violations, warnings, close };
}

/**
 * Runs in the page before its scripts (outside the CSP, like VS Code's own preload). State lives in
 * sessionStorage so it survives a reload, as VS Code keeps it for a webview. A string, not a function:
 * tsx would add helpers to a function's source that do not exist in the page.
 */
const FAKE_VSCODE_API = `
  let acquired = false;
  const key = 'vscode-state-' + new URLSearchParams(location.search).get('open'); // one open's state: kept over a reload, not by the next test
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice'); // VS Code throws too
    acquired = true;
    return {
      postMessage: (message) => window.__fakeHostReceive(JSON.parse(JSON.stringify(message))),
      getState: () => {
        const saved = sessionStorage.getItem(key);
        return saved === null ? undefined : JSON.parse(saved);
      },
      setState: (state) => sessionStorage.setItem(key, JSON.stringify(state)),
    };
  };
  document.addEventListener('securitypolicyviolation', (event) =>
    window.__reportViolation('CSP ' + event.violatedDirective + ': ' + event.blockedURI + ' ' + (event.sample || '')));
`;

const lessonPages = new WeakSet<Page>(); // pages that have openLessonPage's stand-in for acquireVsCodeApi

/**
 * Opens the lesson view's page and sends it `messages` as the host does: only after the page's `ready`. Its
 * listener is attached in an effect that runs after the first paint — later still on a busy machine — and a
 * message posted before that is lost, so a test that sends at once fails now and then.
 */
export async function openLessonPage(page: Page, server: PageServer, theme: ThemeName, messages: unknown[]): Promise<void> {
  // Strings, not functions: tsx would compile a function with helpers the page does not have. Once per page:
  // a test may open the lesson again in the same page (a new document, far cheaper than a new page).
  if (!lessonPages.has(page)) await page.addInitScript(`window.posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => undefined, setState: () => undefined });`);
  lessonPages.add(page);
  await page.goto(`${server.origin}/walkthrough?theme=${theme}`);
  await page.waitForFunction(`window.posted.some((message) => message.type === 'ready')`);
  for (const message of messages) await page.evaluate((data) => window.postMessage(data, '*'), message);
}
