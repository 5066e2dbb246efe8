// A Hugging Face access token, for gated or private repositories: where it is found, where it may be
// sent, and how it is kept out of every message. The rules:
// - found in the HF_TOKEN variable, else the token file the Hugging Face tools write ($HF_HOME/token,
//   else $XDG_CACHE_HOME/huggingface/token, else ~/.cache/huggingface/token); the extension puts the
//   one the user entered (kept in VS Code's SecretStorage) before both;
// - sent only to the Hub's own origin (https://huggingface.co, or the endpoint downloads use): never to
//   a host a redirect leads to, so the Hub's CDN, which gets pre-signed URLs, never sees it;
// - never in a log line or an error message: the value is only in a request header, and every error
//   of a download that carried it is scrubbed of it (a server may echo it back).
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { userCacheDir } from './hub-cache';

export interface HubToken {
  value: string;
  /** Where it came from, for messages ("the HF_TOKEN environment variable"); never the value. */
  source: string;
}

/** The token and the one origin it may be sent to. */
export interface HubAuth {
  token: HubToken;
  origin: string; // e.g. "https://huggingface.co"
}

/** What a token looks like: visible ASCII without spaces (Hub tokens are "hf_" and 34 letters). */
const TOKEN_SHAPE = /^[\x21-\x7e]{8,1024}$/;

/** Why `value` cannot be a token (it would break or smuggle a header), or undefined when it can. */
export function tokenProblem(value: string): string | undefined {
  if (TOKEN_SHAPE.test(value)) return undefined;
  return 'a Hugging Face token is 8 to 1024 visible characters without spaces (it starts with "hf_")';
}

export interface FoundToken {
  token: HubToken | null;
  /** Tokens passed over because they are malformed, said without their value. */
  ignored: string[];
}

/** The token of HF_TOKEN, else of the Hugging Face token file; null when there is none. */
export async function readHubToken(env: NodeJS.ProcessEnv = process.env, home = homedir()): Promise<FoundToken> {
  const ignored: string[] = [];
  const file = tokenFile(env, home);
  const candidates: [source: string, read: () => Promise<string | undefined>][] = [
    ['the HF_TOKEN environment variable', async () => env.HF_TOKEN],
    [file, () => readFile(file, 'utf8').catch(() => undefined)],
  ];
  for (const [source, read] of candidates) {
    const value = (await read())?.trim();
    if (!value) continue;
    const problem = tokenProblem(value);
    if (!problem) return { token: { value, source }, ignored };
    ignored.push(`the token in ${source} was ignored: ${problem}`);
  }
  return { token: null, ignored };
}

/** Where `huggingface-cli login` keeps the token. */
export function tokenFile(env: NodeJS.ProcessEnv, home: string): string {
  if (env.HF_HOME) return join(env.HF_HOME, 'token');
  return join(userCacheDir(env, home), 'huggingface', 'token');
}

/** True when a request to `url` may carry the token: the Hub's own origin only (scheme, host and port). */
export function sendsTokenTo(url: URL, auth: HubAuth | undefined): auth is HubAuth {
  return auth !== undefined && url.origin === auth.origin;
}

/** `text` with every occurrence of the token replaced, in any case (a URL's host is lower-cased). */
export function scrubToken(text: string, token: HubToken | undefined): string {
  if (!token) return text;
  const pattern = new RegExp(token.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
  return text.replace(pattern, '[Hugging Face token]');
}

/** The same error, its message and stack scrubbed of the token. */
export function scrubError(error: unknown, token: HubToken | undefined): unknown {
  if (!token) return error;
  if (!(error instanceof Error)) return new Error(scrubToken(String(error), token));
  error.message = scrubToken(error.message, token);
  if (error.stack) error.stack = scrubToken(error.stack, token);
  return error;
}
