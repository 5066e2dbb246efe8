// Which Hugging Face token a download sends, and that only its source is ever logged: the token the
// user entered (SecretStorage) first, then HF_TOKEN, then the Hugging Face token file.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENTERED_TOKEN_SOURCE, findHubToken, keepEnteredToken, TOKEN_SECRET, type Secrets } from '../../../src/extension/model/hub-credentials';

/** SecretStorage in a Map. */
class MemorySecrets implements Secrets {
  readonly kept = new Map<string, string>();
  async get(key: string) {
    return this.kept.get(key);
  }
  async store(key: string, value: string) {
    this.kept.set(key, value);
  }
  async delete(key: string) {
    this.kept.delete(key);
  }
}

describe('Hugging Face token in the extension', () => {
  let home: string;
  let secrets: MemorySecrets;
  let log: string[];
  const find = (env: NodeJS.ProcessEnv = {}) => findHubToken(secrets, (line) => log.push(line), env, home);

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'gpt2-credentials-'));
    secrets = new MemorySecrets();
    log = [];
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('takes the entered token first, then HF_TOKEN, then the token file', async () => {
    assert.equal(await find(), undefined);
    mkdirSync(join(home, '.cache', 'huggingface'), { recursive: true });
    writeFileSync(join(home, '.cache', 'huggingface', 'token'), 'hf_fileTokenFileToken01');
    assert.equal((await find())?.value, 'hf_fileTokenFileToken01');
    assert.equal((await find({ HF_TOKEN: 'hf_envTokenEnvToken0002' }))?.value, 'hf_envTokenEnvToken0002');
    assert.equal(await keepEnteredToken(secrets, '  hf_enteredEnteredToken3 \n'), 'stored');
    assert.equal(secrets.kept.get(TOKEN_SECRET), 'hf_enteredEnteredToken3', 'stored trimmed');
    assert.deepEqual(await find({ HF_TOKEN: 'hf_envTokenEnvToken0002' }), { value: 'hf_enteredEnteredToken3', source: ENTERED_TOKEN_SOURCE });
    assert.equal(await keepEnteredToken(secrets, ''), 'removed');
    assert.equal(secrets.kept.has(TOKEN_SECRET), false);
    assert.deepEqual(log, []);
  });

  it('refuses to store a malformed token, and logs a malformed one it finds by its source, never its value', async () => {
    await assert.rejects(keepEnteredToken(secrets, 'hf_two words here'), /not stored: a Hugging Face token is 8 to 1024 visible characters/);
    assert.equal(secrets.kept.size, 0);
    secrets.kept.set(TOKEN_SECRET, 'hf_secret\nInjected: header');
    const found = await find({ HF_TOKEN: 'hf_env with spaces' });
    assert.equal(found, undefined);
    assert.equal(log.length, 2);
    assert.match(log[0], /^The token set with GPT-2: Set Hugging Face Token was ignored/);
    assert.match(log[1], /the token in the HF_TOKEN environment variable was ignored/);
    for (const line of log) assert.ok(!/hf_secret|Injected|hf_env|env with spaces/.test(line), line);
  });
});
