// The browser lookup's order: CHROMIUM_PATH, then PATH (in COMMANDS order), then playwright's cache, newest first.
import { strict as assert } from 'node:assert';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { findChromium } from './chromium';

describe('the browser lookup (test/chromium.ts)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'gpt2-chromium-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  const executable = (...parts: string[]) => {
    const path = join(scratch, ...parts);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, 0o755);
    return path;
  };
  const bin = join(scratch, 'bin');
  const chrome = executable('bin', 'google-chrome');
  const chromium = executable('bin', 'chromium');
  const cached = executable('ms-playwright', 'chromium-1200', 'chrome-linux', 'chrome');
  executable('ms-playwright', 'chromium-1100', 'chrome-linux', 'chrome');
  const bare = { HOME: scratch, XDG_CACHE_HOME: join(scratch, 'none') };

  it('takes CHROMIUM_PATH first, and nothing else when it names no file', () => {
    assert.equal(findChromium({ ...bare, CHROMIUM_PATH: chrome, PATH: bin }), chrome);
    assert.equal(findChromium({ ...bare, CHROMIUM_PATH: join(scratch, 'nothing'), PATH: bin }), undefined);
  });

  it('then the first browser command on PATH, chromium before google-chrome', () => {
    assert.equal(findChromium({ ...bare, PATH: ['/nonexistent', bin].join(delimiter) }), chromium);
  });

  it("then playwright's browser cache, the newest build first", () => {
    assert.equal(findChromium({ ...bare, PATH: '', PLAYWRIGHT_BROWSERS_PATH: join(scratch, 'ms-playwright') }, { systemPlaces: false }), cached);
    assert.equal(findChromium({ ...bare, PATH: '' }, { systemPlaces: false }), undefined, 'nothing left to find');
  });
});
