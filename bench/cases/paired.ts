// The step target measured in pairs: the floor chain and our model in one process, timed round by
// round — floor, bare step, step with every per-step view — so each round gives its own ratio and a
// burst of load from elsewhere hits numerator and denominator alike. (Timed in separate processes
// minutes apart, the ratio swung between 1.26× and 1.55× on this 2-core machine.)
// Every session here runs with idle-thread spinning off, the engine's setting: a session that
// spins after its run would take the cores from the next one and bill it to the wrong figure.
import { Gpt2Model } from '../../src/engine/model';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { emptyResult, type CaseContext, type CaseResult } from '../harness/case';
import { interleave, ratios } from '../harness/stats';
import { stepContenders, stepSetup } from './explorer';
import { openNodeFloor } from './floor';

export const PAIRED_NOTE =
  'Paired step case: our model (both sessions) and the floor chain (blocks as MatMul) in one process, all three sessions with ' +
  'ORT idle-thread spinning off (session.intra_op.allow_spinning = 0, as the engine runs), timed round by round in rotating order: ' +
  'floor, bare step, session step + its message + the panel\'s requests; the verdict is the median of the per-round ratios.';

export async function paired(context: CaseContext): Promise<CaseResult> {
  const result = emptyResult();
  const model = await Gpt2Model.load(context.modelDir, { threads: context.threads, optimization: 'all' });
  const floor = await openNodeFloor(context, 'MatMul', { 'intra_op.allow_spinning': '0' });
  const setup = await stepSetup(model, await Gpt2Tokenizer.fromModelDir(context.modelDir), 12);
  const { forward, views } = stepContenders(model, setup);
  const timings = await interleave([{ name: 'floor', run: () => floor.session.run(floor.feeds) }, forward, views], {
    rounds: context.repeats * 6,
    warmup: 3,
  });
  result.timings.paired_floor_step = timings.floor;
  result.timings.paired_forward_step = timings.forward;
  result.timings.step = timings.views; // step_ms_median: the step with every per-step view, as the target means it
  result.ratios = {
    paired_step_over_floor: ratios(timings.views, timings.floor),
    paired_forward_step_over_floor: ratios(timings.forward, timings.floor),
  };
  result.notes.push(PAIRED_NOTE);
  setup.prompt.dispose();
  setup.session.dispose();
  await Promise.all([floor.session.release(), model.dispose()]);
  return result;
}
