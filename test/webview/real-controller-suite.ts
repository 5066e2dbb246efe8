// The hooks of a browser suite on the real controller and session worker (controller-backend.ts): a
// generated TINY model, Chromium, the page server; after each test, no CSP violation, page error or
// malformed message; the page given back (page-pool.ts). Call it inside describe(); read the fields in tests.

import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { PRESETS } from '../../src/explorer/presets';
import type { PairView } from '../../src/protocol/compare';
import { testModel, TINY } from '../engine/models';
import { ControllerBackend } from './controller-backend';
import { ExplorerPage, openExplorer, PageServer, servePages } from './harness';
import { giveBackChromium, takeChromium } from './page-pool';
import type { ThemeName } from './themes';

export interface RealControllerSuite {
  modelDir: string;
  backend: ControllerBackend;
  explorer: ExplorerPage | undefined;
  /** Opens the explorer page on the backend (of `size`, if given); resolves once its chips are drawn. */
  open(theme?: ThemeName, size?: PageSize): Promise<Page>;
}

type PageSize = { width?: number; height?: number };

/** `pairs`: the Compare tab's minimal pairs the controller offers (none unless given). */
export function realControllerSuite({ pairs = [] }: { pairs?: readonly PairView[] } = {}): RealControllerSuite {
  let browser: Browser;
  let server: PageServer;
  const suite = {
    explorer: undefined,
    async open(theme: ThemeName = 'dark', size: PageSize = {}) {
      suite.explorer = await openExplorer(browser, server, { backend: suite.backend, theme, ...size });
      await suite.explorer.page.locator('.chip').first().waitFor();
      return suite.explorer.page;
    },
  } as RealControllerSuite;
  let taken = false;
  before(async () => {
    suite.modelDir = await testModel(TINY);
    [browser, server, suite.backend] = await Promise.all([takeChromium(), servePages(), ControllerBackend.start(suite.modelDir, PRESETS, pairs)]);
    taken = true;
  });
  afterEach(async () => {
    await suite.explorer?.close();
    assert.deepEqual(suite.explorer?.violations, [], 'CSP violations or page errors');
    assert.deepEqual(suite.explorer?.host.malformed, [], 'the page posted messages the protocol rejects');
  });
  after(async () => {
    if (taken) giveBackChromium(); // the process's shared browser stays for the next suite (page-pool.ts)
    await Promise.all([server?.close(), suite.backend?.dispose()]);
  });
  return suite;
}
