// All heads at a glance: every head's attention pattern for the current tokens, layers down, heads
// across, in the reduced form the worker sends (each map averaged to at most 16 × 16 blocks, 8-bit),
// said so under the grid. Closed, it asks the host nothing (it costs L × H attention maps); open, it
// asks again after every session and for the chosen chip. Hover: the layer, the head and the token the
// chosen position attends to most, with its exact weight. Click: that layer and head everywhere.

import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ExplorerMessage, UiPatch } from '../../src/protocol/explorer';
import type { HeadsGridView, TokenChip } from '../../src/protocol/views';
import { prepareCanvas, useWidth } from '../ui/canvas';
import type { SessionView } from '../../src/protocol/views';
import { Button } from '../ui/toolkit';
import { ExportButtons } from './export-buttons';
import { drawHeadsGrid, gridHeadAt, gridSize, type HeadsGridLayout, layoutHeadsGrid, resolveColour } from './heads-grid-draw';
import type { Shown } from './host-data';
import { usePalette } from './theme';
import { shownToken } from './token-text';

interface HeadsGridProps {
  session: SessionView;
  tokens: TokenChip[];
  sessions: number; // a new session asks again
  grid: Shown<HeadsGridView> | null;
  chosen: { layer: number; head: number; token: number | null };
  post: (message: ExplorerMessage) => void;
  change: (patch: UiPatch) => void;
}

interface Hover {
  x: number;
  y: number;
  text: string;
}

export function HeadsGridPanel({ session, tokens, sessions, grid, chosen, post, change }: HeadsGridProps) {
  const [open, setOpen] = useState(false);
  const token = chosen.token ?? tokens.length - 1;
  useLayoutEffect(() => {
    // a layout effect, like app.tsx's requests: the ask leaves as soon as what needs it is rendered, not after its paint
    if (open) post({ type: 'requestHeadsGrid', token });
  }, [open, sessions, token]);
  return (
    <section class="panel" aria-labelledby="heads-grid-title">
      <h2 id="heads-grid-title">All Heads</h2>
      <Button appearance="secondary" pressed={open} onClick={() => setOpen(!open)}>
        {open ? 'Hide All Heads' : 'Show All Heads'}
      </Button>
      {open && grid && <HeadsGridCanvas grid={grid} tokens={tokens} chosen={chosen} change={change} />}
      {open && <ExportButtons session={session} data={grid && { type: 'headsGrid', view: grid.view }} post={post} />}
    </section>
  );
}

function HeadsGridCanvas({ grid, tokens, chosen, change }: { grid: Shown<HeadsGridView>; tokens: TokenChip[]; chosen: HeadsGridProps['chosen']; change: (patch: UiPatch) => void }) {
  const view = grid.view;
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const scratch = useMemo(() => document.createElement('canvas'), []);
  const layout = useRef<HeadsGridLayout | null>(null);
  const [hover, setHover] = useState<Hover | null>(null);
  const palette = usePalette();
  const width = useWidth(box);
  const rgb = useMemo(() => resolveColour(palette.blue), [palette]);

  useEffect(() => {
    if (!canvas.current) return;
    const next = layoutHeadsGrid(view.layers, view.heads, Math.min(width, 720));
    const size = gridSize(next);
    drawHeadsGrid(prepareCanvas(canvas.current, size.width, size.height), scratch, next, view, chosen, palette, rgb);
    layout.current = next;
  }, [view, chosen.layer, chosen.head, palette, width]);

  const at = (event: MouseEvent) => (layout.current ? gridHeadAt(layout.current, event.offsetX, event.offsetY) : null);
  const move = (event: MouseEvent) => {
    const found = at(event);
    setHover(found && { x: event.offsetX, y: event.offsetY, text: headLabel(view, tokens, found.layer, found.head) });
  };
  const click = (event: MouseEvent) => {
    const found = at(event);
    if (found) change({ layer: found.layer, head: found.head });
  };
  const reduced = view.side < view.size ? `each head's ${view.size} × ${view.size} map averaged to ${view.side} × ${view.side} blocks` : 'one cell per token';
  return (
    <div class={`heads-grid${grid.stale ? ' stale' : ''}`} ref={box}>
      <canvas
        ref={canvas}
        role="img"
        aria-label={`Attention of all ${view.layers * view.heads} heads, layers down and heads across; layer ${chosen.layer}, head ${chosen.head} chosen`}
        onMouseMove={move}
        onMouseLeave={() => setHover(null)}
        onClick={click}
      />
      {hover && (
        <div class="tooltip" style={{ left: `${hover.x + 12}px`, top: `${hover.y + 12}px` }}>
          {hover.text}
        </div>
      )}
      <HeadsTable view={view} tokens={tokens} />
      <p class="hint heads-grid__reduced">
        Reduced view: {reduced}, in 8-bit steps (within 0.002 of the true weights). Hover a head for where “{shownToken(tokens[view.token]?.text ?? '')}” looks most, exactly; click it to
        show it in the Attention view.
      </p>
    </div>
  );
}

/** The grid for screen readers (the canvas has a one-line summary): each head's strongest key, layers as rows. */
function HeadsTable({ view, tokens }: { view: HeadsGridView; tokens: TokenChip[] }) {
  const layers = Array.from({ length: view.layers }, (_, layer) => layer);
  const heads = Array.from({ length: view.heads }, (_, head) => head);
  return (
    <table class="visually-hidden" aria-label={`Where ${shownToken(tokens[view.token]?.text ?? '')} (token ${view.token + 1}) attends most, in every head`}>
      <tbody>
        {layers.map((layer) => (
          <tr key={layer}>
            <th scope="row">Layer {layer}</th>
            {heads.map((head) => (
              <td key={head}>{headLabel(view, tokens, layer, head)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "Layer 1, head 2: “ Paris” attends most to “ The” (1) 0.523" — the weight exact, from the full-resolution row. */
export function headLabel(view: HeadsGridView, tokens: TokenChip[], layer: number, head: number): string {
  const h = layer * view.heads + head;
  const key = view.top[h];
  return `Layer ${layer}, head ${head}: “${shownToken(tokens[view.token]?.text ?? '')}” attends most to “${shownToken(tokens[key]?.text ?? '')}” (${key + 1}) ${view.topWeight[h].toFixed(3)}`;
}
