// Draws one head's attention pattern on a canvas: query rows × key columns, token labels on the
// left and on top, the selected query row outlined. Colour strength is √weight so the small weights
// that are not soaked up by the first token stay visible (the hover shows the true value).

import { shownToken } from './token-text';
import type { Palette } from './theme';

export interface HeatmapLayout {
  cell: number; // CSS px per cell
  left: number; // room for row labels
  top: number; // room for column labels
  size: number; // T
}

const LABEL_CHARS = 12;

export function layoutHeatmap(labels: string[], ctx: CanvasRenderingContext2D, palette: Palette, width: number): HeatmapLayout {
  ctx.font = palette.font;
  const widest = Math.max(0, ...labels.map((label) => ctx.measureText(clip(label)).width));
  const labelRoom = Math.ceil(widest) + 8;
  const cell = Math.max(6, Math.min(32, Math.floor((width - labelRoom) / Math.max(1, labels.length))));
  return { cell, left: labelRoom, top: labelRoom, size: labels.length };
}

/** weights: [T, T] row-major, row = query. */
export function drawHeatmap(ctx: CanvasRenderingContext2D, layout: HeatmapLayout, weights: number[], labels: string[], selected: number | null, palette: Palette) {
  const { cell, left, top, size } = layout;
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  ctx.fillStyle = palette.blue;
  for (let query = 0; query < size; query++) {
    for (let key = 0; key < size; key++) {
      ctx.globalAlpha = Math.sqrt(weights[query * size + key] ?? 0);
      ctx.fillRect(left + key * cell, top + query * cell, cell, cell);
    }
  }
  ctx.globalAlpha = 1;
  ctx.strokeStyle = palette.grid;
  ctx.lineWidth = 1;
  ctx.strokeRect(left + 0.5, top + 0.5, size * cell - 1, size * cell - 1);
  drawLabels(ctx, layout, labels, palette);
  if (selected !== null && selected < size) {
    ctx.strokeStyle = palette.focus;
    ctx.lineWidth = 2;
    ctx.strokeRect(left + 1, top + selected * cell + 1, size * cell - 2, cell - 2);
  }
}

function drawLabels(ctx: CanvasRenderingContext2D, { cell, left, top }: HeatmapLayout, labels: string[], palette: Palette) {
  ctx.font = palette.font;
  ctx.fillStyle = palette.muted;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  labels.forEach((label, i) => ctx.fillText(clip(label), left - 4, top + (i + 0.5) * cell));
  ctx.save();
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'left';
  // After the rotation x runs up the page and y to the right.
  labels.forEach((label, i) => ctx.fillText(clip(label), -(top - 4), left + (i + 0.5) * cell));
  ctx.restore();
}

/** The cell under a point in CSS px, or null outside the grid. */
export function cellAt(layout: HeatmapLayout, x: number, y: number): { query: number; key: number } | null {
  const key = Math.floor((x - layout.left) / layout.cell);
  const query = Math.floor((y - layout.top) / layout.cell);
  const inside = key >= 0 && query >= 0 && key < layout.size && query < layout.size;
  return inside ? { query, key } : null;
}

function clip(label: string): string {
  const shown = shownToken(label);
  return shown.length > LABEL_CHARS ? `${shown.slice(0, LABEL_CHARS - 1)}…` : shown;
}
