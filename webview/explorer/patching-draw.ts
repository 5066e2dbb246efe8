// One activation-patching grid on a canvas: rows (hidden states or layers) down, positions or heads
// across, each cell the normalised effect (patched − corrupted) / (clean − corrupted) in diverging
// theme colours: red towards the clean prompt's metric (full strength at 1), blue away from it.
// Columns where the two prompts' tokens differ have their label drawn in the text colour with a "*".

import { shownToken } from './token-text';
import type { Palette } from './theme';

export interface PatchGridLayout {
  cell: number;
  left: number;
  top: number;
  rows: number;
  cols: number;
}

const LABEL_CHARS = 10;

export function layoutPatchGrid(ctx: CanvasRenderingContext2D, rows: number, colLabels: string[], width: number, palette: Palette): PatchGridLayout {
  ctx.font = palette.font;
  const widest = Math.max(0, ...colLabels.map((label) => ctx.measureText(clip(label)).width));
  const left = 34;
  const top = Math.ceil(widest) + 10;
  const cell = Math.max(8, Math.min(28, Math.floor((width - left - 2) / Math.max(1, colLabels.length))));
  return { cell, left, top, rows, cols: colLabels.length };
}

export function gridPixels(layout: PatchGridLayout): { width: number; height: number } {
  return { width: layout.left + layout.cols * layout.cell + 2, height: layout.top + layout.rows * layout.cell + 2 };
}

/** effect [rows][cols] normalised; labels; `marked` columns (tokens differ) drawn in the text colour with a "*". */
export function drawPatchGrid(ctx: CanvasRenderingContext2D, layout: PatchGridLayout, effect: number[][], rowLabels: string[], colLabels: string[], marked: boolean[], palette: Palette) {
  const { cell, left, top, rows, cols } = layout;
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const value = effect[r]?.[c] ?? 0;
      ctx.fillStyle = value >= 0 ? palette.red : palette.blue;
      ctx.globalAlpha = Math.min(1, Math.abs(value));
      ctx.fillRect(left + c * cell, top + r * cell, cell - 1, cell - 1);
    }
  }
  ctx.globalAlpha = 1;
  ctx.strokeStyle = palette.grid;
  ctx.lineWidth = 1;
  ctx.strokeRect(left - 0.5, top - 0.5, cols * cell, rows * cell);
  ctx.font = palette.font;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  ctx.fillStyle = palette.muted;
  rowLabels.forEach((label, r) => ctx.fillText(label, left - 4, top + (r + 0.5) * cell));
  ctx.save();
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'left';
  colLabels.forEach((label, c) => {
    ctx.fillStyle = marked[c] ? palette.foreground : palette.muted;
    ctx.fillText(`${clip(label)}${marked[c] ? '*' : ''}`, -(top - 4), left + (c + 0.5) * cell); // rotated: x runs up, y to the right
  });
  ctx.restore();
}

/** The cell under a point in CSS px, or null. */
export function patchCellAt(layout: PatchGridLayout, x: number, y: number): { row: number; col: number } | null {
  const col = Math.floor((x - layout.left) / layout.cell);
  const row = Math.floor((y - layout.top) / layout.cell);
  return col >= 0 && row >= 0 && col < layout.cols && row < layout.rows ? { row, col } : null;
}

function clip(label: string): string {
  const shown = shownToken(label);
  return shown.length > LABEL_CHARS ? `${shown.slice(0, LABEL_CHARS - 1)}…` : shown;
}
