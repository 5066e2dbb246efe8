// The command line as a whole: --int8 on every command, exit codes and messages for bad calls,
// --help, the readable tables, and the built bundle dist/cli.js answering as the source does.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testModel, TINY } from '../engine/models';
import { cliMadeModel, PROMPT, SESSION_PROMPT } from './fixtures';
import { BUILT, BUNDLE, cli, cliWithEnv, ROOT, SOURCE } from './run-cli';

describe('gpt2-explorer CLI', function () {
  let dir: string;
  let model: string;

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'gpt2-cli-'));
    model = await cliMadeModel(dir);
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('--int8 runs analyze, generate and sample on 8-bit weights: other probabilities, the same favoured top token; quantized once, kept in the user\'s cache', async function () {
    const wide = join(dir, 'model-64');
    const made = await cli(['make-test-model', '--out', wide, '--layers', '2', '--heads', '4', '--embd', '64', '--positions', '48', '--seed', '4', '--favour-token', '13']);
    assert.equal(made.code, 0, made.stderr);
    const xdg = { XDG_CACHE_HOME: join(dir, 'xdg') }; // where the 8-bit weights are kept: not this machine's ~/.cache
    const runs = await Promise.all([[], ['--int8']].map((flag) => cliWithEnv(['analyze', '--model', wide, '--json', ...flag, PROMPT], xdg)));
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    const [float32, int8] = runs.map((run) => JSON.parse(run.stdout));
    assert.equal(int8.next[0].id, 13);
    assert.equal(float32.next[0].id, 13);
    assert.notEqual(int8.next[0].prob, float32.next[0].prob, '--int8 changed nothing: did it run the fp32 weights?');
    const kept = join(dir, 'xdg', 'gpt2-explorer', 'int8');
    assert.equal(runs[1].stderr, `gpt2-explorer: quantizing the 8-bit weights (their cache: ${kept})\n`);
    assert.match(readdirSync(kept).join(), /^[0-9a-f]{24}\.int8$/);
    for (const command of [['generate', '--max-tokens', '2', '--temperature', '0'], ['sample', '--n', '3']]) {
      const run = await cliWithEnv([...command, '--model', wide, '--json', '--int8', PROMPT], xdg);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, '', 'read from the cache: nothing quantized, nothing to say');
    }
    const narrow = await cli(['analyze', '--model', model, '--int8', PROMPT]);
    assert.notEqual(narrow.code, 0);
    assert.match(narrow.stderr, /8-bit weights need n_embd to be a multiple of 32; this model's is 24/);
  });

  it('fails with a message on stderr and a non-zero exit for bad calls', async function () {
    const cases: [string[], number, RegExp][] = [
      [['analyze', 'text'], 2, /--model is required/],
      [['analyze', '--model', join(dir, 'missing'), 'text'], 1, /missing: there is no such folder; a GPT-2 model folder holds/], // not "no config.json here", as if it were there
      [['analyze', '--model', dir, 'text'], 1, /no config\.json here/],
      [['analyze', '--model', model, '   '], 2, /the prompt is empty/],
      [['analyze', '--model', model, '--temperature=-1', 'x'], 2, /--temperature must be from 0 to 2, got -1/],
      [['analyze', '--model', model, '--temperature', '2.5', 'x'], 2, /--temperature must be from 0 to 2, got 2.5/],
      [['analyze', '--model', model, '--temperature', 'hot', 'x'], 2, /--temperature must be a number/],
      [['analyze', '--model', model, 'x '.repeat(60)], 1, /the prompt is 61 tokens long; GPT-2 reads at most 48/],
      [['make-test-model', '--out', join(dir, 'odd'), '--heads', '5', '--embd', '24'], 1, /--embd 24 is not a multiple of --heads 5/],
      [['frobnicate'], 2, /unknown command "frobnicate"/],
      [[], 2, /Usage: gpt2-explorer <command>/],
    ];
    for (const [args, code, message] of cases) {
      const run = await cli(args);
      assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
    }
  });

  it('--help lists the commands, and each command has its own', async function () {
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /analyze[\s\S]*make-test-model/);
    const analyzeHelp = await cli(['analyze', '--help']);
    assert.equal(analyzeHelp.code, 0);
    assert.match(analyzeHelp.stdout, /--temperature T/);
  });

  it('the built dist/cli.js gives the same answer (pending when not built: npm run build)', async function () {
    if (!existsSync(BUILT)) this.skip();
    const [built, source] = await Promise.all([
      cli(['analyze', '--model', model, '--json', PROMPT], BUNDLE),
      cli(['analyze', '--model', model, '--json', PROMPT], SOURCE),
    ]);
    assert.equal(built.code, 0, built.stderr);
    assert.deepEqual(JSON.parse(built.stdout), JSON.parse(source.stdout));
  });
});

