// The plain-TypeScript peer: the tests' independent float64 forward pass (no ORT at all). It is
// slow, so it runs few repeats: enough to place it, not to polish its figure.
import { loadReferenceModel, referenceForward } from '../../test/engine/reference';
import { emptyResult, type CaseContext, type CaseResult } from '../harness/case';
import { once, time } from '../harness/stats';
import { NEXT_ID, promptIds } from './prompts';

export async function plainTs(context: CaseContext): Promise<CaseResult> {
  const result = emptyResult();
  const start = performance.now();
  const model = loadReferenceModel(context.modelDir);
  result.timings.ts_cold_start = once(performance.now() - start);
  const repeats = Math.max(2, Math.ceil(context.repeats / 4));
  result.timings.ts_analyze12 = await time(() => referenceForward(model, promptIds(12)), { repeats, warmup: 0 });
  const prompt = referenceForward(model, promptIds(12));
  result.timings.ts_step = await time(() => referenceForward(model, [NEXT_ID], prompt.past), { repeats, warmup: 0 });
  result.notes.push('The plain-TypeScript peer is test/engine/reference.ts: float64 loops, one thread, every output.');
  return result;
}
