// The Compare tab's patching request: the two prompts' texts tokenised as Compare reads them, then
// one patching grid per site asked for (patching.ts), their progress counted as one run of all cells.
import type { Gpt2Model } from '../engine/model';
import type { Gpt2Tokenizer } from '../engine/tokenizer';
import type { PatchingView, PatchSite } from '../protocol/compare';
import { compareTokens } from './compare';
import { checkPair, gridShape, PatchInputError, patchGrid, patchingView } from './patching';

export interface PatchPairOptions {
  clean: string;
  corrupt: string;
  what: PatchSite[];
  target: number;
  versus: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void; // cells of all the grids
}

export async function patchPair(model: Gpt2Model, tokenizer: Gpt2Tokenizer, options: PatchPairOptions): Promise<PatchingView[]> {
  const { nLayer: L, nHead: H, nPositions, vocabSize } = model.config;
  const [clean, corrupt] = compareTokens(tokenizer, [options.clean, options.corrupt], nPositions);
  try {
    checkPair(clean, corrupt);
  } catch (error) {
    throw error instanceof PatchInputError ? new RangeError(error.message) : error; // a request that cannot run: kind 'invalid'
  }
  for (const id of [options.target, options.versus]) if (id >= vocabSize) throw new RangeError(`token id ${id} is not in the vocabulary (0..${vocabSize - 1})`);
  const sizes = options.what.map((what) => gridShape(what, L, H, clean.length)).map(({ rows, cols }) => rows * cols);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  const grids: PatchingView[] = [];
  let before = 0;
  for (const [i, what] of options.what.entries()) {
    options.signal?.throwIfAborted();
    const onProgress = (done: number) => options.onProgress?.(before + done, total);
    const grid = await patchGrid(model, clean, corrupt, { what, target: options.target, versus: options.versus, signal: options.signal, onProgress });
    grids.push(patchingView(grid, (id) => tokenizer.tokenText(id)));
    before += sizes[i];
  }
  return grids;
}
