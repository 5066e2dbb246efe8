// The child side of runInChild: runs the named case and sends its result, peak RSS included.
import { CASES } from '../cases';
import type { CaseContext } from './case';
import { peakRssMb } from './stats';

async function main(): Promise<void> {
  const [caseName, contextJson] = process.argv.slice(2);
  const runner = CASES[caseName];
  if (!runner) throw new Error(`unknown case "${caseName}"`);
  const context = JSON.parse(contextJson) as CaseContext;
  const result = await runner(context);
  result.values.peak_rss_mb = peakRssMb();
  await send({ result });
}

function send(message: unknown): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

main().then(
  () => process.exit(0), // ORT and wasm worker threads would otherwise keep the process alive
  async (error: unknown) => {
    await send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exit(1);
  },
);
