// npm test runs the files .mocharc.json's spec names, in the order it names them: folder by folder, the slowest
// first, so mocha's two parallel workers end at about the same time. A test file in a folder the list leaves out
// would never run, and one named twice would run twice: this holds every *.test.ts to exactly one pattern.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

const ROOT = resolve(__dirname, '..');
const config = JSON.parse(readFileSync(join(ROOT, '.mocharc.json'), 'utf8')) as { spec: string[]; ignore: string[] };

// A spec glob as a regular expression: a double star and slash span any folders, a trailing double star
// anything, a single star stays inside one name.
function globRegExp(glob: string): RegExp {
  const escape = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  const pattern = glob
    .split('**/')
    .map((piece) => piece.split('**').map((part) => part.split('*').map(escape).join('[^/]*')).join('.*'))
    .join('(?:.+/)?');
  return new RegExp(`^${pattern}$`);
}

function testFiles(): string[] {
  return readdirSync(join(ROOT, 'test'), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

describe('the test files npm test runs (.mocharc.json)', () => {
  const spec = config.spec.map(globRegExp);
  const ignored = config.ignore.map(globRegExp);

  it('reads the globs as mocha does (the check itself)', () => {
    assert.ok(globRegExp('test/explorer/**/*.test.ts').test('test/explorer/decoding/next-token.test.ts'));
    assert.ok(globRegExp('test/explorer/**/*.test.ts').test('test/explorer/session.test.ts'));
    assert.ok(!globRegExp('test/*.test.ts').test('test/cli/cli.test.ts'));
    assert.ok(globRegExp('test/integration/**').test('test/integration/suite/lesson.test.ts'));
  });

  it('every test file outside test/integration/ (run inside VS Code) matches exactly one spec pattern', () => {
    const files = testFiles().filter((file) => !ignored.some((pattern) => pattern.test(file)));
    assert.ok(files.length > 50, `${files.length} test files found`);
    for (const file of files) {
      const matches = config.spec.filter((_, i) => spec[i].test(file));
      assert.equal(matches.length, 1, `${file} is matched by ${matches.length === 0 ? 'no spec pattern: it would never run' : matches.join(' and ')}`);
    }
  });
});
