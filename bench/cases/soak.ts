// The memory soak (issue 7): 1,000 Steps on a small model, as the panel drives them (step, then the
// snapshot the worker posts), with a Reset whenever generation stops. Resident memory is sampled
// after each batch; it must stay flat within 10% once the first batch has warmed the allocators.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { Gpt2Model } from '../../src/engine/model';
import { writeTestModel } from '../../src/engine/test-model';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { ExplorerSession } from '../../src/explorer/session';
import { emptyResult, type CaseContext, type CaseResult } from '../harness/case';

const STEPS = 1000;
const BATCH = 50;
const SOAK_MODEL = { seed: 3, nLayer: 4, nHead: 4, nEmbd: 128, nPositions: 256 };

async function soakModel(workDir: string): Promise<string> {
  const dir = join(workDir, 'soak-model');
  if (!existsSync(join(dir, 'tokenizer.json'))) await writeTestModel(dir, SOAK_MODEL);
  return dir;
}

function rssMb(): number {
  (globalThis as { gc?: () => void }).gc?.(); // the child runs with --expose-gc: count live memory, not garbage
  return process.memoryUsage().rss / 2 ** 20;
}


export async function soak(context: CaseContext): Promise<CaseResult> {
  const result = emptyResult();
  const dir = await soakModel(context.workDir);
  const model = await Gpt2Model.load(dir, { threads: context.threads });
  const tokenizer = await Gpt2Tokenizer.fromModelDir(dir);
  const session = await ExplorerSession.create(model, tokenizer, {
    sentence: { id: 'soak', text: 'The capital of Germany is Berlin. The capital of France is', source: 'custom' },
    settings: { temperature: 0, maxNewTokens: 64 },
  });
  const samples: number[] = [];
  let resets = 0;
  for (let step = 1; step <= STEPS; step++) {
    if (session.view().stop !== null) {
      await session.reset();
      resets++;
    }
    await session.step();
    JSON.stringify({ type: 'session', session: session.view(), projection: session.projection() }); // what the worker posts
    if (step % BATCH === 0) samples.push(rssMb());
  }
  session.dispose();
  await model.dispose();
  const settled = samples[0];
  const last = samples[samples.length - 1];
  Object.assign(result.values, {
    soak_steps: STEPS,
    soak_resets: resets,
    soak_rss_first_batch_mb: settled,
    soak_rss_last_batch_mb: last,
    soak_rss_max_mb: Math.max(...samples),
    soak_rss_growth_pct: ((Math.max(...samples) - settled) / settled) * 100,
  });
  result.notes.push(`Soak: ${STEPS} steps on a ${SOAK_MODEL.nLayer}-layer, ${SOAK_MODEL.nEmbd}-wide test model, RSS after each ${BATCH} (MiB): ${samples.map((mb) => mb.toFixed(0)).join(' ')}`);
  return result;
}
