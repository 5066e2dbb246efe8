// The project stands on its own: no code, test or script names an absolute path of a machine (a home, /tmp, /work,
// /usr …) or a relative path that climbs out of the repository. A user's clone has none of them; temporary files
// go through os.tmpdir(), a user's folders through os.homedir() and the environment.

import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = resolve(__dirname, '..');
const SCANNED = ['src', 'test', 'scripts', 'bench', 'webview', '.ci', '.vscode', 'package.json'];
const SKIPPED = new Set(['node_modules', '.models', 'fixtures', 'dist', '.cache']);
/** Files that name such paths on purpose: where installers put browsers, and the attacks a test must see refused. */
const ALLOWED = new Map([
  ['test/chromium.ts', 'the browser lookup lists the places installers put browsers'],
  ['test/robustness/webview-boundary.test.ts', 'paths a hostile webview sends, which the host must refuse'],
  ['test/repository-paths.test.ts', 'the samples of the check itself'],
]);

const MACHINE_PATH = /(?<![\w.:/-])\/(?:work|root|home|Users|tmp|usr(?!\/bin\/env\b)|opt|mnt|srv|snap|Applications|var)\//g;
const CLIMB = /(?:\.\.[/\\])+[\w./\\-]*/g;
const CLIMB_BY_ARGUMENTS = /['"]\.\.['"]\s*,\s*['"]shared['"]/g;

function files(entry: string): string[] {
  const full = join(ROOT, entry);
  try {
    return readdirSync(full, { withFileTypes: true, recursive: true })
      .filter((item) => item.isFile() && !relative(ROOT, item.parentPath).split(sep).some((part) => SKIPPED.has(part)))
      .filter((item) => /\.(ts|tsx|mts|mjs|cjs|js|json|sh|ya?ml)$|^run$/.test(item.name))
      .map((item) => relative(ROOT, join(item.parentPath, item.name)).split(sep).join('/'));
  } catch {
    return entry.includes('.') && !entry.startsWith('.') ? [entry] : [];
  }
}

/** Every place in `text` (a file at `file`, relative to the root) that names a path off the repository. */
export function pathsOffTheRepository(file: string, text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(MACHINE_PATH)) found.push(text.slice(match.index, match.index + 40).split('\n')[0]);
  for (const match of text.matchAll(CLIMB)) {
    const target = resolve(ROOT, dirname(file), match[0]);
    if (relative(ROOT, target).startsWith('..')) found.push(match[0]);
  }
  for (const match of text.matchAll(CLIMB_BY_ARGUMENTS)) found.push(match[0]);
  return found;
}

// The check's samples, put together from pieces: written out whole they would themselves be what other
// scanners of this repository (and this one, but for ALLOWED) look for.
const MACHINE_SAMPLE = ['', 'work', 'shared', 'tools', 'install.sh'].join('/');
const CLIMB_SAMPLE = ['..', '..', 'shared', 'lesson.md'].join('/');
const ARGUMENTS_SAMPLE = ["'..'", "'shared'"].join(', ');

describe('the repository stands on its own', () => {
  it('finds the paths it is meant to find (the check itself)', () => {
    assert.deepEqual(pathsOffTheRepository('test/e2e/a.ts', `const x = '${MACHINE_SAMPLE}';`), [`${MACHINE_SAMPLE}';`]);
    assert.deepEqual(pathsOffTheRepository('scripts/a.mjs', `resolve(root, ${ARGUMENTS_SAMPLE}, 'x')`), [ARGUMENTS_SAMPLE]);
    assert.deepEqual(pathsOffTheRepository('scripts/a.mjs', `import x from '${CLIMB_SAMPLE}'`), [CLIMB_SAMPLE]);
    assert.equal(pathsOffTheRepository('test/a.ts', "join(tmpdir(), 'x'); '/tmp/gpt2'").length, 1);
    assert.deepEqual(pathsOffTheRepository('test/engine/a.ts', "import { x } from '../../src/engine/x';"), [], 'a climb that stays inside is fine');
    assert.deepEqual(pathsOffTheRepository('src/a.ts', "new URL('https://huggingface.co/x/resolve/main')"), [], 'a URL is not a path');
  });

  it('no code, test or script names a path outside it', () => {
    const scanned = SCANNED.flatMap(files);
    assert.ok(scanned.length > 100, `only ${scanned.length} files scanned`);
    const offenders = scanned.filter((file) => !ALLOWED.has(file)).flatMap((file) => pathsOffTheRepository(file, readFileSync(join(ROOT, file), 'utf8')).map((path) => `${file}: ${path}`));
    assert.deepEqual(offenders, []);
  });
});
