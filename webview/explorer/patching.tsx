// The Compare tab's second panel: activation patching (the causal tracing of Meng et al. 2022). The
// second prompt is run again and again, each time with one activation taken from the clean prompt's
// run; each grid cell shows how far that one patch moves the metric logit(target) − logit(versus)
// back towards the clean prompt's. Runs in the worker with a progress bar and Cancel (the grids shown
// before stay); prompts that cannot be patched say why instead of offering the button.

import { useEffect, useRef, useState } from 'preact/hooks';
import { type CompareView, PATCH_SITES, type PatchingView, type PatchProgress, type PatchSite } from '../../src/protocol/compare';
import type { ExplorerMessage, UiPatch } from '../../src/protocol/explorer';
import { prepareCanvas, useWidth } from '../ui/canvas';
import { Button, type Choice, Dropdown } from '../ui/toolkit';
import { cellName, cellText, normalisedEffect, openCell, openedText, SITE_TITLES } from './patching-cells';
import { drawPatchGrid, gridPixels, layoutPatchGrid, patchCellAt, type PatchGridLayout } from './patching-draw';
import { PatchCells } from './patching-keys';
import { usePalette } from './theme';
import { shownToken } from './token-text';

const ALL = 'all';

interface PatchingProps {
  view: CompareView;
  patching: { clean: string; corrupt: string; views: PatchingView[] } | null;
  progress: PatchProgress | null;
  post: (message: ExplorerMessage) => void;
  change: (patch: UiPatch, said?: string) => void; // a clicked cell opens the other views there (said: the live region's words)
}

export function PatchingPanel({ view, patching, progress, post, change }: PatchingProps) {
  const [target, setTarget] = useState(view.target.id);
  const [versus, setVersus] = useState(view.versus.id);
  const [what, setWhat] = useState<string>(ALL);
  const tokens = new Map([view.target, view.versus, ...view.clean.next, ...view.corrupt.next].map((token) => [token.id, token.text]));
  const choices: Choice[] = [...tokens].map(([id, text]) => ({ value: String(id), label: shownToken(text) }));
  const sites = what === ALL ? [...PATCH_SITES] : [what as PatchSite];
  const run = () => post({ type: 'requestPatch', corrupt: view.corrupt.text, what: sites, target, versus });
  const grids = patching && patching.clean === view.clean.text && patching.corrupt === view.corrupt.text ? patching.views : [];
  const labels = view.clean.tokens.map((token) => token.text);
  const differs = view.clean.tokens.map((token, t) => token.id !== view.corrupt.tokens[t]?.id);
  return (
    <section class="panel patching" aria-labelledby="patching-title">
      <h2 id="patching-title">Activation Patching</h2>
      <p class="hint">
        Run the second prompt with one activation taken from the clean prompt's run, for every layer and position (or head), and read how far
        each patch brings logit(target) − logit(versus) back: 1 (red) is all the way to the clean prompt's, 0 no change, blue the other way.
      </p>
      {view.refusal ? (
        <p class="patching__refusal" role="status">
          {view.refusal}
        </p>
      ) : (
        <div class="row">
          <Dropdown label="Target" value={String(target)} choices={choices} onChange={(v) => setTarget(Number(v))} />
          <Dropdown label="Versus" value={String(versus)} choices={choices} onChange={(v) => setVersus(Number(v))} />
          <Dropdown label="Patch" value={what} choices={[{ value: ALL, label: 'All four grids' }, ...PATCH_SITES.map((site) => ({ value: site, label: SITE_TITLES[site] }))]} onChange={setWhat} />
          <Button disabled={progress !== null || target === versus} onClick={run}>
            Run Patching
          </Button>
        </div>
      )}
      {!view.refusal && target === versus && <p class="hint">Target and versus are the same token: their difference is always 0. Pick two different tokens.</p>}
      {progress && <PatchProgressBar progress={progress} onCancel={() => post({ type: 'cancelPatch' })} />}
      {grids.map((grid) => (
        <PatchGrid key={grid.what} grid={grid} labels={labels} differs={differs} stale={grid.target.id !== target || grid.versus.id !== versus} change={change} />
      ))}
    </section>
  );
}

