// `make-test-model`: the seeded random checkpoints the tests and the bench run on.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './run-cli';

describe('gpt2-explorer make-test-model', function () {
  let dir: string;

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'gpt2-cli-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('make-test-model --favour-token makes that token the top next token', async function () {
    const favoured = join(dir, 'favoured');
    const made = await cli(['make-test-model', '--out', favoured, '--layers', '1', '--heads', '2', '--embd', '16', '--positions', '16', '--favour-token', '50256']);
    assert.equal(made.code, 0, made.stderr);
    assert.equal(JSON.parse(made.stdout).favourToken, 50256);
    const next = JSON.parse((await cli(['analyze', '--model', favoured, '--json', 'Once upon a time'])).stdout).next;
    assert.deepEqual([next[0].id, next[0].text], [50256, '<|endoftext|>']);
    assert.ok(next[0].prob > 0.5);
  });
});
