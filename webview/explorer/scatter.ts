// The uPlot scatter behind "Token Positions Across Layers" (mode 2: each series carries its own
// x and y arrays). Series 1 holds every token but the last, blue dots; series 2 holds the last token,
// a bigger red diamond outlined in the text colour, so it stands out by shape as well as by colour.
// Axis ranges are fixed over all layers so the frame stays put while dots glide.

import uPlot from 'uplot';
import type { ProjectionView } from '../../src/protocol/views';
import type { Palette } from './theme';

export type Frame = Float64Array; // [T, 2] flat: x, y of each token

/** Token positions at one layer. */
export function frameAt(projection: ProjectionView, layer: number): Frame {
  const start = 2 * layer * projection.tokens;
  return Float64Array.from(projection.points.slice(start, start + 2 * projection.tokens));
}

export function lerpFrames(from: Frame, to: Frame, t: number): Frame {
  if (from.length !== to.length) return to;
  return to.map((value, i) => from[i] + (value - from[i]) * t);
}

/** uPlot's mode-2 data: [null, [xs, ys] of the other tokens, [xs, ys] of the last token]. */
export function scatterData(frame: Frame, last: number): uPlot.AlignedData {
  const others: [number[], number[]] = [[], []];
  for (let t = 0; t < frame.length / 2; t++) {
    if (t === last) continue;
    others[0].push(frame[2 * t]);
    others[1].push(frame[2 * t + 1]);
  }
  const lastDot = [[frame[2 * last]], [frame[2 * last + 1]]];
  return [null, others, lastDot] as unknown as uPlot.AlignedData;
}

/** [min, max] of x and of y over every layer, padded by 8% so edge dots are not cut. */
export function fixedRanges(projection: ProjectionView): { x: uPlot.Range.MinMax; y: uPlot.Range.MinMax } {
  const range = (offset: number): uPlot.Range.MinMax => {
    let min = Infinity;
    let max = -Infinity;
    for (let i = offset; i < projection.points.length; i += 2) {
      min = Math.min(min, projection.points[i]);
      max = Math.max(max, projection.points[i]);
    }
    if (!Number.isFinite(min)) return [-1, 1];
    const pad = (max - min || 1) * 0.08;
    return [min - pad, max + pad];
  };
  return { x: range(0), y: range(1) };
}

type Shape = (ctx: CanvasRenderingContext2D, x: number, y: number, r: number) => void;

const circle: Shape = (ctx, x, y, r) => ctx.arc(x, y, r, 0, 2 * Math.PI);

const diamond: Shape = (ctx, x, y, r) => {
  ctx.moveTo(x, y - r);
  ctx.lineTo(x + r, y);
  ctx.lineTo(x, y + r);
  ctx.lineTo(x - r, y);
  ctx.closePath();
};

/**
 * Draws a series' points as filled shapes of `radius` CSS px, outlined when `outline` is given
 * (uPlot has no default scatter renderer).
 */
function marks(shape: Shape, radius: number, fill: string, outline?: string): uPlot.Series.PathBuilder {
  return (u, seriesIndex) => {
    const [xs, ys] = u.data[seriesIndex] as unknown as [number[], number[]];
    const ratio = window.devicePixelRatio || 1;
    const ctx = u.ctx;
    ctx.save();
    ctx.fillStyle = fill;
    ctx.strokeStyle = outline ?? fill;
    ctx.lineWidth = 1.5 * ratio;
    for (let i = 0; i < xs.length; i++) {
      ctx.beginPath();
      shape(ctx, u.valToPos(xs[i], 'x', true), u.valToPos(ys[i], 'y', true), radius * ratio);
      ctx.fill();
      if (outline) ctx.stroke();
    }
    ctx.restore();
    return null;
  };
}

/** `ranges` is read whenever uPlot sets its scales: a new projection changes them without a new plot. */
export function scatterOptions(width: number, height: number, ranges: () => ReturnType<typeof fixedRanges>, palette: Palette, drawLabels: (u: uPlot) => void): uPlot.Options {
  const axis = { stroke: palette.muted, grid: { stroke: palette.grid, width: 1 }, ticks: { stroke: palette.grid }, font: palette.font, size: 28 };
  return {
    mode: 2,
    width,
    height,
    legend: { show: false },
    cursor: { show: false, drag: { x: false, y: false } },
    scales: { x: { time: false, auto: false, range: () => ranges().x }, y: { auto: false, range: () => ranges().y } },
    axes: [axis, { ...axis, size: 40 }], // the projection's axes have no meaning of their own: ticks only
    series: [
      {},
      { label: 'tokens', fill: palette.blue, stroke: palette.blue, paths: marks(circle, 5, palette.blue), points: { show: false }, facets: [{ scale: 'x', auto: false }, { scale: 'y', auto: false }] } as uPlot.Series,
      { label: 'last token', fill: palette.red, stroke: palette.red, paths: marks(diamond, 10, palette.red, palette.foreground), points: { show: false }, facets: [{ scale: 'x', auto: false }, { scale: 'y', auto: false }] } as uPlot.Series,
    ],
    hooks: { draw: [drawLabels] },
  };
}
