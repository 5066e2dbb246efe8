// Issue 17: the rest of the GPT-2 family, on generated models of each one's exact shape (seeded random
// weights, F32, in bench/.models/<id>-shape, written once). Per size: cold start, the 12-token analysis
// as the worker answers it, the step with every per-step view against the same process's floor
// (interleaved round by round), and the process's peak RSS. gpt2-large and gpt2-xl run with the 8-bit
// weights (their float32 needs ≈ 7 and 13 GB; the bench machine is shared), against the 8-bit floor.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { knownModel } from '../../src/engine/known-models';
import { Gpt2Model } from '../../src/engine/model';
import { writeTestModel } from '../../src/engine/test-model';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import type { WeightsMode } from '../../src/engine/types';
import { emptyResult, type CaseContext, type CaseRunner } from '../harness/case';
import { interleave, once, peakRssMb, ratios, time } from '../harness/stats';
import { openSession, sessionMessage, stepContenders, stepSetup } from './explorer';
import { openNodeFloor } from './floor';
import { openQuantizedFloor } from './quantized-floor';

/** The sizes measured, by their legacy id (the figures' prefix), and the weights each runs with. */
export const FAMILY: readonly { id: string; weights: WeightsMode }[] = [
  { id: 'distilgpt2', weights: 'float32' },
  { id: 'gpt2-medium', weights: 'float32' },
  { id: 'gpt2-large', weights: 'int8' },
  { id: 'gpt2-xl', weights: 'int8' },
];

export const familyKey = (id: string) => `family_${id.replace(/-/g, '_')}`;

/**
 * The generated model of this known model's shape, written on first use (tokenizer.json last: its presence means whole),
 * in BENCH_FAMILY_MODELS when set (a folder of one's own where bench/.models is read-only), else the work folder.
 */
async function familyModel(context: CaseContext, id: string): Promise<string> {
  const dir = join(process.env.BENCH_FAMILY_MODELS || context.workDir, `${id}-shape`);
  if (['config.json', 'model.safetensors', 'tokenizer.json'].every((file) => existsSync(join(dir, file)))) return dir;
  const config = knownModel(id)!.source.config as Record<string, number>;
  console.log(`bench: generating a ${id}-shaped test model in ${dir} (once)`);
  await writeTestModel(dir, { seed: 1, nLayer: config.n_layer, nHead: config.n_head, nEmbd: config.n_embd });
  return dir;
}

function familyCase(id: string, weights: WeightsMode): CaseRunner {
  return async (shared) => {
    const result = emptyResult();
    const key = familyKey(id);
    const context = { ...shared, modelDir: await familyModel(shared, id) };
    // 8-bit: the first load quantizes and writes the cache (a fresh one), the second reads it, as a user's next start does.
    const int8CacheDir = weights === 'int8' ? mkdtempSync(join(tmpdir(), 'bench-int8-')) : undefined;
    const load = async () => {
      const start = performance.now();
      const loaded = await Gpt2Model.load(context.modelDir, { threads: context.threads, optimization: 'all', weights, int8CacheDir });
      return { loaded, ms: performance.now() - start };
    };
    let { loaded: model, ms } = await load();
    result.timings[`${key}_cold_start`] = once(ms);
    if (int8CacheDir) {
      await model.dispose();
      ({ loaded: model, ms } = await load());
      result.timings[`${key}_cached_start`] = once(ms);
      rmSync(int8CacheDir, { recursive: true, force: true });
    }
    const tokenizer = await Gpt2Tokenizer.fromModelDir(context.modelDir);
    result.timings[`${key}_analyze12`] = await time(async () => {
      const session = await openSession(model, tokenizer, 12);
      sessionMessage(session);
      return session;
    }, { repeats: Math.ceil(context.repeats / 2), warmup: 1, after: (session) => session.dispose() });
    const setup = await stepSetup(model, tokenizer, 12);
    result.values[`${key}_peak_rss_mb`] = peakRssMb(); // the model's process before the floor's session adds its own
    // Idle-thread spinning off, as the engine runs its sessions: interleaved, a spinning floor would take the cores from the next run.
    const noSpin = { 'intra_op.allow_spinning': '0' };
    const floor = weights === 'int8' ? await openQuantizedFloor(context, 8, noSpin) : await openNodeFloor(context, 'MatMul', noSpin);
    const { views } = stepContenders(model, setup);
    const t = await interleave([{ name: 'floor', run: () => floor.session.run(floor.feeds) }, views], { rounds: context.repeats * 2, warmup: 2 });
    result.timings[`${key}_floor_step`] = t.floor;
    result.timings[`${key}_step`] = t.views;
    result.ratios = { [`${key}_step_over_floor`]: ratios(t.views, t.floor) };
    result.values[`${key}_layers`] = model.config.nLayer;
    result.values[`${key}_int8`] = weights === 'int8' ? 1 : 0;
    setup.prompt.dispose();
    setup.session.dispose();
    await Promise.all([floor.session.release(), model.dispose()]);
    return result;
  };
}

export const familyCases: Record<string, CaseRunner> = Object.fromEntries(FAMILY.map(({ id, weights }) => [`family-${id}`, familyCase(id, weights)]));
