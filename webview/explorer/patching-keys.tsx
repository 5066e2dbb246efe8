// A patching grid's cells for the keyboard: one focusable gridcell over each canvas cell (a roving
// tabindex, so Tab enters the grid once), the arrow keys across rows × columns, Home/End along a row,
// Enter or Space doing what a click does. Each cell's name is its hover's words. The cells let the
// mouse through to the canvas beneath (its hover and click stay as they were).

import { useState } from 'preact/hooks';
import type { PatchingView } from '../../src/protocol/compare';
import { cellText, SITE_TITLES } from './patching-cells';
import type { PatchGridLayout } from './patching-draw';

type At = { row: number; col: number };

interface CellsProps {
  grid: PatchingView;
  labels: string[]; // the clean prompt's tokens
  layout: PatchGridLayout;
  open: (at: At) => void; // what a click on the cell does
}

/** Where a key moves the focus from `at` in a rows × cols grid, or null for a key that does not move it. */
export function movedCell(key: string, at: At, rows: number, cols: number): At | null {
  const clamp = (value: number, n: number) => Math.max(0, Math.min(n - 1, value));
  const moves: Record<string, At> = {
    ArrowRight: { row: at.row, col: clamp(at.col + 1, cols) },
    ArrowLeft: { row: at.row, col: clamp(at.col - 1, cols) },
    ArrowDown: { row: clamp(at.row + 1, rows), col: at.col },
    ArrowUp: { row: clamp(at.row - 1, rows), col: at.col },
    Home: { row: at.row, col: 0 },
    End: { row: at.row, col: cols - 1 },
  };
  return moves[key] ?? null;
}

export function PatchCells({ grid, labels, layout, open }: CellsProps) {
  const { rows, cols, cell, left, top } = layout;
  const [focus, setFocus] = useState<At>({ row: 0, col: 0 });
  const at = { row: Math.min(focus.row, rows - 1), col: Math.min(focus.col, cols - 1) };
  const keyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      return open(at);
    }
    const next = movedCell(event.key, at, rows, cols);
    if (!next) return;
    event.preventDefault();
    setFocus(next);
    const grid = (event.currentTarget as HTMLElement).closest('[role="grid"]');
    grid?.querySelector<HTMLElement>(`[data-cell="${next.row}:${next.col}"]`)?.focus();
  };
  return (
    <div class="patching__cells" role="grid" aria-label={`${SITE_TITLES[grid.what]}: arrow keys move between cells, Enter opens one`}>
      {grid.effect.map((row, r) => (
        <div key={r} role="row">
          {row.map((_, c) => (
            <div
              key={c}
              role="gridcell"
              class="patching__cell"
              data-cell={`${r}:${c}`}
              tabIndex={r === at.row && c === at.col ? 0 : -1}
              aria-label={cellText(grid, r, c, labels)}
              style={{ left: `${left + c * cell - 1}px`, top: `${top + r * cell - 1}px`, width: `${cell + 1}px`, height: `${cell + 1}px` }}
              onKeyDown={keyDown}
              onFocus={() => (r !== at.row || c !== at.col) && setFocus({ row: r, col: c })}
            />
          ))}
        </div>
      ))}
    </div>
  );
}
