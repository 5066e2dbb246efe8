// The peer targets measured in pairs, as the step target is (paired.ts): our engine, the wasm peer
// (onnxruntime-web on the same two graphs) and the floor chain in one process, timed round by round
// in rotating order, so each round gives its own ratios. Measured in separate processes, the peer
// ratios inherited how fast each process happened to stream its weights (see FINDINGS).
import { setTimeout as sleep } from 'node:timers/promises';
import { Gpt2Model } from '../../src/engine/model';
import type { ForwardResult } from '../../src/engine/types';
import { emptyResult, type CaseContext, type CaseResult } from '../harness/case';
import { interleave, ratios } from '../harness/stats';
import { openNodeFloor } from './floor';
import { SETTLE_MS } from './paired';
import { NEXT_ID, promptIds } from './prompts';
import { openWasmPeer } from './wasm';

export const PAIRED_PEER_NOTE =
  'Paired peer case: our model (as the engine runs it), the wasm peer (onnxruntime-web, 2 threads, the same two graphs) and the' +
  ' floor chain (spinning off) in one process, timed round by round in rotating order (each wasm run followed by an untimed' +
  ` ${SETTLE_MS} ms pause): a step at past 12 and a 12-token analyze each; the peer verdicts are the medians of the per-round ratios,` +
  ' pooled over the processes the case ran in.';

export async function pairedPeer(context: CaseContext): Promise<CaseResult> {
  const result = emptyResult();
  const model = await Gpt2Model.load(context.modelDir, { threads: context.threads });
  const peer = await openWasmPeer(context);
  const floor = await openNodeFloor(context, 'MatMul', { 'intra_op.allow_spinning': '0' });
  const ours = (await model.forward(promptIds(12))).cache;
  const theirs = await peer.run(promptIds(12));
  const dispose = (out: unknown) => (out as ForwardResult).cache.dispose();
  const settle = () => sleep(SETTLE_MS); // wasm's worker threads may spin a while after a run, as ORT's do
  const t = await interleave(
    [
      { name: 'floor', run: () => floor.session.run(floor.feeds) },
      { name: 'step', run: () => model.forward([NEXT_ID], ours), after: dispose },
      { name: 'wasmStep', run: () => peer.run([NEXT_ID], theirs), after: settle },
      { name: 'analyze12', run: () => model.forward(promptIds(12)), after: dispose },
      { name: 'wasmAnalyze12', run: () => peer.run(promptIds(12)), after: settle },
    ],
    { rounds: context.repeats * 4, warmup: 3 },
  );
  result.timings.paired_peer_floor_step = t.floor;
  result.timings.paired_peer_step = t.step;
  result.timings.paired_peer_wasm_step = t.wasmStep;
  result.timings.paired_peer_analyze12 = t.analyze12;
  result.timings.paired_peer_wasm_analyze12 = t.wasmAnalyze12;
  result.ratios = {
    paired_wasm_step_over_ours: ratios(t.wasmStep, t.step),
    paired_wasm_analyze12_over_ours: ratios(t.wasmAnalyze12, t.analyze12),
    paired_wasm_step_over_floor: ratios(t.wasmStep, t.floor), // the most any fp32 engine could lead by
    paired_peer_step_over_floor: ratios(t.step, t.floor),
  };
  result.notes.push(PAIRED_PEER_NOTE);
  ours.dispose();
  await Promise.all([model.dispose(), peer.release(), floor.session.release()]);
  return result;
}
