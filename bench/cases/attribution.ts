// Issue 15: what direct logit attribution costs, on the full-size model. The analysis pass is not
// changed by it (the heads' outputs come from a separate graph, run only when the Attribution panel
// asks), so what is timed is the ask itself: ExplorerSession.attribution at the last of 12 and of
// 1,000 tokens, interleaved with a Step at each context (Reset before it, untimed), and what opening
// the head-outputs session adds to the process's memory. And the figure for the analysis
// pass with per-head outputs: a 12-token analysis followed by the panel's ask (what a new prompt
// costs with the panel open) against the analysis alone, target ≤ 1.2×.
import { Gpt2Model } from '../../src/engine/model';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { ExplorerSession } from '../../src/explorer/session';
import { DEFAULT_DECODING } from '../../src/protocol/decoding';
import { emptyResult, type CaseContext, type CaseResult } from '../harness/case';
import { interleave, ratios } from '../harness/stats';
import { promptIds } from './prompts';

const CONTEXTS = [12, 1000];
const [TARGET, VERSUS] = [6342, 3576]; // " Paris", " London"

export async function attribution(context: CaseContext): Promise<CaseResult> {
  const result = emptyResult();
  const model = await Gpt2Model.load(context.modelDir, { threads: context.threads });
  const tokenizer = await Gpt2Tokenizer.fromModelDir(context.modelDir);
  const sessions = await Promise.all(
    CONTEXTS.map((length) =>
      ExplorerSession.create(model, tokenizer, { sentence: { id: `bench-${length}`, text: `${length} bench tokens`, source: 'custom' }, ids: promptIds(length), settings: { ...DEFAULT_DECODING, maxNewTokens: 16 } }),
    ),
  );
  const rss = () => process.memoryUsage().rss / 2 ** 20;
  const before = rss();
  const started = performance.now();
  await sessions[0].attribution(11, TARGET, VERSUS);
  result.values.attribution_first_ms = performance.now() - started; // opens the head-outputs session
  result.values.attribution_session_rss_mb = rss() - before;
  const analyze12 = () => ExplorerSession.create(model, tokenizer, { sentence: { id: 'bench-analyze', text: '12 bench tokens', source: 'custom' }, ids: promptIds(12) });
  const analyses = [
    { name: 'analyze12', run: () => analyze12().then((session) => session.dispose()) },
    { name: 'analyze12_attributed', run: () => analyze12().then(async (session) => (JSON.stringify(await session.attribution(11, TARGET, VERSUS)), session.dispose())) },
  ];
  const contenders = [...analyses, ...CONTEXTS.flatMap((length, i) => [
    { name: `attribution${length}`, run: () => sessions[i].attribution(length - 1, TARGET, VERSUS).then(JSON.stringify) },
    { name: `step${length}`, before: () => sessions[i].reset().then(() => undefined), run: () => sessions[i].step() },
  ])];
  const timings = await interleave(contenders, { rounds: context.repeats, warmup: 2 });
  for (const [name, timing] of Object.entries(timings)) result.timings[`attribution_case_${name}`] = timing;
  result.ratios = { analyze12_attributed_over_analyze12: ratios(timings.analyze12_attributed, timings.analyze12), attribution12_over_step12: ratios(timings.attribution12, timings.step12), attribution1000_over_step1000: ratios(timings.attribution1000, timings.step1000) };
  result.notes.push('attribution: the Attribution panel\'s ask (head outputs graph, on one thread; an lm_head row unless the position is the last, whose logits the session holds; the decomposition), not part of a Step or the analysis');
  sessions.forEach((session) => session.dispose());
  await model.dispose();
  return result;
}
