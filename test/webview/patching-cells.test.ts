// What a patching grid's cells mean, without a browser: the normalised effect, the hover's words, where
// a click goes (and that the store takes it within the session), and how the Compare messages fold in.

import assert from 'node:assert/strict';
import type { PatchingView } from '../../src/protocol/compare';
import { parseUiPatch } from '../../src/protocol/explorer';
import { cellText, normalisedEffect, openCell, openedText } from '../../webview/explorer/patching-cells';
import { movedCell } from '../../webview/explorer/patching-keys';
import { initialState, reduce } from '../../webview/explorer/store';
import * as compare from './fixtures/compare';
import * as lesson from './fixtures/lesson';

const grid = (compare.patching as Extract<typeof compare.patching, { type: 'patching' }>).views[0]; // clean 2, corrupt −1
const tokens = ['A', ' B', ' C'];

describe('patching cells', () => {
  it('normalises each run by the clean and corrupted metrics: 1 is the clean run, 0 the corrupted one', () => {
    assert.deepEqual(normalisedEffect(grid), [
      [0, 1, 0],
      [0, 2.5 / 3, 0.5],
      [0, 0, 1],
    ]);
    assert.equal(normalisedEffect({ ...grid, clean: 1, corrupt: 1 }), null, 'nothing to normalise by');
  });

  it('says what a cell patches, its raw metric and its effect', () => {
    assert.equal(cellText(grid, 0, 1, tokens), 'hidden state 0 (the embeddings), position 1 “·B”: metric 2.000, effect 1.00');
    assert.equal(cellText(grid, 2, 2, tokens), 'hidden state 2 (after block 2), position 2 “·C”: metric 2.000, effect 1.00');
    const mlp: PatchingView = { ...grid, what: 'mlp' };
    assert.equal(cellText(mlp, 1, 2, tokens), 'layer 1 MLP output, position 2 “·C”: metric 0.500, effect 0.50');
    assert.equal(cellText({ ...grid, what: 'heads' }, 1, 0, tokens), 'layer 1, head 0 (every position): metric -1.000, effect 0.00');
    assert.equal(cellText({ ...grid, clean: -1 }, 0, 0, tokens), 'hidden state 0 (the embeddings), position 0 “A”: metric -1.000', 'no effect without a difference');
  });

  it('a click opens the Self-Attention tab at that position and hidden state, layer or head, and the store keeps it in the session', () => {
    assert.deepEqual(openCell('resid', 2, 5), { tab: 'attention', token: 5, lensLayer: 2, slider: 2 });
    assert.deepEqual(openCell('attn', 0, 3), { tab: 'attention', token: 3, layer: 0, lensLayer: 1, slider: 1 });
    assert.deepEqual(openCell('heads', 1, 7), { tab: 'attention', layer: 1, head: 7 });
    for (const patch of [openCell('resid', 12, 11), openCell('mlp', 11, 0), openCell('heads', 11, 11)]) assert.ok(parseUiPatch(patch).ok);
    const state = reduce(reduce(initialState(null), { kind: 'host', message: lesson.session() }), { kind: 'ui', patch: openCell('mlp', 11, 4) });
    assert.deepEqual([state.ui.tab, state.ui.token, state.ui.layer, state.ui.lensLayer, state.ui.slider], ['attention', 4, 11, 12, 12]);
  });

  it('the keys move within the grid (held at its edges), Home and End along a row; a cell opened is said', () => {
    const at = { row: 1, col: 1 };
    assert.deepEqual(['ArrowRight', 'ArrowLeft', 'ArrowDown', 'ArrowUp', 'Home', 'End'].map((key) => movedCell(key, at, 3, 4)), [
      { row: 1, col: 2 }, { row: 1, col: 0 }, { row: 2, col: 1 }, { row: 0, col: 1 }, { row: 1, col: 0 }, { row: 1, col: 3 },
    ]);
    assert.deepEqual(movedCell('ArrowRight', { row: 2, col: 3 }, 3, 4), { row: 2, col: 3 });
    assert.deepEqual(movedCell('ArrowDown', { row: 2, col: 3 }, 3, 4), { row: 2, col: 3 });
    assert.equal(movedCell('a', at, 3, 4), null);
    assert.equal(openedText('mlp', 1, 2, tokens), 'Opened layer 1 MLP output, position 2 “·C” in the Self-Attention tab');
    let state = reduce(initialState(null), { kind: 'host', message: lesson.session() });
    state = reduce(state, { kind: 'ui', patch: openCell('heads', 1, 3), said: openedText('heads', 1, 3, tokens) });
    assert.equal(state.announcement, 'Opened layer 1, head 3 (every position) in the Self-Attention tab');
    assert.equal(reduce(state, { kind: 'ui', patch: { token: 0 } }).announcement, state.announcement, 'a patch without words keeps the last');
  });

  it('folds a refused comparison until the next comparison', () => {
    let state = initialState(null);
    state = reduce(state, { kind: 'host', message: { type: 'compareRefused', clean: 'a', corrupt: 'b', message: 'too long' } });
    assert.deepEqual(state.data.compareRefused, { clean: 'a', corrupt: 'b', message: 'too long' });
    assert.equal(reduce(state, { kind: 'host', message: compare.compare }).data.compareRefused, null);
  });

  it('folds the Compare messages: the view, the progress (until null) and the grids', () => {
    let state = initialState(null);
    for (const message of [lesson.init, compare.compare, compare.patchProgress]) state = reduce(state, { kind: 'host', message });
    assert.equal(state.data.compare?.pair, 'pair-capital');
    assert.deepEqual(state.data.patchProgress, { done: 4, total: 9 });
    state = reduce(reduce(state, { kind: 'host', message: compare.patching }), { kind: 'host', message: { type: 'patchProgress', progress: null } });
    assert.equal(state.data.patchProgress, null);
    assert.deepEqual(state.data.patching?.views, [grid]);
  });
});
