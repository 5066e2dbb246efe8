// Measures what one move of the Token Positions slider costs in the real bundle (12-token prompt):
// the Preact re-render it triggers, and each requestAnimationFrame callback of the glide that follows
// (lerp + uPlot setData + redraw). Budget: 16 ms per frame. Run: npm run build && npx tsx test/webview/slider-bench.ts
// Timings are noisy on a shared machine, so this reports numbers and asserts nothing.

import { launchChromium, openExplorer, servePages } from './harness';

const MOVES = 48;

/** Wraps requestAnimationFrame so every frame callback's duration (with its microtasks) is recorded. */
const TIME_FRAMES = `
  window.__frameMs = [];
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) => raf((now) => {
    const start = performance.now();
    callback(now);
    // uPlot draws in a microtask it queues during the callback; this one runs after it.
    queueMicrotask(() => window.__frameMs.push(performance.now() - start));
  });
`;

async function main() {
  const [browser, server] = await Promise.all([launchChromium(), servePages()]);
  try {
    const { page } = await openExplorer(browser, server, { width: 900, height: 900 });
    await page.addInitScript(TIME_FRAMES);
    await page.reload();
    await page.getByRole('tab', { name: 'Self-Attention' }).click();
    await page.locator('.scatter canvas').first().waitFor();
    const result = await page.evaluate(async (moves) => {
      const frames = (window as unknown as { __frameMs: number[] }).__frameMs;
      const slider = document.querySelector('input[aria-label="Layer"]') as HTMLInputElement;
      const renders: number[] = [];
      frames.length = 0;
      for (let i = 1; i <= moves; i++) {
        const layer = i % 26 <= 12 ? i % 26 : 25 - (i % 26); // 1..12 and back down, like a drag
        const start = performance.now();
        slider.value = String(layer);
        slider.dispatchEvent(new Event('input', { bubbles: true }));
        await Promise.resolve(); // Preact renders in a microtask
        await Promise.resolve();
        renders.push(performance.now() - start);
        await new Promise((resolve) => setTimeout(resolve, 60)); // a brisk drag: a new layer every ~4 frames
      }
      await new Promise((resolve) => setTimeout(resolve, 400));
      return { renders, frames: [...frames] };
    }, MOVES);
    report('re-render per slider move', result.renders);
    report('glide frame (rAF callback)', result.frames);
  } finally {
    await browser.close();
    await server.close();
  }
}

function report(what: string, samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(2);
  console.log(`${what}: n=${samples.length} median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
