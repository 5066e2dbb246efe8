// ARCHITECTURE.md's table of rooms, held against the code: every import in src/ and webview/ goes only to a
// room its own room may import, `vscode` is imported only by the extension, and every path the page names exists.

import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

/** Room → the rooms (besides itself) it may import; a room is a top folder of src/, or webview/. */
const MAY_IMPORT: Record<string, string[]> = {
  'src/engine': [],
  'src/protocol': ['src/engine/types.ts'],
  'src/explorer': ['src/engine', 'src/protocol'],
  'src/cli': ['src/engine', 'src/explorer', 'src/protocol'],
  'src/extension': ['src/engine', 'src/explorer/presets.ts', 'src/protocol'],
  webview: ['src/protocol'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|tsx|mjs)$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

function roomOf(file: string): string {
  const room = Object.keys(MAY_IMPORT).find((candidate) => file === candidate || file.startsWith(`${candidate}/`));
  assert.ok(room, `${file} lies in no room of ARCHITECTURE.md`);
  return room;
}

/** The module names a file imports or re-exports (static and dynamic imports). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'([^']+)'/g)].map((match) => match[1]);
}

const allowed = (target: string, room: string) =>
  target.startsWith(`${room}/`) || MAY_IMPORT[room].some((door) => target === door || target.startsWith(`${door}/`) || target === `${door}.ts`);

describe('architecture (ARCHITECTURE.md)', () => {
  const files = Object.keys(MAY_IMPORT).flatMap(sourceFiles);

  it('finds the rooms it checks', () => {
    for (const room of Object.keys(MAY_IMPORT)) assert.ok(files.some((file) => roomOf(file) === room), `no source file in ${room}`);
  });

  it('every import goes to the room itself or a room it may import', () => {
    const broken: string[] = [];
    for (const file of files) {
      const room = roomOf(file);
      for (const name of importsOf(file).filter((name) => name.startsWith('.'))) {
        const target = relative(ROOT, resolve(ROOT, dirname(file), name));
        const withExtension = ['', '.ts', '.tsx', '/index.ts'].map((ending) => target + ending).find((path) => existsSync(join(ROOT, path))) ?? target;
        if (!allowed(withExtension, room)) broken.push(`${file} imports ${name}`);
      }
    }
    assert.deepEqual(broken, []);
  });

  it('only the extension imports vscode', () => {
    const strays = files.filter((file) => !file.startsWith('src/extension/') && importsOf(file).includes('vscode'));
    assert.deepEqual(strays, []);
  });

  it('every source path that ARCHITECTURE.md names exists', () => {
    const page = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8');
    const named = [...page.matchAll(/`((?:src|webview|test)\/[\w./-]+)`/g)].map((match) => match[1]);
    assert.ok(named.length > 10, 'the page names its files');
    assert.deepEqual(named.filter((path) => !existsSync(join(ROOT, path))), []);
  });
});
