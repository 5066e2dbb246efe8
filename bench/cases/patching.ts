// Issue 16: what an activation-patching grid costs on the full-size model at 12 tokens — the whole
// residual grid (13 × 12 = 156 patched runs) and the heads grid (12 × 12 = 144), the target
// ≤ 1.5 s each — interleaved with the attention and MLP grids and a 12-token prompt pass, so load from
// elsewhere hits them alike. The prompts part at position 5 (cells before it are the corrupted run
// itself and are not rerun, and a head's runs start there); resid_first and heads_first are the grids of
// prompts that part at the first token. Each grid includes its two recorded runs (clean and corrupted); the first
// grid also opens the patch sessions (one per block and the readout), timed on its own.
import { Gpt2Model } from '../../src/engine/model';
import { patchGrid, type PatchSite } from '../../src/explorer/patching';
import { emptyResult, type CaseContext, type CaseResult } from '../harness/case';
import { interleave, ratios } from '../harness/stats';
import { promptIds } from './prompts';

const T = 12;
const [TARGET, VERSUS] = [6342, 3576]; // " Paris", " London"

export async function patching(context: CaseContext): Promise<CaseResult> {
  const result = emptyResult();
  const model = await Gpt2Model.load(context.modelDir, { threads: context.threads });
  const clean = promptIds(T).map((id) => ({ id, text: '' }));
  const differing = (at: number) => clean.map((token, i) => (i === at ? { id: token.id + 1, text: '' } : token));
  const corrupt = differing(5); // one token differs in the middle, as in a minimal pair ("… France is" / "… Italy is")
  const grid = (what: PatchSite, other = corrupt) => patchGrid(model, clean, other, { what, target: TARGET, versus: VERSUS });
  const atFirst = differing(0); // the worst case: every cell differs, so every cell is rerun
  const rss = () => process.memoryUsage().rss / 2 ** 20;
  const before = rss();
  const started = performance.now();
  await grid('resid');
  result.values.patching_first_resid_ms = performance.now() - started; // opens the patch sessions
  result.values.patching_sessions_rss_mb = rss() - before;
  const contenders = [
    ...(['resid', 'heads', 'attn', 'mlp'] as const).map((what) => ({ name: what, run: () => grid(what) })),
    { name: 'resid_first', run: () => grid('resid', atFirst) },
    { name: 'heads_first', run: () => grid('heads', atFirst) },
    { name: 'prompt12', run: () => model.forward(promptIds(T)), after: (pass: unknown) => (pass as { cache: { dispose(): void } }).cache.dispose() },
  ];
  const timings = await interleave(contenders, { rounds: Math.max(3, Math.ceil(context.repeats / 4)), warmup: 1 });
  for (const [name, timing] of Object.entries(timings)) result.timings[`patching_case_${name}`] = timing;
  result.ratios = { resid_over_prompt12: ratios(timings.resid, timings.prompt12), heads_over_prompt12: ratios(timings.heads, timings.prompt12), resid_first_over_prompt12: ratios(timings.resid_first, timings.prompt12), heads_first_over_prompt12: ratios(timings.heads_first, timings.prompt12) };
  result.notes.push('patching: each grid is the whole patchGrid call (both recorded runs, every cell, the readout); target ≤ 1.5 s for resid (156 runs) and heads (144 runs) at 12 tokens');
  await model.dispose();
  return result;
}
