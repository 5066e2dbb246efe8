// What the "Integration tests" launch configuration (F5) needs before VS Code starts, the same as
// `npm run test:integration` sets up: the suite bundle, a tiny test model and a profile whose
// settings point at it, all under .vscode-test/f5 (kept between runs; the model is made once).

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildIntegrationSuite, ROOT } from './build';
import { assertBuilt, makeTestModel, writeSettings } from './environment';

const F5 = join(ROOT, '.vscode-test', 'f5');

async function main(): Promise<void> {
  assertBuilt();
  await buildIntegrationSuite();
  const model = join(F5, 'model');
  if (!existsSync(join(model, 'model.safetensors'))) await makeTestModel(model);
  writeSettings(join(F5, 'user-data'), model);
  mkdirSync(join(F5, 'workspace'), { recursive: true });
}

main().catch((error) => {
  console.error(`Preparing the integration tests failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
