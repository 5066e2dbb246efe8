// Draws all heads at a glance on one canvas: a layers × heads grid of small maps, each a head's
// attention pattern in the reduced form the worker sends (side × side blocks, 8-bit). The levels are
// painted one pixel per block into a small image, then each head's square is scaled up without
// smoothing, so a redraw is 1 putImageData and L × H drawImage calls whatever the prompt's length.
// Colour strength is √weight, as in the one-head heatmap. The chosen head is outlined.

import { HEADS_GRID_LEVELS, type HeadsGridView } from '../../src/protocol/views';
import type { Palette } from './theme';

export interface HeadsGridLayout {
  cell: number; // CSS px per head's map
  gap: number;
  left: number; // room for layer labels
  top: number; // room for head numbers
  layers: number;
  heads: number;
}

export function layoutHeadsGrid(layers: number, heads: number, width: number): HeadsGridLayout {
  const [left, top, gap] = [36, 18, 3];
  const cell = Math.max(8, Math.min(64, Math.floor((width - left) / Math.max(1, heads)) - gap));
  return { cell, gap, left, top, layers, heads };
}

export function gridSize({ cell, gap, left, top, layers, heads }: HeadsGridLayout): { width: number; height: number } {
  return { width: left + heads * (cell + gap), height: top + layers * (cell + gap) };
}

/** A CSS colour (a theme variable's value) as RGB, through a 1 × 1 canvas, so any form the theme uses works. */
export function resolveColour(colour: string): [number, number, number] {
  const probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
  probe.canvas.width = probe.canvas.height = 1;
  probe.fillStyle = colour;
  probe.fillRect(0, 0, 1, 1);
  const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
  return [r, g, b];
}

/** The levels as an image of heads·side × layers·side pixels: the colour, at √level alpha. */
export function levelsImage(grid: HeadsGridView, rgb: [number, number, number]): ImageData {
  const { layers, heads, side, cells } = grid;
  const width = heads * side;
  const image = new ImageData(width, layers * side);
  const alpha = Array.from({ length: HEADS_GRID_LEVELS + 1 }, (_, level) => Math.round(255 * Math.sqrt(level / HEADS_GRID_LEVELS)));
  const pixels = image.data;
  for (let h = 0; h < layers * heads; h++) {
    const [x0, y0] = [(h % heads) * side, Math.floor(h / heads) * side];
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        const at = 4 * ((y0 + r) * width + x0 + c);
        [pixels[at], pixels[at + 1], pixels[at + 2]] = rgb;
        pixels[at + 3] = alpha[cells[(h * side + r) * side + c]];
      }
    }
  }
  return image;
}

/** A redraw: the maps, their frames, the labels and the chosen head's outline. `scratch` holds the small image. */
export function drawHeadsGrid(ctx: CanvasRenderingContext2D, scratch: HTMLCanvasElement, layout: HeadsGridLayout, grid: HeadsGridView, chosen: { layer: number; head: number }, palette: Palette, rgb: [number, number, number]) {
  const { cell, gap, left, top, layers, heads } = layout;
  const side = grid.side;
  scratch.width = heads * side;
  scratch.height = layers * side;
  scratch.getContext('2d')!.putImageData(levelsImage(grid, rgb), 0, 0);
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  ctx.imageSmoothingEnabled = false;
  ctx.strokeStyle = palette.grid;
  ctx.lineWidth = 1;
  for (let layer = 0; layer < layers; layer++) {
    for (let head = 0; head < heads; head++) {
      const [x, y] = [left + head * (cell + gap), top + layer * (cell + gap)];
      ctx.drawImage(scratch, head * side, layer * side, side, side, x, y, cell, cell);
      ctx.strokeRect(x - 0.5, y - 0.5, cell + 1, cell + 1);
    }
  }
  ctx.font = palette.font;
  ctx.fillStyle = palette.muted;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  for (let layer = 0; layer < layers; layer++) ctx.fillText(`L${layer}`, left - 4, top + layer * (cell + gap) + cell / 2);
  ctx.textAlign = 'center';
  for (let head = 0; head < heads; head++) ctx.fillText(String(head), left + head * (cell + gap) + cell / 2, top / 2);
  if (chosen.layer < layers && chosen.head < heads) {
    ctx.strokeStyle = palette.focus;
    ctx.lineWidth = 2;
    ctx.strokeRect(left + chosen.head * (cell + gap) - 1.5, top + chosen.layer * (cell + gap) - 1.5, cell + 3, cell + 3);
  }
}

/** The head whose map is under a point in CSS px (a gap belongs to the head before it), or null. */
export function gridHeadAt(layout: HeadsGridLayout, x: number, y: number): { layer: number; head: number } | null {
  const head = Math.floor((x - layout.left) / (layout.cell + layout.gap));
  const layer = Math.floor((y - layout.top) / (layout.cell + layout.gap));
  return x >= layout.left && y >= layout.top && head < layout.heads && layer < layout.layers ? { layer, head } : null;
}
