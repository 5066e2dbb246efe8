// The layers × heads heatmap of direct logit attribution on a canvas: one cell per head, red for what
// pushes the target up, blue for what pushes it down (the theme's chart colours), stronger for larger
// values; layer labels on the left, head numbers on top.

import type { Palette } from './theme';

export interface GridLayout {
  cell: number;
  left: number;
  top: number;
  layers: number;
  heads: number;
}

export function layoutGrid(layers: number, heads: number, width: number): GridLayout {
  const left = 36;
  const top = 18;
  const cell = Math.max(10, Math.min(36, Math.floor((width - left) / Math.max(1, heads))));
  return { cell, left, top, layers, heads };
}

/** heads [L][H]; `scale` is the |value| drawn at full strength. */
export function drawGrid(ctx: CanvasRenderingContext2D, layout: GridLayout, heads: number[][], scale: number, palette: Palette) {
  const { cell, left, top, layers, heads: count } = layout;
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  for (let layer = 0; layer < layers; layer++) {
    for (let head = 0; head < count; head++) {
      const value = heads[layer]?.[head] ?? 0;
      ctx.fillStyle = value >= 0 ? palette.red : palette.blue;
      ctx.globalAlpha = Math.min(1, Math.abs(value) / scale);
      ctx.fillRect(left + head * cell, top + layer * cell, cell - 1, cell - 1);
    }
  }
  ctx.globalAlpha = 1;
  ctx.strokeStyle = palette.grid;
  ctx.strokeRect(left - 0.5, top - 0.5, count * cell, layers * cell);
  ctx.font = palette.font;
  ctx.fillStyle = palette.muted;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  for (let layer = 0; layer < layers; layer++) ctx.fillText(`L${layer}`, left - 4, top + (layer + 0.5) * cell);
  ctx.textAlign = 'center';
  for (let head = 0; head < count; head++) ctx.fillText(String(head), left + (head + 0.5) * cell, top / 2);
}

/** The head under a point in CSS px, or null. */
export function headAt(layout: GridLayout, x: number, y: number): { layer: number; head: number } | null {
  const head = Math.floor((x - layout.left) / layout.cell);
  const layer = Math.floor((y - layout.top) / layout.cell);
  return head >= 0 && layer >= 0 && head < layout.heads && layer < layout.layers ? { layer, head } : null;
}
