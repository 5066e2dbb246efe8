// The Layer and Head dropdowns and the chosen head's attention heatmap (hover: "query → key: weight"),
// with a hidden table for screen readers: where each query token looks most.

import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { AttentionView, TokenChip } from '../../src/protocol/views';
import type { Shown } from './host-data';
import { prepareCanvas, useWidth } from '../ui/canvas';
import { Choice, Dropdown } from '../ui/toolkit';
import { cellAt, drawHeatmap, HeatmapLayout, layoutHeatmap } from './heatmap';
import { type Palette, usePalette } from './theme';
import { shownToken } from './token-text';

export function numberChoices(count: number, label = (i: number) => String(i)): Choice[] {
  return Array.from({ length: count }, (_, i) => ({ value: String(i), label: label(i) }));
}

interface LayerHeadProps {
  layers: number;
  heads: number;
  layer: number;
  head: number;
  onChange: (patch: { layer?: number; head?: number }) => void;
}

export function LayerHeadPickers({ layers, heads, layer, head, onChange }: LayerHeadProps) {
  return (
    <div class="row">
      <Dropdown label="Layer" value={String(layer)} choices={numberChoices(layers)} onChange={(v) => onChange({ layer: Number(v) })} />
      <Dropdown label="Head" value={String(head)} choices={numberChoices(heads)} onChange={(v) => onChange({ head: Number(v) })} />
    </div>
  );
}

interface HeatmapProps {
  attention: Shown<AttentionView> | null; // null before the first answer
  tokens: TokenChip[];
  selected: number | null;
}

interface Hover {
  x: number;
  y: number;
  text: string;
}

export function AttentionHeatmap({ attention, tokens, selected }: HeatmapProps) {
  const view = attention?.view ?? null;
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const layout = useRef<HeatmapLayout | null>(null);
  const [hover, setHover] = useState<Hover | null>(null);
  const palette = usePalette();
  const width = useWidth(box);
  const labels = tokens.map((token) => token.text);

  // Drawn before the frame is painted (a layout effect), so the frame that shows the new Layer or Head shows its
  // pattern too; the labels are measured again only when they or the room change, not for every pattern.
  const measured = useRef<{ tokens: TokenChip[]; size: number; palette: Palette; width: number } | null>(null);
  useLayoutEffect(() => {
    if (!canvas.current || !view) return;
    const shown = labels.slice(0, view.size);
    const key = { tokens, size: view.size, palette, width };
    const known = measured.current;
    const same = layout.current && known && known.tokens === tokens && known.size === view.size && known.palette === palette && known.width === width;
    const next = same ? layout.current! : layoutHeatmap(shown, canvas.current.getContext('2d')!, palette, Math.min(width, 640));
    const side = next.left + next.size * next.cell + 2;
    drawHeatmap(prepareCanvas(canvas.current, side, side), next, view.weights, shown, selected, palette);
    [layout.current, measured.current] = [next, key];
  }, [view, tokens, selected, palette, width]);

  const move = (event: MouseEvent) => {
    const cell = layout.current && view ? cellAt(layout.current, event.offsetX, event.offsetY) : null;
    if (!cell || !view) return setHover(null);
    const weight = view.weights[cell.query * view.size + cell.key] ?? 0;
    const text = `${shownToken(labels[cell.query] ?? '')} → ${shownToken(labels[cell.key] ?? '')}: ${weight.toFixed(3)}`;
    setHover({ x: event.offsetX, y: event.offsetY, text });
  };

  return (
    <div class={`heatmap${attention?.stale ?? true ? ' stale' : ''}`} ref={box}>
      <canvas
        ref={canvas}
        role="img"
        aria-label={view ? describeHeatmap(view, labels, selected) : 'Attention heatmap loading'}
        onMouseMove={move}
        onMouseLeave={() => setHover(null)}
      />
      {hover && (
        <div class="tooltip" style={{ left: `${hover.x + 12}px`, top: `${hover.y + 12}px` }}>
          {hover.text}
        </div>
      )}
      <p class="hint">Rows: the query token. Columns: the key it attends to. Stronger colour = more attention.</p>
      {view && <StrongestKeys view={view} labels={labels} />}
    </div>
  );
}

const KEYS_LISTED = 3;

/**
 * The heatmap for screen readers (the canvas only has a one-line summary): each query token's three
 * strongest keys. T rows rather than all T² weights, so a long prompt stays a table one can read.
 */
function StrongestKeys({ view, labels }: { view: AttentionView; labels: string[] }) {
  const rows = Array.from({ length: view.size }, (_, query) => {
    const weights = view.weights.slice(query * view.size, (query + 1) * view.size);
    const keys = weights.map((weight, key) => ({ key, weight })).sort((a, b) => b.weight - a.weight);
    return keys.slice(0, Math.min(KEYS_LISTED, query + 1)); // a query sees only itself and earlier keys
  });
  return (
    <table class="visually-hidden" aria-label={`Attention of layer ${view.layer}, head ${view.head}: the keys each query token attends to most`}>
      <tbody>
        {rows.map((keys, query) => (
          <tr key={query}>
            <th scope="row">
              {query + 1}: {shownToken(labels[query] ?? '')}
            </th>
            {keys.map(({ key, weight }) => (
              <td key={key}>
                {shownToken(labels[key] ?? '')} ({key + 1}) {weight.toFixed(2)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** For screen readers: where the selected (or last) query looks most. */
function describeHeatmap(view: AttentionView, labels: string[], selected: number | null): string {
  const query = selected !== null && selected < view.size ? selected : view.size - 1;
  const row = view.weights.slice(query * view.size, (query + 1) * view.size);
  const best = row.indexOf(Math.max(...row));
  return `Attention of layer ${view.layer}, head ${view.head}: ${shownToken(labels[query] ?? '')} attends most to ${shownToken(labels[best] ?? '')} (${(row[best] ?? 0).toFixed(2)})`;
}
