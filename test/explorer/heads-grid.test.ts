// The heads grid's reduced maps against the float64 reference (test/engine/reference.ts): each cell is
// its block's mean weight to within the 8-bit step (half a level, plus float32 noise), and the key the
// chosen token attends to most, with its weight, is the reference's — on models of several shapes, for
// a prompt shorter than the grid's side (one cell per token) and one longer (uneven blocks).
import assert from 'node:assert/strict';
import { Gpt2Model } from '../../src/engine/model';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { headsGrid } from '../../src/explorer/heads-grid';
import { ExplorerSession } from '../../src/explorer/session';
import { HEADS_GRID_LEVELS, HEADS_GRID_SIDE } from '../../src/protocol/views';
import { testModel, TINY } from '../engine/models';
import { loadReferenceModel, referenceForward } from '../engine/reference';

const QUANTUM = 0.5 / HEADS_GRID_LEVELS; // the stated error of an 8-bit level
const FLOAT32 = 1e-5;
const SHAPES = [TINY, { seed: 11, nLayer: 3, nHead: 2, nEmbd: 32, nPositions: 64 }];
const PROMPTS = ['The capital of France is', 'One two three four five six seven eight nine ten, and then eleven, twelve, thirteen and fourteen came after them.'];

describe('heads grid: every head, reduced, against the reference', function () {
  for (const shape of SHAPES) {
    it(`${shape.nLayer} layers × ${shape.nHead} heads: cells within half an 8-bit level, strongest keys exact`, async function () {
      const dir = await testModel(shape);
      const [model, tokenizer] = await Promise.all([Gpt2Model.load(dir, { threads: 1 }), Gpt2Tokenizer.fromModelDir(dir)]);
      const reference = loadReferenceModel(dir);
      try {
        for (const text of PROMPTS) {
          const session = await ExplorerSession.create(model, tokenizer, { sentence: { id: 'grid', text, source: 'custom' } });
          const ids = session.view().tokens.map((chip) => chip.id);
          const T = ids.length;
          const token = Math.floor(T / 2);
          const grid = await headsGrid(session, token);
          session.dispose();
          const side = Math.min(T, HEADS_GRID_SIDE);
          assert.deepEqual([grid.layers, grid.heads, grid.size, grid.side, grid.token], [shape.nLayer, shape.nHead, T, side, token]);
          assert.equal(grid.cells.length, shape.nLayer! * shape.nHead! * side * side);
          const attention = referenceForward(reference, ids).attention; // [L, H, T, T]
          let worst = 0;
          for (let h = 0; h < shape.nLayer! * shape.nHead!; h++) {
            const map = attention.subarray(h * T * T, (h + 1) * T * T);
            for (let r = 0; r < side; r++) {
              for (let c = 0; c < side; c++) {
                const mean = blockMean(map, T, side, r, c);
                worst = Math.max(worst, Math.abs(grid.cells[(h * side + r) * side + c] / HEADS_GRID_LEVELS - mean));
              }
            }
            const row = Array.from(map.subarray(token * T, (token + 1) * T));
            const best = Math.max(...row);
            assert.ok(row[grid.top[h]] >= best - FLOAT32, `head ${h}: key ${grid.top[h]} (${row[grid.top[h]]}) is not the strongest (${best})`);
            assert.ok(Math.abs(grid.topWeight[h] - row[grid.top[h]]) <= FLOAT32, `head ${h}: weight ${grid.topWeight[h]}, the reference's ${row[grid.top[h]]}`);
          }
          assert.ok(worst <= QUANTUM + FLOAT32, `${T} tokens: a cell is off by ${worst}, more than half a level (${QUANTUM})`);
        }
      } finally {
        await model.dispose();
      }
    });
  }

  it('refuses a token outside the sequence', async function () {
    const dir = await testModel(TINY);
    const [model, tokenizer] = await Promise.all([Gpt2Model.load(dir, { threads: 1 }), Gpt2Tokenizer.fromModelDir(dir)]);
    try {
      const session = await ExplorerSession.create(model, tokenizer, { sentence: { id: 'grid', text: 'Hello world', source: 'custom' } });
      await assert.rejects(headsGrid(session, 2), /token 2 is outside 0\.\.1/);
      session.dispose();
    } finally {
      await model.dispose();
    }
  });
});

/** The reference's own block partition: side blocks of ⌊T/side⌋ or ⌈T/side⌉ cells, in order. */
function blockMean(map: Float64Array, T: number, side: number, r: number, c: number): number {
  const edge = (b: number) => Math.floor((b * T) / side);
  let sum = 0;
  for (let q = edge(r); q < edge(r + 1); q++) for (let k = edge(c); k < edge(c + 1); k++) sum += map[q * T + k];
  return sum / ((edge(r + 1) - edge(r)) * (edge(c + 1) - edge(c)));
}
