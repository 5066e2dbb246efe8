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

  it('make-test-model --like takes a known model\'s shape; --embd narrows it; an unknown name is a usage error', async function () {
    const cases: [string[], [number, number, number]][] = [
      [['--like', 'gpt2-medium', '--embd', '64'], [24, 16, 64]],
      [['--like', 'openai-community/gpt2-xl', '--embd', '50'], [48, 25, 50]],
      [['--like', 'distilgpt2', '--embd', '24'], [6, 12, 24]],
      [['--like', 'gpt2-large', '--layers', '2', '--embd', '40'], [2, 20, 40]],
    ];
    for (const [flags, shape] of cases) {
      const made = await cli(['make-test-model', '--out', join(dir, flags[1].replace('/', '-')), '--positions', '8', ...flags]);
      assert.equal(made.code, 0, made.stderr);
      const { nLayer, nHead, nEmbd } = JSON.parse(made.stdout).config;
      assert.deepEqual([nLayer, nHead, nEmbd], shape, flags.join(' '));
    }
    const unknown = await cli(['make-test-model', '--out', join(dir, 'x'), '--like', 'gpt3']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /--like must be one of gpt2, distilgpt2, gpt2-medium, gpt2-large, gpt2-xl \(or their repository ids\), got gpt3/);
  });
});
