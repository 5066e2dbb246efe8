// Is this folder a GPT-2 we can run? importModelFolder checks everything (config, every tensor's
// name, shape, dtype and values, the tokenizer); findModel checks quickly (config and the tensor
// table) to pick the first usable folder of several. Both use the engine's own readers.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readGpt2Config } from './config';
import { formatBytes, progressMeter, sha256File, type DownloadProgress } from './download-progress';
import { GPT2_SMALL_WEIGHTS } from './gpt2-source';
import { openGpt2Weights, type Gpt2Weights } from './gpt2-weights';
import { readTensorAsFloat32 } from './safetensors';
import { Gpt2Tokenizer } from './tokenizer';
import type { Gpt2Config } from './types';

/** A folder that cannot be used, and why, in words that say what to do. */
export class ModelFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFolderError';
  }
}

export interface ImportedModel {
  dir: string;
  config: Gpt2Config;
  weightsBytes: number; // size of model.safetensors
  dtypes: string[]; // dtypes of the weights, e.g. ["F32"]
  pinned: boolean; // byte for byte OpenAI's GPT-2 small at the pinned revision (same sha256)
  tokenizer: 'folder' | 'bundled'; // the folder's own tokenizer.json, or the one shipped in models/gpt2
}

export interface ImportOptions {
  signal?: AbortSignal; // cancels; the promise then rejects with the signal's AbortError
  onProgress?: (progress: DownloadProgress) => void; // phases 'check' (tensor values), then 'verify' (sha256)
}

/** Checks the whole folder and resolves with what it holds; rejects with a ModelFolderError. */
export async function importModelFolder(dir: string, options: ImportOptions = {}): Promise<ImportedModel> {
  const { config, weights } = await checkLayout(dir);
  await checkValues(weights, options);
  const tokenizer = await checkTokenizer(dir, config);
  const weightsBytes = (await stat(weights.file)).size;
  const pinned =
    weightsBytes === GPT2_SMALL_WEIGHTS.size && (await sha256File(weights.file, GPT2_SMALL_WEIGHTS.name, options)) === GPT2_SMALL_WEIGHTS.sha256;
  const dtypes = [...new Set([...weights.tensors.values()].map((entry) => entry.dtype))];
  return { dir, config, weightsBytes, dtypes, pinned, tokenizer };
}

export interface FoundModel {
  dir?: string; // the first usable folder, if any
  config?: Gpt2Config; // its config
  problems: string[]; // why each folder before it (or every folder) was passed over, in order
}

/** The first of `dirs` whose config.json and model.safetensors tensor table check out. */
export async function findModel(dirs: readonly string[]): Promise<FoundModel> {
  const problems: string[] = [];
  for (const dir of dirs) {
    try {
      const { config } = await checkLayout(dir);
      return { dir, config, problems };
    } catch (error) {
      if (!(error instanceof ModelFolderError)) throw error;
      problems.push(error.message);
    }
  }
  return { problems };
}

/** config.json and model.safetensors are there, and every tensor has the name, shape and dtype the config implies. */
async function checkLayout(dir: string): Promise<{ config: Gpt2Config; weights: Gpt2Weights }> {
  const files = await readdir(dir).catch(() => {
    throw new ModelFolderError(`${dir} is not a folder that can be read`);
  });
  if (!files.includes('config.json')) {
    throw new ModelFolderError(`${dir} has no config.json; copy GPT-2's config.json next to model.safetensors, or download the model`);
  }
  if (!files.includes('model.safetensors')) throw new ModelFolderError(await missingWeights(dir, files));
  const config = await readGpt2Config(dir).catch((error: Error) => {
    throw new ModelFolderError(`${error.message}; fix config.json or download the model`);
  });
  const weights = await openGpt2Weights(join(dir, 'model.safetensors'), config).catch((error: Error) => {
    throw new ModelFolderError(`${error.message}; the file is damaged or does not match config.json: download the model again`);
  });
  return { config, weights };
}

/** Why there is no model.safetensors: a download still under way, or weights in another format. */
async function missingWeights(dir: string, files: string[]): Promise<string> {
  if (files.includes('model.safetensors.part')) {
    const kept = (await stat(join(dir, 'model.safetensors.part'))).size;
    return `the download into ${dir} is not finished (${formatBytes(kept)} of ${formatBytes(GPT2_SMALL_WEIGHTS.size)}); run GPT-2: Download Model again to resume`;
  }
  const other = files.find((file) => /^(pytorch_model\.bin|tf_model\.h5|flax_model\.msgpack|.*\.onnx)$/.test(file));
  if (other) {
    return `${dir} has ${other} but no model.safetensors; GPT-2 Explorer reads only safetensors (pickled PyTorch files can run code when loaded). Download model.safetensors from https://huggingface.co/openai-community/gpt2 into this folder`;
  }
  return `${dir} has no model.safetensors; put GPT-2's model.safetensors and config.json in it, or download the model`;
}

/** Every weight value is finite: NaN or infinity would silently poison every output. */
async function checkValues(weights: Gpt2Weights, options: ImportOptions): Promise<void> {
  const entries = [...weights.tensors.values()].sort((a, b) => a.begin - b.begin);
  const total = entries.reduce((sum, entry) => sum + entry.end - entry.begin, 0);
  const meter = progressMeter(options.onProgress, { file: 'model.safetensors', phase: 'check', total });
  let checked = 0;
  for (const entry of entries) {
    options.signal?.throwIfAborted();
    const values = await readTensorAsFloat32(weights.file, entry);
    const bad = values.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) {
      throw new ModelFolderError(`${weights.file}: tensor ${entry.name} holds ${values[bad]} at index ${bad}; the file is damaged: download the model again`);
    }
    checked += entry.end - entry.begin;
    meter.report(checked);
  }
  meter.done(checked);
}

/** The tokenizer that will be used loads, and its ids all have a row in wte. */
async function checkTokenizer(dir: string, config: Gpt2Config): Promise<ImportedModel['tokenizer']> {
  const own = (await readdir(dir)).includes('tokenizer.json');
  const tokenizer = await Gpt2Tokenizer.fromModelDir(dir).catch((error: Error) => {
    throw new ModelFolderError(`${join(dir, 'tokenizer.json')} cannot be read (${error.message}); delete it to use GPT-2's own tokenizer`);
  });
  if (tokenizer.vocabSize > config.vocabSize) {
    const which = own ? `${join(dir, 'tokenizer.json')} has` : "GPT-2's tokenizer has";
    throw new ModelFolderError(`${which} ${tokenizer.vocabSize} tokens but config.json's vocab_size is ${config.vocabSize}; the model needs the tokenizer it was trained with`);
  }
  return own ? 'folder' : 'bundled';
}
