// Moving through a page by keyboard alone, and checking that the focused control shows a focus ring
// one can see: an outline (or an outer box-shadow) whose colour stands 3:1 against the page's background.

import type { Page } from 'playwright-core';

export interface Focused {
  tag: string; // the focused element in the document (a custom element's host, not its shadow parts)
  name: string; // its aria-label, else its text
  ring: string | null; // the ring's CSS colour, null when nothing visible marks the focus
  background: string; // the page's background colour, for the ring's contrast
}

/**
 * What has the focus. A toolkit control draws its ring on the host or inside its shadow root (the
 * focused button within vscode-button), so the host and every shadow element down to the one with the
 * focus are asked. A string, not a function: tsx would add helpers the page does not have.
 */
const READ_FOCUS = `(() => {
  const chain = [];
  for (let el = document.activeElement; el; el = el.shadowRoot ? el.shadowRoot.activeElement : null) chain.push(el);
  const top = chain[0] || document.body;
  const visible = (colour) => !/^rgba\\(.*, 0\\)$|^transparent$/.test(colour);
  let ring = null;
  for (const el of chain) {
    const style = getComputedStyle(el);
    if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 && visible(style.outlineColor)) ring = style.outlineColor;
    else if (style.boxShadow !== 'none' && !style.boxShadow.includes('inset')) ring = style.boxShadow.match(/rgba?\\([^)]*\\)/)?.[0] ?? null;
    if (ring) break;
  }
  const name = top.getAttribute('aria-label') || (top.textContent || '').trim().slice(0, 60) || top.tagName;
  // A page that paints no background of its own shows white (and axe reads it so).
  const background = [document.body, document.documentElement].map((el) => getComputedStyle(el).backgroundColor).find(visible) || 'rgb(255, 255, 255)';
  return { tag: top.tagName, name, ring, background };
})()`;

export function readFocus(page: Page): Promise<Focused> {
  return page.evaluate(READ_FOCUS) as Promise<Focused>;
}

/** Why the focus ring of `focused` is not good enough, or null when it is. */
export function ringProblem(focused: Focused): string | null {
  if (!focused.ring) return `${focused.tag} "${focused.name}" shows no focus ring`;
  const ratio = contrast(focused.ring, focused.background);
  return ratio < 3 ? `${focused.tag} "${focused.name}": its ring ${focused.ring} stands only ${ratio.toFixed(2)}:1 against ${focused.background}` : null;
}

/**
 * Presses Tab (Shift+Tab when `backwards`) until the focus is on a `tag` element named `name`
 * (a string: the name starts with it). Every control passed on the way must show its ring: the
 * problems are collected in `problems`, so one test can report them all.
 */
export async function tabTo(page: Page, tag: string, name: string | RegExp, problems: string[], backwards = false): Promise<Focused> {
  const matches = (focused: Focused) => focused.tag === tag && (typeof name === 'string' ? focused.name.startsWith(name) : name.test(focused.name));
  const seen: string[] = [];
  for (let presses = 0; presses < 120; presses++) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    const focused = await readFocus(page);
    const problem = focused.tag === 'BODY' ? null : ringProblem(focused);
    if (problem && !problems.includes(problem)) problems.push(problem);
    if (matches(focused)) return focused;
    seen.push(`${focused.tag} ${focused.name}`);
  }
  throw new Error(`Tab never reached ${tag} ${name}; it went through:\n${seen.join('\n')}`);
}

/** WCAG contrast of two CSS colours (rgb()/rgba(), alpha ignored: rings and backgrounds here are opaque). */
export function contrast(a: string, b: string): number {
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function luminance(colour: string): number {
  const [r, g, b] = (colour.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 3).map((part) => {
    const channel = Number(part) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
