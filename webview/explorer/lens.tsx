// The logit lens for the clicked chip: its top-10 next-token guesses if the model stopped after the
// chosen layer, and one token's probability across layers 0..L (click a row to pick that token), the
// plot read out to screen readers by a hidden table.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { LensView, TokenChip } from '../../src/protocol/views';
import { useWidth } from '../ui/canvas';
import type { Shown } from './host-data';
import { Slider } from '../ui/slider';
import { Palette, usePalette } from './theme';
import { candidateTitle, shownToken, spokenToken, TokenText } from './token-text';

interface LensProps {
  lens: Shown<LensView> | null; // the clicked chip's lens, null until it first arrives
  token: TokenChip | null;
  layers: number; // L: the slider runs 0..L
  lensLayer: number;
  trackId: number | null;
  onLayer: (layer: number) => void;
  onTrack: (id: number) => void;
  children?: ComponentChildren; // the export buttons
}

export function LensPanel({ lens, token, layers, lensLayer, trackId, onLayer, onTrack, children }: LensProps) {
  const view = lens?.view ?? null;
  return (
    <section class="panel" aria-labelledby="lens-title">
      <h2 id="lens-title">Logit lens</h2>
      {!token ? (
        <p class="hint">Click a token chip to see what the model would predict after it, layer by layer.</p>
      ) : (
        <>
          <p class="hint">
            What comes after {spokenToken(token.text)} (token {token.index + 1}) if the model stopped after layer {lensLayer}
            {lensLayer === 0 ? ' (just the embeddings)' : ''}. Odd tokens at middle layers are real vocabulary entries. Click a row
            to plot its probability across layers.
          </p>
          <Slider label="Lens layer" min={0} max={layers} value={lensLayer} valueText={`Layer ${lensLayer}`} onInput={onLayer} />
          <div class={lens?.stale ?? true ? 'lens stale' : 'lens'}>
            {view && <TopList view={view} trackId={view.track?.id ?? trackId} onTrack={onTrack} />}
            {view?.track && <TrackChart track={view.track} layers={layers} />}
          </div>
          {children}
        </>
      )}
    </section>
  );
}

function TopList({ view, trackId, onTrack }: { view: LensView; trackId: number | null; onTrack: (id: number) => void }) {
  return (
    <ol class="lens__top" aria-label={`Top ${view.top.length} at layer ${view.layer}`}>
      {view.top.map((candidate) => (
        <li key={candidate.id}>
          <button
            type="button"
            class={`lens__row${candidate.id === trackId ? ' lens__row--tracked' : ''}`}
            aria-pressed={candidate.id === trackId}
            title={`${candidateTitle(candidate)}: click to plot its probability across layers`}
            onClick={() => onTrack(candidate.id)}
          >
            <span class="lens__token">
              <TokenText text={candidate.text} />
            </span>
            <ProbabilityBar prob={candidate.prob} />
            <span class="lens__prob">{percent(candidate.prob)}</span>
          </button>
        </li>
      ))}
    </ol>
  );
}

function TrackChart({ track, layers }: { track: NonNullable<LensView['track']>; layers: number }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const palette = usePalette();
  const width = useWidth(box);
  const data: uPlot.AlignedData = [track.probs.map((_, layer) => layer), track.probs];

  useEffect(() => {
    const u = new uPlot(lineOptions(width, layers, palette, track.text), data, box.current!);
    plot.current = u;
    return () => u.destroy();
  }, [palette, layers, track.text]);
  useEffect(() => plot.current?.setData(data), [track]);
  useEffect(() => plot.current?.setSize({ width, height: 180 }), [width]);

  return (
    <figure class="track">
      <figcaption>
        Probability of “{shownToken(track.text)}” after each layer (0 = embeddings, {layers} = the model's real output)
      </figcaption>
      <div ref={box} aria-hidden="true" />
      <table class="visually-hidden" aria-label={`Probability of ${spokenToken(track.text)} after each layer`}>
        <thead>
          <tr>
            <th scope="col">After layer</th>
            <th scope="col">Probability</th>
          </tr>
        </thead>
        <tbody>
          {track.probs.map((prob, layer) => (
            <tr key={layer}>
              <th scope="row">{layer}</th>
              <td>{percent(prob)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function lineOptions(width: number, layers: number, palette: Palette, text: string): uPlot.Options {
  const axis = { stroke: palette.muted, grid: { stroke: palette.grid, width: 1 }, ticks: { stroke: palette.grid }, font: palette.font, size: 36 };
  return {
    width,
    height: 180,
    legend: { live: true }, // hover a layer to read the exact probability
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false, range: [0, layers] }, y: { range: [0, 1] } },
    axes: [
      { ...axis, label: 'layer', labelFont: palette.font, labelSize: 14 },
      { ...axis, size: 48, values: (_, ticks) => ticks.map((tick) => `${Math.round(tick * 100)}%`) },
    ],
    series: [
      { label: 'layer', value: (_, layer) => (layer === null ? '–' : String(layer)) },
      { label: shownToken(text), stroke: palette.blue, width: 2, points: { show: true, size: 5, fill: palette.blue }, value: (_, prob) => (prob === null ? '–' : percent(prob)) },
    ],
  };
}

/** A candidate's probability as a bar's filled width (hidden from screen readers: its percentage is said beside it). */
export function ProbabilityBar({ prob }: { prob: number }) {
  return (
    <span class="bar" aria-hidden="true">
      <span class="bar__fill" style={{ width: `${prob * 100}%` }} />
    </span>
  );
}

export function percent(prob: number): string {
  const value = prob * 100;
  if (value > 0 && value < 0.1) return '<0.1%';
  return `${value >= 10 || value === 0 ? value.toFixed(0) : value.toFixed(1)}%`;
}
