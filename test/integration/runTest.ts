// `npm run test:integration`: the integration suite inside a real VS Code downloaded by
// @vscode/test-electron (needs the internet once; the download is cached in .vscode-test/).
// Where VS Code cannot be downloaded, test/e2e/vscode.test.ts runs the same suite in code-server.

import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { buildIntegrationSuite, ROOT } from './build';
import { assertBuilt, makeTestModel, writeSettings } from './environment';

async function main(): Promise<void> {
  assertBuilt();
  const scratch = mkdtempSync(join(tmpdir(), 'gpt2-integration-'));
  const userDataDir = join(scratch, 'user-data');
  const workspace = join(scratch, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeSettings(userDataDir, await makeTestModel(join(scratch, 'model')));
  await runTests({
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: await buildIntegrationSuite(),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', userDataDir],
  });
}

main().catch((error) => {
  console.error(`Integration tests failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
