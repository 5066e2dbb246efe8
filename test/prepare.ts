// `npm test`'s set-up, before any test runs: the browser for the webview and VS Code tests (test/chromium.ts) and a
// real VS Code (code-server, scripts/install-code-server.mjs). What cannot be installed here stops the run at once
// with one line saying what to install, instead of failing the browser suites at the end.
import { installCodeServer } from '../scripts/install-code-server.mjs';
import { ensureChromium } from './chromium';
import { CODE_SERVER_DIR } from './e2e/code-server';

try {
  const browser = ensureChromium();
  console.log(`Browser for the tests: ${browser}`);
  installCodeServer(CODE_SERVER_DIR);
} catch (error) {
  console.error(`npm test cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
