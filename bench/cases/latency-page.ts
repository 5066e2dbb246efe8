// The in-page half of the latency case (latency.ts): each action is done the way a click or a drag
// does it (an element's click(), a range input's `input` event, a dropdown's `change`), then timed by
// the page's own clock to the DOM change it must cause (a MutationObserver checks after every batch of
// mutations) and to "painted": two animation frames after that change, i.e. the frame that holds it has
// been drawn. Host messages are stamped as they arrive, before the app's own listener sees them.
// A string, not a function: tsx would add helpers to a function's source that the page does not have.
import type { Page } from 'playwright-core';

export type Action =
  | { kind: 'step' }
  | { kind: 'sample' }
  | { kind: 'reset' } // untimed in the figures: between rounds and when generation has stopped
  | { kind: 'slider'; value: number } // Token Positions' Layer slider
  | { kind: 'layer'; value: number; head: number } // the Attention panel's Layer dropdown
  | { kind: 'head'; value: number; layer: number } // … and its Head dropdown
  | { kind: 'chip'; index: number } // a token chip (-1: the last one): its lens
  | { kind: 'sentence'; id: string; note: string; layer: number; head: number }; // a preset from the Sentence dropdown

export interface Sample {
  dom: number; // ms from the click to the DOM change it causes
  painted: number; // ms from the click to two animation frames after that change
  fresh: number | null; // ms from the click until no panel on screen is marked stale (Step only)
  messages: [string, number][]; // each host message that arrived meanwhile: its type and ms after the click
}

export const PAGE_PROBE = `
window.__latency = (() => {
  let arrivals = [];
  addEventListener('message', (event) => arrivals.push([String(event.data && event.data.type), performance.now()]), true);
  const q = (selector) => document.querySelector(selector);
  const frames = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const watch = (done, what) => new Promise((resolve, reject) => {
    if (done()) return resolve(performance.now());
    const observer = new MutationObserver(() => {
      if (!done()) return;
      observer.disconnect();
      clearTimeout(timer);
      resolve(performance.now());
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    const timer = setTimeout(() => (observer.disconnect(), reject(new Error('no DOM change in 60 s: ' + what + '; host messages meanwhile: ' + arrivals.map(([type]) => type).join(', ')))), 60000);
  });
  const generated = () => document.querySelectorAll('.so-far__text .generated').length;
  const heatmapShows = (layer, head) => {
    const canvas = q('.heatmap:not(.stale) canvas');
    return !!canvas && canvas.getAttribute('aria-label').startsWith('Attention of layer ' + layer + ', head ' + head + ':');
  };
  const choose = (label, value) => {
    const dropdown = q('vscode-dropdown[aria-label="' + label + '"]');
    dropdown.value = String(value);
    dropdown.dispatchEvent(new Event('change'));
  };
  // A busy panel disables Step, Sample and Reset. Enabled means both: the property (set by the render; while
  // it is still true a click reaches a handler that ignores it) and the attribute, which the toolkit reflects
  // from the property on its next animation frame. Until then the browser takes the button for a disabled
  // form control, and click() dispatches nothing: the click is lost (issue 19's "no answer for 60 s").
  const enabled = (button) => () => {
    const element = q(button);
    return !element.disabled && !element.hasAttribute('disabled');
  };
  const STEP = 'vscode-button[aria-label="Step: append the top token"]';
  const SAMPLE = 'vscode-button[aria-label="Sample: roll once without appending"]';
  const RESET = 'vscode-button[aria-label="Reset generation to the prompt"]';
  const ACTIONS = {
    step: () => {
      const before = generated();
      return { ready: enabled(STEP), act: () => q(STEP).click(), done: () => generated() > before, fresh: () => generated() > before && !q('.stale') };
    },
    sample: () => {
      const before = q('.tally').textContent;
      return { ready: enabled(SAMPLE), act: () => q(SAMPLE).click(), done: () => q('.tally').textContent !== before };
    },
    reset: () => ({ ready: enabled(RESET), act: () => q(RESET).click(), done: () => generated() === 0 && !q('.stop') && enabled(STEP)() }),
    slider: ({ value }) => {
      const input = q('input.slider__input[aria-label="Layer"]');
      const readout = input.parentElement.querySelector('.slider__value');
      return {
        act: () => ((input.value = String(value)), input.dispatchEvent(new Event('input', { bubbles: true }))),
        done: () => readout.textContent === 'Layer ' + value,
        settled: () => !!q('.scatter[data-shown-layer="' + value + '"]'), // the glide has landed
      };
    },
    layer: ({ value, head }) => ({ act: () => choose('Layer', value), done: () => heatmapShows(value, head) }),
    head: ({ value, layer }) => ({ act: () => choose('Head', value), done: () => heatmapShows(layer, value) }),
    chip: ({ index }) => {
      const chips = document.querySelectorAll('.chip');
      const chip = chips[index < 0 ? chips.length - 1 : index];
      return { act: () => chip.click(), done: () => chip.classList.contains('chip--selected') && !!q('.lens:not(.stale) .track') };
    },
    sentence: ({ id, note, layer, head }) => {
      const noted = () => [...document.querySelectorAll('.sentence .hint')].some((hint) => hint.textContent === note);
      return { act: () => choose('Sentence', id), done: () => noted() && !q('.stale') && heatmapShows(layer, head) && !!q('.scatter canvas') };
    },
  };
  /** Resolves once the DOM has not changed for quietMs (and settled() holds, if given). */
  const settle = (settled, quietMs) => new Promise((resolve) => {
    let timer = 0;
    const check = () => {
      clearTimeout(timer);
      timer = setTimeout(() => (!settled || settled() ? (observer.disconnect(), resolve()) : check()), quietMs);
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    check();
  });
  return {
    async measure(action, quietMs) {
      const { ready, act, done, fresh, settled } = ACTIONS[action.kind](action);
      if (ready) await watch(ready, action.kind + ' (enabled)');
      arrivals = [];
      const start = performance.now();
      let dispatched = false; // click() is synchronous: the event has been dispatched, or never will be
      const seen = () => (dispatched = true);
      addEventListener('click', seen, true);
      act();
      removeEventListener('click', seen, true);
      if (ready && !dispatched) throw new Error(action.kind + ': the click was not dispatched (the button was disabled for the browser)');
      const dom = await watch(done, action.kind);
      await frames();
      const painted = performance.now();
      const allFresh = fresh ? await watch(fresh, action.kind + ' (every panel)') : null;
      const messages = arrivals.map(([type, at]) => [type, at - start]);
      await settle(settled, quietMs);
      return { dom: dom - start, painted: painted - start, fresh: allFresh === null ? null : allFresh - start, messages };
    },
    settle: (quietMs) => settle(null, quietMs),
  };
})();
`;

/**
 * Does `action` in the page and times it; then waits until the page has been quiet for `quietMs`: the
 * pace of a learner, not of a script, so what the worker does in a pause (it reads a lens ahead) is done.
 */
export function measure(page: Page, action: Action, quietMs = 300): Promise<Sample> {
  return page.evaluate(`window.__latency.measure(${JSON.stringify(action)}, ${quietMs})`) as Promise<Sample>;
}

export function settle(page: Page, quietMs = 300): Promise<void> {
  return page.evaluate(`window.__latency.settle(${quietMs})`) as Promise<void>;
}
