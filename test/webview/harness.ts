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
        response.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' });
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

/** One Chromium and one page server for a mocha suite: opened before its first test, closed after its last. */
export function suitePages(): { browser: Browser; server: PageServer } {
  const pages = {} as { browser: Browser; server: PageServer };
  before(async () => {
    [pages.browser, pages.server] = await Promise.all([launchChromium(), servePages()]);
  });
  after(async () => {
    await Promise.all([pages.browser?.close(), pages.server?.close()]);
  });
  return pages;
}

export interface ExplorerPage {
  page: Page;
  host: FakeHost;
  violations: string[]; // CSP violations and page errors: every test expects none
  warnings: string[]; // console warnings (malformed messages are reported there)
}

interface OpenOptions {
  theme?: ThemeName;
  backend?: Backend | null; // who answers the page: default the lesson fixtures; null: the test itself
  width?: number;
  height?: number;
}

export async function openExplorer(browser: Browser, server: PageServer, options: OpenOptions = {}): Promise<ExplorerPage> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 900, height: options.height ?? 900 } });
  const page = await context.newPage();
  const host = new FakeHost(page, options.backend === undefined ? new LessonBackend() : options.backend);
  const violations: string[] = [];
  const warnings: string[] = [];
  await page.exposeFunction('__fakeHostReceive', (message: unknown) => host.receive(message));
  await page.exposeFunction('__reportViolation', (text: string) => violations.push(text));
  await page.addInitScript(FAKE_VSCODE_API);
  page.on('console', (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text());
    if (message.type() === 'warning') warnings.push(message.text());
  });
  page.on('pageerror', (error) => violations.push(`page error: ${error.message}`));
  await page.goto(`${server.origin}/?theme=${options.theme ?? 'dark'}`);
  // As the real host: a test sends nothing before the page's `ready` (see openLessonPage for why).
  for (let waited = 0; !host.received.some((message) => message.type === 'ready'); waited += 20) {
    if (waited > 30_000) throw new Error(`the explorer page sent no ready in 30 s; page errors: ${violations.join('; ') || 'none'}`);
    await page.waitForTimeout(20);
  }
  return { page, host, violations, warnings };
}

/**
 * Runs in the page before its scripts (outside the CSP, like VS Code's own preload). State lives in
 * sessionStorage so it survives a reload, as VS Code keeps it for a webview. A string, not a function:
 * tsx would add helpers to a function's source that do not exist in the page.
 */
const FAKE_VSCODE_API = `
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice'); // VS Code throws too
    acquired = true;
    return {
      postMessage: (message) => window.__fakeHostReceive(JSON.parse(JSON.stringify(message))),
      getState: () => {
        const saved = sessionStorage.getItem('vscode-state');
        return saved === null ? undefined : JSON.parse(saved);
      },
      setState: (state) => sessionStorage.setItem('vscode-state', JSON.stringify(state)),
    };
  };
  document.addEventListener('securitypolicyviolation', (event) =>
    window.__reportViolation('CSP ' + event.violatedDirective + ': ' + event.blockedURI + ' ' + (event.sample || '')));
`;

/**
 * Opens the lesson view's page and sends it `messages` as the host does: only after the page's `ready`. Its
 * listener is attached in an effect that runs after the first paint — later still on a busy machine — and a
 * message posted before that is lost, so a test that sends at once fails now and then.
 */
export async function openLessonPage(page: Page, server: PageServer, theme: ThemeName, messages: unknown[]): Promise<void> {
  // Strings, not functions: tsx would compile a function with helpers the page does not have.
  await page.addInitScript(`window.posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => undefined, setState: () => undefined });`);
  await page.goto(`${server.origin}/walkthrough?theme=${theme}`);
  await page.waitForFunction(`window.posted.some((message) => message.type === 'ready')`);
  for (const message of messages) await page.evaluate((data) => window.postMessage(data, '*'), message);
}
