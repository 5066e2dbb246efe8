// Reading what the explorer page shows: canvas pixels.

import type { Page } from 'playwright-core';

export interface Blob {
  pixels: number; // how many pixels have the colour
  x: number; // their centroid, in canvas pixels
  y: number;
}

/** Where a colour (a CSS variable's value) sits on the scatter's canvas. */
export async function colourBlob(page: Page, variable: string): Promise<Blob> {
  return page.evaluate((name) => {
    const canvas = document.querySelector('.scatter canvas') as HTMLCanvasElement;
    const probe = document.createElement('canvas').getContext('2d')!;
    probe.fillStyle = getComputedStyle(document.body).getPropertyValue(name).trim();
    probe.fillRect(0, 0, 1, 1);
    const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
    const { data, width } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let pixels = 0;
    let sumX = 0;
    let sumY = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 12 && data[i + 3] > 240) {
        pixels++;
        sumX += (i / 4) % width;
        sumY += Math.floor(i / 4 / width);
      }
    }
    return { pixels, x: pixels ? sumX / pixels : -1, y: pixels ? sumY / pixels : -1 };
  }, variable);
}

/** Waits until the scatter's glide has landed on `layer`. */
export async function scatterAt(page: Page, layer: number): Promise<void> {
  await page.waitForSelector(`.scatter[data-shown-layer="${layer}"]`);
}
