// Issue 18: token surprise on the full-size model. Scoring 1,024 tokens as the worker does it (one lm_head
// row a token: the lens layer is read on hover) and as the CLI does it (L + 1 rows a token: every lens layer),
// interleaved round by round with one 1,024-token analysis (ExplorerSession.create: prefill, trace, projection)
// and the bare prefill of the same ids, so the ratios come from the same rounds. Then the hover's own cost:
// the lens layer of one token of the chunk the worker keeps. Target: the worker's score ≤ 1.5× the analysis.
// Last, the decoration path (surprise-paint.ts) on that score: target ≤ 100 ms for 1,000 tokens.
import { Gpt2Model } from '../../src/engine/model';
import { prefill } from '../../src/engine/prefill';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { scoreTokens } from '../../src/explorer/score';
import { LensLayers } from '../../src/explorer/score-lens';
import { ExplorerSession } from '../../src/explorer/session';
import { emptyResult, type CaseContext, type CaseResult } from '../harness/case';
import { interleave, ratios, time } from '../harness/stats';
import { promptIds } from './prompts';
import { decorate, LineIndex } from './surprise-paint';

const LENGTH = 1024;

export async function surprise(context: CaseContext): Promise<CaseResult> {
  const result = emptyResult();
  const model = await Gpt2Model.load(context.modelDir, { threads: context.threads });
  const tokenizer = await Gpt2Tokenizer.fromModelDir(context.modelDir);
  const ids = promptIds(LENGTH);
  let at = 0; // the tokens laid end to end as a document's text, so every one has a range to paint
  const tokens = ids.map((id) => {
    const text = tokenizer.tokenText(id);
    return { id, text, start: at, end: (at += text.length) };
  });
  const sentence = { id: 'bench-surprise', text: `${LENGTH} bench tokens`, source: 'custom' as const };
  const lens = new LensLayers(model, tokens);
  const timings = await interleave(
    [
      { name: 'analysis', run: () => ExplorerSession.create(model, tokenizer, { sentence, ids }), after: (session) => (session as ExplorerSession).dispose() },
      { name: 'prefill', run: () => prefill(model, ids, () => undefined).then((last) => last.cache.dispose()) },
      { name: 'score', run: () => scoreTokens(model, tokenizer, tokens, { lensLayers: false, onChunk: (chunk, hidden) => lens.hold(chunk, hidden) }) },
      { name: 'score_every_layer', run: () => scoreTokens(model, tokenizer, tokens) },
    ],
    { rounds: Math.max(3, context.repeats >> 2), warmup: 1 },
  );
  for (const [name, timing] of Object.entries(timings)) result.timings[`surprise_${name}${LENGTH}`] = timing;
  result.ratios = {
    surprise_score_over_analysis: ratios(timings.score, timings.analysis),
    surprise_score_over_prefill: ratios(timings.score, timings.prefill),
    surprise_every_layer_over_analysis: ratios(timings.score_every_layer, timings.analysis),
  };
  let index = 1;
  result.timings[`surprise_hover${LENGTH}`] = await time(() => lens.at((index = (index * 7919) % LENGTH || 1)), { repeats: context.repeats, warmup: 2 });
  const scores = await scoreTokens(model, tokenizer, tokens, { lensLayers: false });
  const lines = new LineIndex(tokens.map((token) => token.text).join(''));
  result.values.surprise_painted_ranges = decorate(scores, lines);
  result.timings[`surprise_decorate${LENGTH}`] = await time(() => decorate(scores, lines), { repeats: context.repeats * 4, warmup: 3 });
  result.notes.push(
    `surprise: decorate = the score's way to decoration options without VS Code (copied across threads, checked, summarised, planned, offsets to positions; ${result.values.surprise_painted_ranges} ranges); setDecorations' trip to the window and the editor's drawing are not measured`,
  );
  result.notes.push(`surprise: scoring ${LENGTH} ids (${LENGTH - 1} scored) in one chunk; "score" is the worker's (lens layers on hover), "score_every_layer" the CLI's; hover = one token's lens layer from the kept chunk`);
  await model.dispose();
  return result;
}
