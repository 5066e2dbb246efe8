// A page's theme switched in place, as VS Code does when the user picks another colour theme: the
// --vscode-* variables change (here: the page's theme stylesheet, harness.ts), then <body>'s
// data-vscode-theme-kind and its class. The toolkit (initThemeChangeListener) and the explorer's canvas
// palette (webview/explorer/theme.ts) both re-read the variables when the body class changes.
// A test that checks a page state in every theme builds that state once and switches: a page open
// and the clicks to a scene cost Chromium several times what axe's run on it does.

import type { Page } from 'playwright-core';
import { expectNoViolations } from './axe';
import { THEME_NAMES, THEMES, type ThemeName } from './themes';

const THEME_CLASSES = [...new Set(Object.values(THEMES).flatMap((theme) => theme.bodyClass.split(' ')))];

/** Switches `page` (an explorer or lesson page of harness.ts) to `theme`; resolves once the toolkit and the page show it. */
export async function switchTheme(page: Page, theme: ThemeName): Promise<void> {
  const { kind, bodyClass, colors } = THEMES[theme];
  await page.evaluate(
    async ({ theme, kind, classes, all }) => {
      const link = document.querySelector('link[rel="stylesheet"][href*="/theme/"]') as HTMLLinkElement | null;
      if (!link) throw new Error('the page has no theme stylesheet');
      const url = new URL(`/theme/${theme}.css`, location.href).href;
      if (link.href !== url) {
        await new Promise((resolve, reject) => {
          link.addEventListener('load', resolve, { once: true });
          link.addEventListener('error', () => reject(new Error(`the theme stylesheet ${url} did not load`)), { once: true });
          link.href = url;
        });
      }
      document.body.setAttribute('data-vscode-theme-kind', kind); // read by the toolkit when the class changes
      document.body.classList.remove(...all);
      document.body.classList.add(...classes);
    },
    { theme, kind, classes: bodyClass.split(' '), all: THEME_CLASSES },
  );
  // The toolkit's tokens follow the variables (its foreground token is --vscode-foreground's value), and
  // two frames later the page has re-rendered with the new palette.
  await page.waitForFunction((foreground) => {
    const style = getComputedStyle(document.body);
    const toolkit = style.getPropertyValue('--foreground').trim().toLowerCase(); // empty on a page without the toolkit
    return style.getPropertyValue('--vscode-foreground').trim().toLowerCase() === foreground && (toolkit === '' || toolkit === foreground);
  }, colors.foreground.toLowerCase());
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/**
 * axe on the page as it is, in every theme: `first` is the one it shows now, the others are switched to in
 * turn (the page is left in the last). Any violation fails, naming the theme; `each` checks more in each.
 */
export async function expectNoViolationsInEveryTheme(page: Page, what: string, first: ThemeName = 'dark', each?: (theme: ThemeName) => Promise<void>): Promise<void> {
  const order = [first, ...THEME_NAMES.filter((theme) => theme !== first)];
  for (const theme of order) {
    if (theme !== first) await switchTheme(page, theme);
    await expectNoViolations(page, `${what}, ${theme}`);
    await each?.(theme);
  }
}
