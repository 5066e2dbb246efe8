// The step target measured in pairs: the floor chain and our model in one process, timed round by
// round — floor, bare step, step with every per-step view — so each round gives its own ratio and a
// burst of load from elsewhere hits numerator and denominator alike. (Timed in separate processes
// minutes apart, the ratio swung between 1.26× and 1.55× on this 2-core machine.) The case runs in
// several processes and their rounds are pooled: the same graphs streamed their weights 10–20%
// faster in one process than in the next (scratch runs of the lead), floor and model alike.
//
// Spinning: our sessions run as the engine opens them, idle-thread spinning off, so one session's
// idle threads do not take the cores from the next. The floor runs twice per round: with spinning
// off too, and with ORT's default (spinning on) as the floor is measured alone — that one is
// followed by an untimed pause in which its threads go to sleep, so it steals from no other run.
// Which is faster depends on the machine: on a quiet one the default (a scratch run: ~18 vs ~21 ms);
// with other processes on the cores, spinning threads lose most. The floor of a round is the faster
// of its two runs, so the ratio is never flattered by a floor slowed by its setting.
import { setTimeout as sleep } from 'node:timers/promises';
import { Gpt2Model } from '../../src/engine/model';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { emptyResult, type CaseContext, type CaseResult } from '../harness/case';
import { fastest, interleave, ratios } from '../harness/stats';
import { stepContenders, stepSetup } from './explorer';
import { openNodeFloor } from './floor';

export const SETTLE_MS = 20; // after the spinning floor: its idle threads stop spinning well within this (scratch run: 5 ms sufficed)

export const PAIRED_NOTE =
  'Paired step case: our model (both sessions, idle-thread spinning off as the engine runs) and the floor chain (blocks as MatMul)' +
  ` in one process, timed round by round in rotating order: the floor with ORT's default spinning (then an untimed ${SETTLE_MS} ms pause,` +
  ' so its spinning threads take no cores from the next run), the floor with spinning off, the bare step, and the session step +' +
  " its message + the panel's requests; the floor of a round is the faster of its two floor runs, and the verdict is the median" +
  ' of the per-round ratios to it, pooled over the processes the case ran in (four in a full run).';

export async function paired(context: CaseContext): Promise<CaseResult> {
  const result = emptyResult();
  const model = await Gpt2Model.load(context.modelDir, { threads: context.threads, optimization: 'all' });
  const floor = await openNodeFloor(context, 'MatMul');
  const floorNoSpin = await openNodeFloor(context, 'MatMul', { 'intra_op.allow_spinning': '0' });
  const setup = await stepSetup(model, await Gpt2Tokenizer.fromModelDir(context.modelDir), 12);
  const { forward, views } = stepContenders(model, setup);
  const t = await interleave(
    [
      { name: 'floor', run: () => floor.session.run(floor.feeds), after: () => sleep(SETTLE_MS) },
      { name: 'floorNoSpin', run: () => floorNoSpin.session.run(floorNoSpin.feeds) },
      forward,
      views,
    ],
    { rounds: context.repeats * 6, warmup: 3 },
  );
  const floorOfRound = fastest(t.floor, t.floorNoSpin);
  result.timings.paired_floor_step = floorOfRound;
  result.timings.paired_floor_default_step = t.floor;
  result.timings.paired_floor_no_spin_step = t.floorNoSpin;
  result.timings.paired_forward_step = t.forward;
  result.timings.step = t.views; // step_ms_median: the step with every per-step view, as the target means it
  result.ratios = {
    paired_step_over_floor: ratios(t.views, floorOfRound),
    paired_forward_step_over_floor: ratios(t.forward, floorOfRound),
    paired_floor_no_spin_over_floor_default: ratios(t.floorNoSpin, t.floor),
  };
  result.notes.push(PAIRED_NOTE);
  setup.prompt.dispose();
  setup.session.dispose();
  await Promise.all([floor.session.release(), floorNoSpin.session.release(), model.dispose()]);
  return result;
}