describe('gpt2-explorer generate and sample, as commands', function () {
  let model: string;

  before(async function () {
    model = await testModel(TINY);
  });

  it('without --json prints readable tables', async function () {
    const generated = await cli(['generate', '--model', model, '--max-tokens', '3', SESSION_PROMPT]);
    assert.equal(generated.code, 0, generated.stderr);
    assert.match(generated.stdout, /Stopped: the --max-tokens limit was reached \(max_tokens\)/);
    const sampled = await cli(['sample', '--model', model, '--n', '100', SESSION_PROMPT]);
    assert.equal(sampled.code, 0, sampled.stderr);
    assert.match(sampled.stdout, /^100 rolls, \d+ different tokens/);
  });

  it('the built bundle (dist/cli.js, when built) answers exactly as the source', async function () {
    if (!existsSync(BUILT)) this.skip();
    for (const args of [['generate', '--model', model, '--max-tokens', '4', '--seed', '8', '--json', SESSION_PROMPT], ['sample', '--model', model, '--n', '300', '--json', SESSION_PROMPT]]) {
      const [source, built] = [await cli(args, SOURCE), await cli(args, BUNDLE)];
      assert.equal(built.code, 0, built.stderr);
      assert.equal(built.stdout, source.stdout);
    }
  });

  it('usage mistakes exit 2 and a bad model folder exits 1, with the reason on stderr', async function () {
    const cases: [string[], number, RegExp][] = [
      [['sample', '--model', model, SESSION_PROMPT], 2, /--n is required/],
      [['generate', '--model', model, '--top-p', '2', SESSION_PROMPT], 2, /--top-p must be from 0 to 1/],
      [['generate', '--model', model, '--temperature=-1', SESSION_PROMPT], 2, /--temperature must be from 0 to 2, got -1/],
      [['generate', '--model', model, '--temperature', '3', SESSION_PROMPT], 2, /--temperature must be from 0 to 2, got 3/],
      [['generate', '--model', model, '--top-k', '50258', SESSION_PROMPT], 2, /--top-k must be an integer from 0 to 50257/],
      [['sample', '--model', model, '--n', '1', '--seed=-1', SESSION_PROMPT], 2, /--seed must be an integer from 0 to 4294967295/],
      [['generate', '--model', model, '--max-tokens', '0', SESSION_PROMPT], 2, /--max-tokens must be an integer/],
      [['generate', '--model', model, '--max-tokens', '1025', SESSION_PROMPT], 2, /--max-tokens must be an integer from 1 to 1024/],
      [['generate', '--model', model, '  '], 2, /the prompt is empty/],
      [['generate', SESSION_PROMPT], 2, /--model is required/],
      [['generate', '--model', model, '--ids', '464,x'], 2, /--ids must be comma-separated token ids/],
      [['generate', '--model', model, '--ids', '464', SESSION_PROMPT], 2, /either PROMPT or --ids/],
      [['generate', '--model', model, '--ids', '464,50257'], 1, /prompt token id 50257 is out of range/],
      [['generate', '--model', join(ROOT, 'no-such-folder'), SESSION_PROMPT], 1, /config\.json/],
    ];
    for (const [args, code, message] of cases) {
      const run = await cli(args);
      assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
    }
  });
});
