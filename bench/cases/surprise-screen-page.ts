// The page half of the surprise-screen case (surprise-screen.ts adds it to the workbench page before it loads):
// a MutationObserver on the editor part counts, after every batch of mutations there, the elements that carry an
// extension decoration type's class (VS Code names them ced-<n>-TextEditorDecorationType<n>-<rule>: the background in the overlay
// layer, the underline on the text's spans). Only the lines on screen are in the DOM, so the count is what is
// decorated on screen. Each change of the count is kept with its time and "painted": two animation frames later,
// i.e. the frame that holds it has been drawn. The clock is the page's wall clock, performance.timeOrigin +
// performance.now(), as the extension host's. A string, not a function: tsx would add helpers to a function's
// source that the page does not have.

/** One change of the count: [when, how many decorated elements on screen, when painted (0 until it is)]. */
export type CountChange = [number, number, number];

export const PAGE_PROBE = `
(() => {
  if (window.top !== window) return; // the webviews' frames get this script too
  const clock = () => performance.timeOrigin + performance.now();
  const changes = [];
  let last = 0;
  let part = null;
  const count = () => part.querySelectorAll('.monaco-editor [class*="-TextEditorDecorationType"]').length;
  const observer = new MutationObserver((records) => {
    part = part || document.querySelector('.part.editor');
    if (!part || !records.some((record) => part.contains(record.target))) return;
    const now = count();
    if (now === last) return;
    last = now;
    const change = [clock(), now, 0];
    changes.push(change);
    requestAnimationFrame(() => requestAnimationFrame(() => (change[2] = clock())));
  });
  const start = () => observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
  if (document.body) start();
  else addEventListener('DOMContentLoaded', start);
  window.__surpriseScreen = { changes, skew: () => Date.now() - clock() };
})();
`;
