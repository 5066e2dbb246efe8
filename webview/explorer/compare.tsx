// The Compare tab's first panel: the session's prompt beside a second one, picked from the presets,
// a minimal pair (with its own metric tokens), typed in, or sent by GPT-2: Compare With… from an
// editor selection. Both token rows aligned by position with the tokens that differ marked, both
// prompts' positions in one 2D frame fitted on both, how far apart the two last positions are after
// each layer, and both next-token lists. The host keeps the second prompt and compares again when
// the sentence changes, so this panel only asks when the learner picks.

import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import type { CompareSide, CompareView, PairView } from '../../src/protocol/compare';
import type { ExplorerMessage } from '../../src/protocol/explorer';
import type { PresetView, SessionView } from '../../src/protocol/views';
import { prepareCanvas, useWidth } from '../ui/canvas';
import { Slider } from '../ui/slider';
import { type Choice, Dropdown, TextField } from '../ui/toolkit';
import { drawPairScatter, pairFrameAt, pairRanges } from './compare-draw';
import { percent, ProbabilityBar } from './lens';
import { type Palette, usePalette } from './theme';
import { candidateTitle, TokenText } from './token-text';

const NONE = 'none';
const TYPED = 'typed';
const HEIGHT = 260;

interface CompareProps {
  session: SessionView;
  compare: { view: CompareView; pair: string | null } | null;
  refused: { clean: string; message: string } | null; // a comparison the host could not make
  presets: PresetView[];
  pairs: PairView[];
  post: (message: ExplorerMessage) => void;
  children?: ComponentChildren; // the patching panel, under the comparison
}

export function ComparePanel({ session, compare, refused, presets, pairs, post, children }: CompareProps) {
  const view = compare && compare.view.clean.text === session.sentence.text ? compare.view : null; // one for an earlier sentence waits for its replacement
  const refusal = refused && refused.clean === session.sentence.text ? refused.message : null; // no replacement is coming
  const [layer, setLayer] = useState(0);
  const ask = (corrupt: string, pair: string | null = null) => post({ type: 'requestCompare', corrupt, pair });
  return (
    <section class="panel compare" aria-labelledby="compare-title">
      <h2 id="compare-title">Compare Two Prompts</h2>
      <p class="hint">The sentence above is the clean prompt; pick a second one to set beside it, or a minimal pair (it brings its own sentence).</p>
      <SecondPicker session={session} compare={compare} presets={presets} pairs={pairs} ask={ask} />
      {refusal && (
        <p class="field-error compare__refused">
          {/* no role: the status line says it aloud already */}
          {refusal}
        </p>
      )}
      {compare && !view && !refusal && <p class="hint">Comparing the new sentence…</p>}
      {view && (
        <>
          <TokenRows view={view} />
          <PairPositions view={view} layer={Math.min(layer, view.layers - 1)} onLayer={setLayer} />
          <DistanceChart distance={view.distance} />
          <div class="compare__next">
            <NextList side={view.clean} name="Clean prompt" />
            <NextList side={view.corrupt} name="Second prompt" />
          </div>
          {children}
        </>
      )}
    </section>
  );
}

function SecondPicker({ session, compare, presets, pairs, ask }: { session: SessionView; compare: CompareProps['compare']; presets: PresetView[]; pairs: PairView[]; ask: (corrupt: string, pair?: string | null) => void }) {
  const corrupt = compare?.view.corrupt.text ?? null;
  const others = presets.filter((preset) => preset.text !== session.sentence.text);
  const choices: Choice[] = [
    ...pairs.map((pair) => ({ value: `pair:${pair.id}`, label: `Pair: ${pair.clean} ⇄ ${pair.corrupt}` })),
    ...others.map((preset) => ({ value: `preset:${preset.id}`, label: preset.text })),
  ];
  const pair = pairs.find((candidate) => candidate.id === compare?.pair);
  const preset = others.find((candidate) => candidate.text === corrupt);
  const value = pair ? `pair:${pair.id}` : preset ? `preset:${preset.id}` : corrupt !== null ? TYPED : NONE;
  if (value === TYPED) choices.unshift({ value: TYPED, label: `Other: ${corrupt}` });
  if (value === NONE) choices.unshift({ value: NONE, label: 'Pick a second prompt…' });
  const pick = (chosen: string) => {
    const [kind, id] = [chosen.slice(0, chosen.indexOf(':')), chosen.slice(chosen.indexOf(':') + 1)];
    if (kind === 'pair') ask(pairs.find((candidate) => candidate.id === id)?.corrupt ?? '', id);
    if (kind === 'preset') ask(presets.find((candidate) => candidate.id === id)?.text ?? '');
  };
  return (
    <div class="compare__picker">
      <Dropdown label="Compare with" value={value} choices={choices} onChange={pick} wide />
      <TextField label="Or type a second prompt (Enter)" value={corrupt ?? ''} size={40} onCommit={(text) => text !== '' && text !== corrupt && ask(text)} />
      {pair && <p class="hint">{pair.note}</p>}
    </div>
  );
}

