// "Token Positions Across Layers": where each token sits (2D projection) after 0..L layers.
// One uPlot lives as long as the panel (a new palette makes a new one): a new projection — a Step's
// extra token, another sentence — sets its scales and data (making a uPlot took a few ms of each
// Step: its axes, legend and date formats; issue 19); a slider move only feeds it new data, gliding
// from the dots on screen to the chosen layer over GLIDE_MS with requestAnimationFrame, or jumping
// there in one frame when the learner asks for reduced motion.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import type { ProjectionView, TokenChip } from '../../src/protocol/views';
import { useWidth } from '../ui/canvas';
import { reducedMotion } from '../ui/motion';
import { Slider } from '../ui/slider';
import { fixedRanges, Frame, frameAt, lerpFrames, scatterData, scatterOptions } from './scatter';
import { Palette, usePalette } from './theme';
import { shownToken } from './token-text';

const GLIDE_MS = 200;
const HEIGHT = 300;
const HOVER_PX = 12;
const LABEL_ALL_UP_TO = 24; // more tokens than this: label only the last one (hover names the rest)

interface PositionsProps {
  projection: ProjectionView;
  tokens: TokenChip[];
  embd: number; // the model's n_embd: how many numbers each dot stands for
  slider: number;
  onSlider: (layer: number) => void;
  children?: ComponentChildren; // the export buttons
}

interface Hover {
  x: number;
  y: number;
  text: string;
}

export function PositionsPanel({ projection, tokens, embd, slider, onSlider, children }: PositionsProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shown = useRef<Frame>(new Float64Array(0)); // what is on screen now, mid-glide included (set on create)
  const labels = useRef(tokens);
  const layer = useRef(slider); // read by the hover handler, which outlives renders
  const animation = useRef(0);
  const ranges = useRef(fixedRanges(projection)); // the scales' fixed ranges: read by uPlot through scatterOptions
  const drawn = useRef<ProjectionView | null>(null); // the projection the plot holds
  const [hover, setHover] = useState<Hover | null>(null);
  const palette = usePalette();
  const width = useWidth(box);
  labels.current = tokens;
  layer.current = slider;

  useEffect(() => {
    ranges.current = fixedRanges(projection);
    shown.current = frameAt(projection, slider);
    const options = scatterOptions(width, HEIGHT, () => ranges.current, palette, (u) => drawLabels(u, shown.current, labels.current, palette));
    const u = new uPlot(options, scatterData(shown.current, projection.last), box.current!);
    plot.current = u;
    drawn.current = projection;
    box.current!.dataset.shownLayer = String(slider);
    const move = (event: MouseEvent) => setHover(nearestToken(u, shown.current, labels.current, event, layer.current));
    const leave = () => setHover(null);
    u.over.addEventListener('mousemove', move);
    u.over.addEventListener('mouseleave', leave);
    return () => {
      cancelAnimationFrame(animation.current);
      u.destroy();
      plot.current = null;
    };
  }, [palette]);

  useEffect(() => {
    const u = plot.current;
    if (!u || drawn.current === projection) return;
    drawn.current = projection;
    cancelAnimationFrame(animation.current); // a glide between the old projection's frames is over
    ranges.current = fixedRanges(projection);
    shown.current = frameAt(projection, slider);
    u.batch(() => {
      for (const key of ['x', 'y'] as const) u.setScale(key, { min: ranges.current[key][0]!, max: ranges.current[key][1]! }); // fixedRanges gives numbers
      u.setData(scatterData(shown.current, projection.last), false);
    });
    u.redraw();
    box.current!.dataset.shownLayer = String(slider);
  }, [projection]);

  useEffect(() => plot.current?.setSize({ width, height: HEIGHT }), [width]);

  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    const from = shown.current;
    const to = frameAt(projection, slider);
    const start = performance.now();
    const glide = reducedMotion() ? 0 : GLIDE_MS; // read on every move: the setting may change meanwhile
    cancelAnimationFrame(animation.current);
    const tick = (now: number) => {
      const t = glide === 0 ? 1 : Math.min(1, (now - start) / glide);
      shown.current = lerpFrames(from, to, 1 - (1 - t) ** 3); // ease-out: fast start, gentle landing
      u.setData(scatterData(shown.current, projection.last), false); // the scales stay fixed…
      u.redraw(); // …so redraw the dots ourselves
      if (t < 1) animation.current = requestAnimationFrame(tick);
      else box.current!.dataset.shownLayer = String(slider); // the glide has landed
    };
    animation.current = requestAnimationFrame(tick);
  }, [slider]);

  const layers = projection.layers - 1;
  return (
    <section class="panel" aria-labelledby="positions-title">
      <h2 id="positions-title">Token Positions Across Layers</h2>
      <p class="hint">Each blue dot is one token (a 2D approximation of its {embd} numbers); the red, outlined diamond is the last token.</p>
      <Slider label="Layer" min={0} max={layers} value={slider} valueText={`Layer ${slider}`} onInput={onSlider} />
      <div class="scatter" ref={box}>
        {hover && (
          <div class="tooltip" style={{ left: `${hover.x + 12}px`, top: `${hover.y + 12}px` }}>
            {hover.text}
          </div>
        )}
      </div>
      {children}
      <PositionsTable projection={projection} tokens={tokens} layer={slider} />
    </section>
  );
}