function PatchProgressBar({ progress, onCancel }: { progress: PatchProgress; onCancel: () => void }) {
  const said = `Patched ${progress.done.toLocaleString('en')} of ${progress.total.toLocaleString('en')} runs`;
  return (
    <div class="analysis-progress__bar">
      <progress max={Math.max(1, progress.total)} value={progress.done} aria-label={said} />
      <span class="hint" role="status">
        {said}.
      </span>
      <Button appearance="secondary" onClick={onCancel}>
        Cancel Patching
      </Button>
    </div>
  );
}

interface GridProps {
  grid: PatchingView;
  labels: string[]; // the clean prompt's tokens
  differs: boolean[]; // per position: the prompts' tokens differ
  stale: boolean; // made for other metric tokens than the ones chosen now
  change: (patch: UiPatch, said?: string) => void;
}

function PatchGrid({ grid, labels, differs, stale, change }: GridProps) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [layout, setLayout] = useState<PatchGridLayout | null>(null);
  const [hover, setHover] = useState<{ x: number; y: number; text: string } | null>(null);
  const palette = usePalette();
  const width = Math.min(useWidth(box), 640);
  const normalised = normalisedEffect(grid);
  const heads = grid.what === 'heads';
  const colLabels = heads ? (grid.effect[0] ?? []).map((_, h) => String(h)) : labels;
  const rowLabels = grid.effect.map((_, r) => (grid.what === 'resid' ? String(r) : `L${r}`));
  useEffect(() => {
    if (!canvas.current) return;
    const ctx = canvas.current.getContext('2d')!;
    const next = layoutPatchGrid(ctx, grid.effect.length, colLabels, width, palette);
    const size = gridPixels(next);
    drawPatchGrid(prepareCanvas(canvas.current, size.width, size.height), next, normalised ?? grid.effect.map((row) => row.map(() => 0)), rowLabels, colLabels, heads ? [] : differs, palette);
    setLayout((shown) => (shown && JSON.stringify(shown) === JSON.stringify(next) ? shown : next));
  }, [grid, width, palette]);
  const at = (event: MouseEvent) => (layout ? patchCellAt(layout, event.offsetX, event.offsetY) : null);
  const open = ({ row, col }: { row: number; col: number }) => change(openCell(grid.what, row, col), openedText(grid.what, row, col, labels));
  const move = (event: MouseEvent) => {
    const cell = at(event);
    setHover(cell && { x: event.offsetX, y: event.offsetY, text: cellText(grid, cell.row, cell.col, labels) });
  };
  const metric = `logit(${shownToken(grid.target.text)}) − logit(${shownToken(grid.versus.text)})`;
  const strongest = strongestCell(normalised);
  return (
    <figure class={`patching__grid${stale ? ' stale' : ''}`} data-what={grid.what}>
      <figcaption>
        <strong>{SITE_TITLES[grid.what]}</strong> — {metric}: clean {grid.clean.toFixed(3)}, second prompt {grid.corrupt.toFixed(3)}
      </figcaption>
      {!normalised && <p class="hint">The metric is the same on both prompts, so there is nothing to bring back: pick other tokens.</p>}
      <div class="heatmap" ref={box}>
        <canvas
          ref={canvas}
          role="img"
          aria-label={`${SITE_TITLES[grid.what]}; the strongest: ${strongest ? `${cellName(grid.what, strongest.row, strongest.col, labels)}, effect ${strongest.value.toFixed(2)}` : 'none'}`}
          onMouseMove={move}
          onMouseLeave={() => setHover(null)}
          onClick={(event) => {
            const cell = at(event);
            if (cell) open(cell);
          }}
        />
        {hover && (
          <div class="tooltip" style={{ left: `${hover.x + 12}px`, top: `${hover.y + 12}px` }}>
            {hover.text}
          </div>
        )}
        {layout && <PatchCells grid={grid} labels={labels} layout={layout} open={open} />}
      </div>
      <p class="hint">{heads ? 'Click a head (or Tab to the grid, arrows, Enter) to open its attention.' : 'A “*” marks a position where the prompts differ. Click a cell (or Tab to the grid, arrows, Enter) to open that position and layer in the Self-Attention tab.'}</p>
    </figure>
  );
}

function strongestCell(effect: number[][] | null): { row: number; col: number; value: number } | null {
  let best: { row: number; col: number; value: number } | null = null;
  effect?.forEach((row, r) => row.forEach((value, c) => (best === null || Math.abs(value) > Math.abs(best.value)) && (best = { row: r, col: c, value })));
  return best;
}