/** Both prompts' tokens, one column per position; a position whose tokens differ is marked (and said). */
function TokenRows({ view }: { view: CompareView }) {
  const T = Math.max(view.clean.tokens.length, view.corrupt.tokens.length);
  const positions = Array.from({ length: T }, (_, t) => t);
  const differs = (t: number) => view.clean.tokens[t]?.id !== view.corrupt.tokens[t]?.id;
  const row = (side: CompareSide, name: string) => (
    <tr>
      <th scope="row">{name}</th>
      {positions.map((t) => {
        const token = side.tokens[t];
        return (
          <td key={t} class={differs(t) ? 'compare__token compare__token--differs' : 'compare__token'}>
            {token ? <TokenText text={token.text} /> : '—'}
            {differs(t) && <span class="visually-hidden"> (differs)</span>}
          </td>
        );
      })}
    </tr>
  );
  const count = positions.filter(differs).length;
  return (
    <div class="compare__rows" tabIndex={0} role="region" aria-label="Both prompts' tokens (scrolls sideways)">
      {/* focusable: a narrow panel scrolls the rows, and the keyboard must reach what is scrolled off */}
      <table aria-label={`Both prompts' tokens by position; ${count} position${count === 1 ? '' : 's'} differ`}>
        <thead>
          <tr>
            <th scope="col">Position</th>
            {positions.map((t) => (
              <th key={t} scope="col">
                {t}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {row(view.clean, 'Clean')}
          {row(view.corrupt, 'Second')}
        </tbody>
      </table>
    </div>
  );
}

function PairPositions({ view, layer, onLayer }: { view: CompareView; layer: number; onLayer: (layer: number) => void }) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const palette = usePalette();
  const width = Math.min(useWidth(box), 640);
  const ranges = useMemo(() => pairRanges(view), [view]);
  const frame = pairFrameAt(view, layer);
  useEffect(() => {
    if (canvas.current) drawPairScatter(prepareCanvas(canvas.current, width, HEIGHT), width, HEIGHT, frame, ranges, palette);
  }, [view, layer, width, palette]);
  const last = (points: [number, number][]) => points[points.length - 1].map((v) => v.toFixed(2)).join(', ');
  return (
    <figure class="compare__positions">
      <figcaption>Both prompts' positions after each layer, in one 2D frame fitted on both (blue circles: clean; red squares: second; the big ones are the last positions)</figcaption>
      <Slider label="Layer" min={0} max={view.layers - 1} value={layer} valueText={`Layer ${layer}`} onInput={onLayer} />
      <div class="scatter" ref={box}>
        <canvas ref={canvas} role="img" aria-label={`Positions at layer ${layer}: the clean prompt's last token at ${last(frame.clean)}, the second prompt's at ${last(frame.corrupt)}`} />
      </div>
    </figure>
  );
}

function DistanceChart({ distance }: { distance: number[] }) {
  const box = useRef<HTMLDivElement>(null);
  const palette = usePalette();
  const width = Math.min(useWidth(box), 640);
  useEffect(() => {
    const u = new uPlot(distanceOptions(width, distance.length - 1, palette), [distance.map((_, layer) => layer), distance], box.current!);
    return () => u.destroy();
  }, [distance, palette, width]);
  return (
    <figure class="track">
      <figcaption>How far apart the two last positions are after each layer (0 = embeddings; each vector first normalised as the final LayerNorm does, so 0 is the same and 2 the opposite)</figcaption>
      <div ref={box} aria-hidden="true" />
      <table class="visually-hidden" aria-label="Distance of the two last positions after each layer">
        <tbody>
          {distance.map((value, layer) => (
            <tr key={layer}>
              <th scope="row">Layer {layer}</th>
              <td>{value.toFixed(3)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function distanceOptions(width: number, layers: number, palette: Palette): uPlot.Options {
  const axis = { stroke: palette.muted, grid: { stroke: palette.grid, width: 1 }, ticks: { stroke: palette.grid }, font: palette.font, size: 36 };
  return {
    width,
    height: 180,
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false, range: [0, layers] }, y: { range: (_, __, max) => [0, Math.max(0.1, max * 1.1)] } },
    axes: [{ ...axis, label: 'layer', labelFont: palette.font, labelSize: 14, incrs: [1, 2, 5, 10] }, { ...axis, size: 48 }], // whole layers only
    series: [
      { label: 'layer', value: (_, layer) => (layer === null ? '–' : String(layer)) },
      { label: 'distance', stroke: palette.red, width: 2, points: { show: true, size: 5, fill: palette.red }, value: (_, d) => (d === null ? '–' : d.toFixed(3)) },
    ],
  };
}

function NextList({ side, name }: { side: CompareSide; name: string }) {
  return (
    <div class="candidates">
      <h3>{name}: next token</h3>
      <ol class="bars" aria-label={`${name}: next-token candidates`}>
        {side.next.map((candidate, rank) => (
          <li key={candidate.id} class={`bars__row compare__bar${rank === 0 ? ' bars__row--top' : ''}`} title={candidateTitle(candidate)}>
            <span class="bars__token">
              <TokenText text={candidate.text} />
            </span>
            <ProbabilityBar prob={candidate.prob} />
            <span class="bars__prob">{percent(candidate.prob)}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}
