// The Attribution panel: why the model puts a token where it does (direct logit attribution at a
// position, the last by default). Closed, it asks the host nothing, so a Step costs what it did; open,
// it asks again after every session. What it attributes is attribution-choice.tsx's: default the top
// candidate against the runner-up (the classic "Paris versus London" logit difference).

import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ExplorerMessage, UiPatch } from '../../src/protocol/explorer';
import type { AttributionPanelView, SessionView, TokenizedView } from '../../src/protocol/views';
import { prepareCanvas, useWidth } from '../ui/canvas';
import { Button } from '../ui/toolkit';
import { useAttributionChoice } from './attribution-choice';
import { drawGrid, type GridLayout, headAt, layoutGrid } from './attribution-grid';
import { ExportButtons } from './export-buttons';
import { allPieces, headScale, runningTotal, topContributors } from './attribution-pieces';
import type { Shown } from './host-data';
import { usePalette } from './theme';
import { shownToken } from './token-text';

const TOP = 10;

interface AttributionProps {
  session: SessionView;
  sessions: number; // a new session asks again
  attribution: Shown<AttributionPanelView> | null;
  tokenized: TokenizedView | null; // the host's split of the text typed last
  post: (message: ExplorerMessage) => void;
  change: (patch: UiPatch) => void; // a clicked head opens the attention view there
}

export function AttributionPanel({ session, sessions, attribution, tokenized, post, change }: AttributionProps) {
  const [open, setOpen] = useState(false);
  const { ask, controls } = useAttributionChoice(session, tokenized, post);
  useLayoutEffect(() => {
    // a layout effect, like app.tsx's requests: the ask leaves as soon as what needs it is rendered, not after its paint
    if (open && ask) post({ type: 'requestAttribution', token: ask.position, target: ask.target, versus: ask.versus });
  }, [open, sessions, ask?.position, ask?.target, ask?.versus]);
  const view = attribution?.view ?? null;
  // Dimmed until the answer to what is asked now arrives (another position or token asked keeps the old one on screen).
  const answered = !!view && !!ask && view.attribution.position === ask.position && view.attribution.target.id === ask.target && (view.attribution.versus?.id ?? null) === ask.versus;
  const labels = session.tokens.map((token) => token.text);
  return (
    <section class="panel" aria-labelledby="attribution-title">
      <h2 id="attribution-title">Attribution</h2>
      <Button appearance="secondary" pressed={open} onClick={() => setOpen(!open)}>
        {open ? 'Hide Attribution' : 'Show Attribution'}
      </Button>
      {open && (
        <>
          <p class="hint">
            Which parts of the model put a token's logit there: each head, MLP and bias, read at the chosen position (its prediction of the
            token after it) through the final LayerNorm (its scale fixed). The parts add up to the logit.
          </p>
          {controls}
          {view && <AttributionBody panel={view} labels={labels} stale={(attribution?.stale ?? true) || !answered} change={change} />}
          <ExportButtons session={session} data={view && { type: 'attribution', view }} post={post} />
        </>
      )}
    </section>
  );
}

interface BodyProps {
  panel: AttributionPanelView;
  labels: string[]; // the tokens' texts, for where each head looks
  stale: boolean;
  change: (patch: UiPatch) => void;
}

function AttributionBody({ panel, labels, stale, change }: BodyProps) {
  const view = panel.attribution;
  const what = view.versus ? `logit(${shownToken(view.target.text)}) − logit(${shownToken(view.versus.text)})` : `logit(${shownToken(view.target.text)})`;
  const top = topContributors(view, TOP);
  return (
    <div class={stale ? 'attribution stale' : 'attribution'}>
      <p class="attribution__total">
        {what} = <strong>{view.total.toFixed(3)}</strong>
      </p>
      <HeadGrid panel={panel} labels={labels} onPick={(layer, head) => change({ layer, head, tab: 'attention' })} />
      <h3>Embeddings, MLPs and biases</h3>
      <SignedBars pieces={allPieces(view).filter((piece) => !piece.head)} />
      <h3>Top contributors</h3>
      <ol class="attribution__top" aria-label="Largest contributions first">
        {top.map((piece) => (
          <li key={piece.name}>
            {piece.name}: {signed(piece.value)} ({Math.round(piece.share * 100)}%)
          </li>
        ))}
      </ol>
      <h3>Running total</h3>
      <table class="attribution__running">
        <tbody>
          {runningTotal(view).map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              <td>{row.value.toFixed(3)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function HeadGrid({ panel, labels, onPick }: { panel: AttributionPanelView; labels: string[]; onPick: (layer: number, head: number) => void }) {
  const view = panel.attribution;
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const layout = useRef<GridLayout | null>(null);
  const [hover, setHover] = useState<{ x: number; y: number; text: string } | null>(null);
  const palette = usePalette();
  const width = useWidth(box);
  const layers = view.heads.length;
  const heads = view.heads[0]?.length ?? 0;
  useEffect(() => {
    if (!canvas.current) return;
    const next = layoutGrid(layers, heads, Math.min(width, 480));
    drawGrid(prepareCanvas(canvas.current, next.left + heads * next.cell + 2, next.top + layers * next.cell + 2), next, view.heads, headScale(view), palette);
    layout.current = next;
  }, [view, palette, width]);
  const at = (event: MouseEvent) => (layout.current ? headAt(layout.current, event.offsetX, event.offsetY) : null);
  const move = (event: MouseEvent) => {
    const cell = at(event);
    const looks = (panel.attends[cell?.layer ?? 0]?.[cell?.head ?? 0] ?? []).map((key) => `${shownToken(labels[key.token] ?? '')} ${key.weight.toFixed(2)}`);
    const text = cell && `layer ${cell.layer}, head ${cell.head}: ${signed(view.heads[cell.layer][cell.head])}; attends to ${looks.join(', ')}`;
    setHover(cell && text ? { x: event.offsetX, y: event.offsetY, text } : null);
  };
  const strongest = topContributors(view, 1, (piece) => piece.head)[0];
  return (
    <div class="heatmap" ref={box}>
      <canvas
        ref={canvas}
        role="img"
        aria-label={`Attribution of every head, layers down, heads across; the largest: ${strongest ? `${strongest.name}, ${signed(strongest.value)}` : 'none'}`}
        onMouseMove={move}
        onMouseLeave={() => setHover(null)}
        onClick={(event) => {
          const cell = at(event);
          if (cell) onPick(cell.layer, cell.head);
        }}
      />
      {hover && (
        <div class="tooltip" style={{ left: `${hover.x + 12}px`, top: `${hover.y + 12}px` }}>
          {hover.text}
        </div>
      )}
      <p class="hint">Red pushes the target up, blue pushes it down. Click a head to open its attention.</p>
    </div>
  );
}

/** Bars from the middle: right for positive, left for negative, scaled to the largest. */
function SignedBars({ pieces }: { pieces: { name: string; value: number }[] }) {
  const scale = Math.max(1e-9, ...pieces.map((piece) => Math.abs(piece.value)));
  return (
    <ul class="attribution__bars">
      {pieces.map((piece) => (
        <li key={piece.name} class="attribution__bar">
          <span>{piece.name}</span>
          <span class="attribution__track" aria-hidden="true">
            <span
              class={piece.value >= 0 ? 'attribution__fill attribution__fill--up' : 'attribution__fill attribution__fill--down'}
              style={{ width: `${(50 * Math.abs(piece.value)) / scale}%` }}
            />
          </span>
          <span class="attribution__value">{signed(piece.value)}</span>
        </li>
      ))}
    </ul>
  );
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(3)}`;
}
