// The Compare tab's drawings on a canvas: both prompts' positions at one layer in their shared 2D
// frame (the session's prompt as blue circles, the second as red squares, each last position bigger
// and outlined, a thin line between the two dots of one position), with axis ranges fixed over all
// layers so the frame stays put as the slider moves.

import type { CompareView } from '../../src/protocol/compare';
import type { Palette } from './theme';

export interface PairFrame {
  clean: [number, number][];
  corrupt: [number, number][];
}

/** Both prompts' points at `layer`. */
export function pairFrameAt(view: CompareView, layer: number): PairFrame {
  const [Tc, Tk] = [view.clean.tokens.length, view.corrupt.tokens.length];
  const at = (t: number): [number, number] => [view.points[2 * (layer * (Tc + Tk) + t)], view.points[2 * (layer * (Tc + Tk) + t) + 1]];
  return { clean: Array.from({ length: Tc }, (_, t) => at(t)), corrupt: Array.from({ length: Tk }, (_, t) => at(Tc + t)) };
}

export interface Ranges {
  x: [number, number];
  y: [number, number];
}

/** [min, max] of x and y over every layer, padded by 8%. */
export function pairRanges(view: CompareView): Ranges {
  const range = (offset: number): [number, number] => {
    const values = view.points.filter((_, i) => i % 2 === offset);
    const [min, max] = [Math.min(...values), Math.max(...values)];
    if (!Number.isFinite(min)) return [-1, 1];
    const pad = (max - min || 1) * 0.08;
    return [min - pad, max + pad];
  };
  return { x: range(0), y: range(1) };
}

const PAD = 12;

export function drawPairScatter(ctx: CanvasRenderingContext2D, width: number, height: number, frame: PairFrame, ranges: Ranges, palette: Palette) {
  const px = (x: number) => PAD + ((x - ranges.x[0]) / (ranges.x[1] - ranges.x[0])) * (width - 2 * PAD);
  const py = (y: number) => height - PAD - ((y - ranges.y[0]) / (ranges.y[1] - ranges.y[0])) * (height - 2 * PAD);
  ctx.clearRect(0, 0, width, height);
  ctx.strokeStyle = palette.grid;
  ctx.lineWidth = 1;
  ctx.strokeRect(0.5, 0.5, width - 1, height - 1);
  const shared = Math.min(frame.clean.length, frame.corrupt.length);
  ctx.beginPath();
  for (let t = 0; t < shared; t++) {
    ctx.moveTo(px(frame.clean[t][0]), py(frame.clean[t][1]));
    ctx.lineTo(px(frame.corrupt[t][0]), py(frame.corrupt[t][1]));
  }
  ctx.stroke();
  const dots = (points: [number, number][], colour: string, square: boolean) =>
    points.forEach(([x, y], t) => {
      const last = t === points.length - 1;
      const r = last ? 8 : 4;
      ctx.beginPath();
      if (square) ctx.rect(px(x) - r, py(y) - r, 2 * r, 2 * r);
      else ctx.arc(px(x), py(y), r, 0, 2 * Math.PI);
      ctx.fillStyle = colour;
      ctx.globalAlpha = last ? 1 : 0.8;
      ctx.fill();
      ctx.globalAlpha = 1;
      if (last) {
        ctx.strokeStyle = palette.foreground;
        ctx.lineWidth = 1.5;
        ctx.stroke();
      }
    });
  dots(frame.clean, palette.blue, false);
  dots(frame.corrupt, palette.red, true);
}
