// The Hugging Face token as the extension finds it: the one the user entered with GPT-2: Set Hugging
// Face Token, kept in VS Code's SecretStorage (never in settings, so no workspace can set or read it),
// else HF_TOKEN or the Hugging Face token file (engine/hub-token.ts). Where it may go is the engine's
// rule; here only its source is ever logged. No `vscode` import: the secrets come in as a port.

import { homedir } from 'node:os';
import { readHubToken, tokenProblem, type HubToken } from '../../engine/model-store';

/** The part of vscode.SecretStorage used here. */
export interface Secrets {
  get(key: string): Thenable<string | undefined>;
  store(key: string, value: string): Thenable<void>;
  delete(key: string): Thenable<void>;
}

export const TOKEN_SECRET = 'gpt2Explorer.huggingFaceToken';
export const ENTERED_TOKEN_SOURCE = 'GPT-2: Set Hugging Face Token';

/** The token to send to the Hub, or undefined; tokens passed over are logged by where they were. */
export async function findHubToken(secrets: Secrets, log: (line: string) => void, env = process.env, home = homedir()): Promise<HubToken | undefined> {
  const entered = (await secrets.get(TOKEN_SECRET))?.trim();
  if (entered) {
    const problem = tokenProblem(entered);
    if (!problem) return { value: entered, source: ENTERED_TOKEN_SOURCE };
    log(`The token set with ${ENTERED_TOKEN_SOURCE} was ignored: ${problem}`);
  }
  const found = await readHubToken(env, home);
  for (const line of found.ignored) log(`The Hugging Face token: ${line}`);
  return found.token ?? undefined;
}

/** Keeps what the user typed: a token is stored, an empty answer removes the stored one. */
export async function keepEnteredToken(secrets: Secrets, typed: string): Promise<'stored' | 'removed'> {
  const token = typed.trim();
  if (token === '') {
    await secrets.delete(TOKEN_SECRET);
    return 'removed';
  }
  const problem = tokenProblem(token);
  if (problem) throw new Error(`not stored: ${problem}`);
  await secrets.store(TOKEN_SECRET, token);
  return 'stored';
}
