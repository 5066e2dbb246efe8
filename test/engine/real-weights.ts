// Where the tests on OpenAI's real GPT-2 small weights find them, in order: GPT2_MODEL_DIR, then the folder the
// extension downloads the model into (VS Code's or code-server's global storage), then the Hugging Face cache
// (the pinned revision first, any other snapshot after). Without weights those tests are skipped with one line.
import { existsSync, readdirSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { join } from 'node:path';
import { GPT2_SMALL } from '../../src/engine/gpt2-source';
import { hubCacheDir, repoFolders } from '../../src/engine/hub-cache';
import packageJson from '../../package.json';

const EXTENSION_ID = `${packageJson.publisher}.${packageJson.name}`;

const holdsWeights = (dir: string) => existsSync(join(dir, 'config.json')) && existsSync(join(dir, 'model.safetensors'));

/** The User folders of the desktop VS Code flavours and of code-server, where globalStorage lives. */
function userFolders(): string[] {
  const home = homedir();
  const env = process.env;
  const flavours = ['Code', 'Code - Insiders', 'VSCodium'];
  const config = platform() === 'darwin' ? join(home, 'Library', 'Application Support')
    : platform() === 'win32' ? (env.APPDATA ?? join(home, 'AppData', 'Roaming'))
      : (env.XDG_CONFIG_HOME ?? join(home, '.config'));
  const codeServer = join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'code-server');
  return [...flavours.map((flavour) => join(config, flavour)), codeServer].map((dir) => join(dir, 'User'));
}

/** The snapshots of GPT-2 small in the Hugging Face cache (the engine's lookup of where it is, legacy folder too). */
function hubSnapshots(): string[] {
  const repos = repoFolders(GPT2_SMALL.repo).map((folder) => join(hubCacheDir(), folder, 'snapshots'));
  return repos.filter((dir) => existsSync(dir)).flatMap((dir) => {
    const commits = readdirSync(dir).sort((a, b) => Number(b === GPT2_SMALL.revision) - Number(a === GPT2_SMALL.revision));
    return commits.map((commit) => join(dir, commit));
  });
}

export function realWeightsCandidates(): string[] {
  const fromEnv = process.env.GPT2_MODEL_DIR ? [process.env.GPT2_MODEL_DIR] : [];
  const downloaded = userFolders().map((user) => join(user, 'globalStorage', EXTENSION_ID, 'gpt2'));
  return [...fromEnv, ...downloaded, ...hubSnapshots()];
}

/** The first folder with config.json and model.safetensors, or undefined. */
export const REAL_GPT2_DIR: string | undefined = realWeightsCandidates().find(holdsWeights);

/** The one line a skipped suite shows when no weights were found. */
export const NO_REAL_WEIGHTS = 'SKIPPED: no real GPT-2 small weights found (GPT2_MODEL_DIR, the extension\'s download folder, the Hugging Face cache); to run: GPT2_MODEL_DIR=<folder with config.json + model.safetensors> npm test';
