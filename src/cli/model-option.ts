// `--model`: a model folder, or a Hugging Face repository id found in the Hugging Face cache and
// downloaded into it when missing (engine/model-ref.ts), with the token the Hub's tools use
// (HF_TOKEN, else their token file). Download progress goes to stderr, so stdout keeps its shape.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from './command';
import { formatBytes, type DownloadProgress } from '../engine/download-progress';
import { userCacheDir } from '../engine/hub-cache';
import { readHubToken } from '../engine/hub-token';
import { isFolderRef, resolveModelRef } from '../engine/model-ref';
import { Gpt2Model } from '../engine/model';
import { Gpt2Tokenizer } from '../engine/tokenizer';
import { DEFAULT_PROVIDER, EXECUTION_PROVIDERS, type LoadOptions } from '../engine/types';
import { integer, required, UsageError, type ParsedArgs } from './args';

export const MODEL_USAGE = `  --model DIR|ID     a model folder (config.json, model.safetensors), or a Hugging Face id such as gpt2,
                     distilgpt2, openai-community/gpt2-medium or someone/some-gpt2: taken from the Hugging Face
                     cache ($HF_HUB_CACHE…), downloaded into it when missing (HF_HUB_OFFLINE=1: never)`;

/** The folder --model names, ready to load. */
export async function modelDir(args: ParsedArgs, stderr: CliIo['stderr']): Promise<string> {
  const ref = required(args, 'model');
  if (await isFolderRef(ref)) return ref; // loading it says what is wrong with it, as it always has
  const progress = progressPrinter(stderr);
  const resolved = await resolveModelRef(ref, {
    token: async () => {
      const found = await readHubToken();
      for (const line of found.ignored) stderr.write(`gpt2-explorer: ${line}\n`);
      return found.token ?? undefined;
    },
    retryWith: 'the same command',
    onDownload: (repo, hub, token) => {
      const using = token ? ` with the Hugging Face token from ${token.source}` : '';
      stderr.write(`gpt2-explorer: downloading ${repo} from ${hub.endpoint} into ${hub.cacheDir}${using}\n`);
    },
    onProgress: progress.update,
  });
  progress.end();
  return resolved.dir;
}

/** One line per file and phase, rewritten in place on a terminal, else printed every few seconds. */
function progressPrinter(stderr: CliIo['stderr']) {
  let last = '';
  let printedAt = 0;
  let open = false;
  return {
    update(p: DownloadProgress) {
      const key = `${p.file}:${p.phase}`;
      const finished = p.total > 0 && p.bytes >= p.total;
      if (!stderr.isTTY && key === last && !finished && Date.now() - printedAt < 5000) return;
      const verb = { download: 'downloading', verify: 'checking', check: 'checking' }[p.phase];
      const speed = p.phase === 'download' && p.bytesPerSecond > 0 ? `, ${formatBytes(p.bytesPerSecond)}/s` : '';
      const line = `${verb} ${p.file}: ${formatBytes(p.bytes)} of ${formatBytes(p.total)}${speed}`;
      stderr.write(stderr.isTTY ? `\r${line}\x1b[K` : `${line}\n`);
      open = stderr.isTTY === true;
      last = key;
      printedAt = Date.now();
    },
    end() {
      if (open) stderr.write('\n');
    },
  };
}

export const LOAD_USAGE = `  --threads N        onnxruntime intra-op threads (default: all cores)
  --int8             opt-in 8-bit weights: faster steps, but every number is the 8-bit model's. Quantized at the
                     first load of a weights file and kept for the next ones in $XDG_CACHE_HOME/gpt2-explorer/int8
                     (else ~/.cache/gpt2-explorer/int8; files of weights gone or changed are removed there)
  --provider P       onnxruntime execution provider: ${EXECUTION_PROVIDERS.join(', ')} (default ${DEFAULT_PROVIDER}; auto: the
                     accelerator, else the CPU, said on stderr)`;

/** The flags of every command that loads a model (--model and what LOAD_USAGE says), parsed by loadOptions and modelDir. */
export const MODEL_OPTIONS = {
  model: { type: 'string' },
  threads: { type: 'string' },
  int8: { type: 'boolean' },
  provider: { type: 'string' },
} as const;

/**
 * How --threads, --int8 and --provider load the model. The 8-bit weights are kept where a command-line user's caches
 * are (the Hugging Face cache's own parent folder), never in the model's folder: a Hugging Face snapshot is not ours
 * to write. What the cache has to say (not kept, rebuilt, cleaned) goes to stderr.
 */
export function loadOptions(args: ParsedArgs, stderr: CliIo['stderr'], env: NodeJS.ProcessEnv = process.env): LoadOptions {
  const threads = args.values.threads === undefined ? undefined : integer(args, 'threads', 1, 1, 256);
  const raw = args.values.provider ?? DEFAULT_PROVIDER;
  const provider = EXECUTION_PROVIDERS.find((name) => name === raw);
  if (!provider) throw new UsageError(`--provider must be one of ${EXECUTION_PROVIDERS.join(', ')}, got ${raw}`);
  if (args.values.int8 !== true) return { threads, weights: 'float32', provider };
  const int8CacheDir = cliInt8CacheDir(env);
  const log = (line: string) => void stderr.write(`gpt2-explorer: ${line}\n`);
  return { threads, weights: 'int8', provider, int8CacheDir, log, onQuantize: quantizePrinter(stderr, int8CacheDir) };
}

/** Said once when a load quantizes (not when it reads the cache), then its percent rewritten in place on a terminal. */
function quantizePrinter(stderr: CliIo['stderr'], cacheDir: string): (done: number, total: number) => void {
  let shown = -1;
  return (done, total) => {
    if (shown < 0) stderr.write(`gpt2-explorer: quantizing the 8-bit weights (their cache: ${cacheDir})\n`);
    const percent = Math.floor((100 * done) / total);
    if (stderr.isTTY && percent !== shown) stderr.write(`\rquantizing: ${percent}%${done === total ? '\n' : ''}`);
    shown = percent;
  };
}

/** Where the command line keeps 8-bit weights: $XDG_CACHE_HOME/gpt2-explorer/int8, else ~/.cache/gpt2-explorer/int8. */
export const cliInt8CacheDir = (env: NodeJS.ProcessEnv = process.env, home = homedir()) => join(userCacheDir(env, home), 'gpt2-explorer', 'int8');

/** Opens what --model names with --threads, --int8 and --provider: the model (the caller disposes it) and its tokenizer. */
export async function openModel(args: ParsedArgs, stderr: CliIo['stderr']): Promise<{ model: Gpt2Model; tokenizer: Gpt2Tokenizer }> {
  const load = loadOptions(args, stderr);
  const dir = await modelDir(args, stderr);
  const tokenizer = await Gpt2Tokenizer.fromModelDir(dir);
  const model = await Gpt2Model.load(dir, load);
  tellProvider(model, stderr);
  return { model, tokenizer };
}

/** When auto passed an accelerator over, stderr says so and which provider runs (stdout keeps its shape). */
export function tellProvider(model: Gpt2Model, stderr: CliIo['stderr']): void {
  const { name, passedOver } = model.provider;
  if (passedOver.length > 0) stderr.write(`gpt2-explorer: running on ${name}; ${passedOver.join('; ')}\n`);
}