/** The plotted numbers for screen readers (the canvas itself says nothing). */
function PositionsTable({ projection, tokens, layer }: { projection: ProjectionView; tokens: TokenChip[]; layer: number }) {
  const frame = frameAt(projection, layer);
  return (
    <table class="visually-hidden" aria-label={`Token positions at layer ${layer}`}>
      <tbody>
        {tokens.slice(0, projection.tokens).map((token, t) => (
          <tr key={t} data-token={t}>
            <th scope="row">
              {shownToken(token.text)}
              {t === projection.last ? ' (last token)' : ''}
            </th>
            <td>{frame[2 * t].toFixed(3)}</td>
            <td>{frame[2 * t + 1].toFixed(3)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function drawLabels(u: uPlot, frame: Frame, tokens: TokenChip[], palette: Palette) {
  const ratio = window.devicePixelRatio || 1;
  const ctx = u.ctx;
  ctx.save();
  ctx.font = palette.font.replace(/^(\d+)px/, (_, px: string) => `${Number(px) * ratio}px`);
  ctx.fillStyle = palette.muted;
  ctx.textBaseline = 'bottom';
  const count = Math.min(frame.length / 2, tokens.length);
  for (let t = count > LABEL_ALL_UP_TO ? count - 1 : 0; t < count; t++) {
    ctx.fillText(shownToken(tokens[t].text), u.valToPos(frame[2 * t], 'x', true) + 6 * ratio, u.valToPos(frame[2 * t + 1], 'y', true) - 4 * ratio);
  }
  ctx.restore();
}

function nearestToken(u: uPlot, frame: Frame, tokens: TokenChip[], event: MouseEvent, layer: number): Hover | null {
  let best = -1;
  let bestDistance = HOVER_PX;
  for (let t = 0; t < frame.length / 2; t++) {
    const distance = Math.hypot(u.valToPos(frame[2 * t], 'x') - event.offsetX, u.valToPos(frame[2 * t + 1], 'y') - event.offsetY);
    if (distance < bestDistance) [best, bestDistance] = [t, distance];
  }
  if (best < 0) return null;
  const token = tokens[best];
  const text = `${shownToken(token?.text ?? '')} (token ${best + 1}, id ${token?.id ?? '?'}) at layer ${layer}`;
  return { x: event.offsetX + u.bbox.left / (window.devicePixelRatio || 1), y: event.offsetY + u.bbox.top / (window.devicePixelRatio || 1), text };
}
