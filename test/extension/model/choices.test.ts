import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { knownModel } from '../../../src/engine/known-models';
import { downloadLabel, modelChoices, modelPathLeftWarning } from '../../../src/extension/model/choices';
import { locateModel } from '../../../src/extension/model/location';
import { writeCachedRepo } from '../../engine/hub-repo';
import { testModel, TINY } from '../../engine/models';

describe('GPT-2: Choose Model entries', () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  let storageDir: string;
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'gpt2-choices-'));
    env = { HF_HUB_CACHE: join(root, 'hub') };
    storageDir = join(root, 'storage');
    const distil = knownModel('distilgpt2')!.source;
    writeCachedRepo(env.HF_HUB_CACHE!, 'models--distilbert--distilgpt2', distil.revision, await testModel(TINY), { ref: false });
    truncateSync(join(env.HF_HUB_CACHE!, 'models--distilbert--distilgpt2', 'blobs', 'model.safetensors-blob'), distil.files[1].size!);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lists the family with size, where each is, and its memory against what is free', async () => {
    mkdirSync(storageDir);
    for (const file of ['config.json', 'model.safetensors']) writeFileSync(join(storageDir, file), '{}');
    const choices = await modelChoices({ storageDir, available: 4e9, running: 'distilbert/distilgpt2', env });
    assert.deepEqual(choices.map((c) => [c.model.legacyId, c.where, c.fits]), [
      ['gpt2', 'storage', true], ['distilgpt2', 'cache', true], ['gpt2-medium', 'absent', true], ['gpt2-large', 'absent', true], ['gpt2-xl', 'absent', false],
    ]);
    assert.equal(choices[1].label, '$(check) DistilGPT-2 (82M)');
    assert.equal(choices[1].description, 'distilbert/distilgpt2 · 352 MB · on this machine (Hugging Face cache)');
    assert.equal(choices[1].dir, join(env.HF_HUB_CACHE!, 'models--distilbert--distilgpt2', 'snapshots', knownModel('distilgpt2')!.source.revision));
    assert.match(choices[2].description, /^openai-community\/gpt2-medium · ≈ 1419 MB · not on this machine: choosing it downloads it into the Hugging Face cache$/);
    assert.match(choices[4].detail, /^float32 needs ≈ 6\.\d GB, more than the 4\.0 GB free: it can run with 8-bit weights \(≈ 2\.\d GB\)$/);
    assert.match(choices[0].detail, /^needs ≈ 0\.\d GB of memory \(0\.\d GB with 8-bit weights\); 4\.0 GB free$/);
  });

  it("says GPT-2 small is in the Hugging Face cache, not in the extension's storage, when only the cache has it", async () => {
    const small = knownModel('gpt2')!.source;
    writeCachedRepo(env.HF_HUB_CACHE!, 'models--openai-community--gpt2', small.revision, await testModel(TINY), { ref: false });
    truncateSync(join(env.HF_HUB_CACHE!, 'models--openai-community--gpt2', 'blobs', 'model.safetensors-blob'), small.files[1].size!);
    const saved = process.env.HF_HUB_CACHE;
    process.env.HF_HUB_CACHE = env.HF_HUB_CACHE; // as on a Python user's machine: the process's own cache has it too
    const [gpt2] = await modelChoices({ storageDir, available: 4e9, env }).finally(() => (saved === undefined ? delete process.env.HF_HUB_CACHE : (process.env.HF_HUB_CACHE = saved)));
    assert.equal(gpt2.where, 'cache');
    assert.equal(gpt2.dir, join(env.HF_HUB_CACHE!, 'models--openai-community--gpt2', 'snapshots', small.revision));
  });

  it('finds gpt2Explorer.model in the Hugging Face cache, and says so when it is not there', async () => {
    assert.deepEqual(await locateModel('', storageDir, 'distilgpt2', env), { kind: 'found', dir: (await modelChoices({ storageDir, available: 1e12, env }))[1].dir, fromSetting: true });
    const missing = await locateModel('', storageDir, 'gpt2-medium', env);
    assert.deepEqual(missing, { kind: 'uncached', id: 'gpt2-medium', cacheDir: env.HF_HUB_CACHE, problems: [] });
    assert.equal((await locateModel(storageDir, storageDir, 'distilgpt2', env)).kind, 'missing', 'modelPath wins');
  });

  it("the Download button says the size of the model the settings would fetch, not GPT-2 small's whatever is set", () => {
    assert.equal(downloadLabel({ modelPath: '', model: '' }), 'Download (≈548 MB)'); // the pinned file of GPT-2 small
    assert.equal(downloadLabel({ modelPath: '', model: 'distilgpt2' }), 'Download (≈352 MB)');
    assert.equal(downloadLabel({ modelPath: '', model: 'openai-community/gpt2-xl' }), `Download (≈${Math.floor(weightsOf('gpt2-xl') / 1e6)} MB)`);
    assert.ok(weightsOf('gpt2-xl') > 6e9, 'gpt2-xl is estimated from its shape: over 6 GB');
    assert.equal(downloadLabel({ modelPath: '/some/folder', model: 'gpt2-xl' }), 'Download (≈548 MB)'); // a modelPath folder is filled with GPT-2 small
    assert.equal(downloadLabel({ modelPath: '', model: 'someone/other-gpt2' }), 'Download'); // size unknown before the Hub says
    assert.equal(downloadLabel({ modelPath: '', model: 'not an id' }), 'Download');
  });

  it('warns when gpt2Explorer.modelPath is still set where Choose Model did not clear it, naming each place', () => {
    const chosen = 'distilbert/distilgpt2';
    assert.equal(modelPathLeftWarning(undefined, chosen), undefined);
    assert.equal(modelPathLeftWarning({}, chosen), undefined, 'cleared everywhere: the chosen model runs');
    assert.equal(modelPathLeftWarning({ workspaceValue: '', workspaceFolderValue: '' }, chosen), undefined, 'an empty modelPath is no folder');
    assert.equal(
      modelPathLeftWarning({ workspaceValue: '/models/mine' }, chosen),
      'gpt2Explorer.modelPath is still set in the workspace settings and wins over distilbert/distilgpt2: clear it there to run the model you chose.',
    );
    assert.match(modelPathLeftWarning({ workspaceFolderValue: 'a', workspaceValue: 'b' }, chosen)!, /still set in the folder and the workspace settings and wins over distilbert\/distilgpt2/);
    assert.match(modelPathLeftWarning({ globalValue: '/remote/models' }, chosen)!, /still set in the remote settings/, "a remote window's global scope is the remote machine's");
  });
});

/** 4 bytes per parameter of a known model's shape, counted here from its config (not by the code under test). */
function weightsOf(id: string): number {
  const { n_layer: L, n_embd: d, vocab_size: V, n_positions: P } = knownModel(id)!.source.config as Record<string, number>;
  const block = 4 * d + (3 * d * d + 3 * d) + (d * d + d) + (4 * d * d + 4 * d) + (4 * d * d + d); // two LayerNorms, c_attn, c_proj, c_fc, mlp c_proj
  return 4 * (V * d + P * d + L * block + 2 * d);
}
