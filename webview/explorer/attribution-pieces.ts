// The Attribution panel's numbers, from one attribution view (pure): every piece named, the largest
// ones first with their share, and the running total — the residual stream's logit after the
// embeddings and after each layer, which with ln_f's bias added is the model's logit.

import type { AttributionView } from '../../src/protocol/views';

export interface Piece {
  name: string; // "L3 H7", "MLP 3", "attention bias 3", "embeddings", "final LayerNorm bias"
  head: boolean; // one of the heatmap's cells
  value: number;
}

export function allPieces(view: AttributionView): Piece[] {
  const layers = view.heads.map((heads, layer) => [
    ...heads.map((value, head) => ({ name: `L${layer} H${head}`, head: true, value })),
    { name: `attention bias ${layer}`, head: false, value: view.attnBias[layer] },
    { name: `MLP ${layer}`, head: false, value: view.mlp[layer] },
  ]);
  return [{ name: 'embeddings', head: false, value: view.embed }, ...layers.flat(), { name: 'final LayerNorm bias', head: false, value: view.finalBias }];
}

/** The `count` largest pieces by size, each with its share of all the pieces' sizes (0..1). */
export function topContributors(view: AttributionView, count: number, which: (piece: Piece) => boolean = () => true): (Piece & { share: number })[] {
  const pieces = allPieces(view).filter(which);
  const size = pieces.reduce((sum, piece) => sum + Math.abs(piece.value), 0) || 1;
  return pieces
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value))
    .slice(0, count)
    .map((piece) => ({ ...piece, share: Math.abs(piece.value) / size }));
}

/** The logit so far: after the embeddings (layer 0), after each block (1..L), then with ln_f's bias. */
export function runningTotal(view: AttributionView): { label: string; value: number }[] {
  let sum = view.embed;
  const rows = [{ label: 'embeddings', value: sum }];
  view.heads.forEach((heads, layer) => {
    sum += heads.reduce((a, b) => a + b, 0) + view.attnBias[layer] + view.mlp[layer];
    rows.push({ label: `after layer ${layer}`, value: sum });
  });
  rows.push({ label: 'with the final LayerNorm bias', value: sum + view.finalBias });
  return rows;
}

/** The largest |value| among the heads (the heatmap's full colour), never 0. */
export function headScale(view: AttributionView): number {
  return Math.max(1e-9, ...view.heads.flat().map(Math.abs));
}
