// The entries of GPT-2: Choose Model: each known model with its size, whether it is on this machine
// (the Hugging Face cache, where GPT-2: Download Model puts it, or the extension's storage, where earlier
// builds put GPT-2 small) and the memory it will take against what is free. No `vscode`: the quick pick shows these.

import { gb } from '../../engine/memory';
import { estimateMemory, findCachedModel, formatBytes, hubCacheDir, KNOWN_MODELS, knownModel, type KnownModel, type ModelSource } from '../../engine/model-store';
import type { Gpt2Config, WeightsMode } from '../../engine/types';
import type { ExtensionSettings } from '../common/settings';
import { downloadPlan } from './download-plan';
import { locateFolder } from './location';

export interface ModelChoice {
  model: KnownModel;
  where: 'storage' | 'cache' | 'absent';
  dir?: string; // where it is, when it is
  bytes: number; // the weights file, pinned or estimated
  memory: Record<WeightsMode, number>; // bytes it will take to run, float32 and 8-bit
  fits: boolean; // float32 fits the free memory
  label: string;
  description: string;
  detail: string;
}

export interface ChoiceContext {
  storageDir: string;
  available: number; // bytes free now
  running?: string; // the repository id of the model that runs, if one of these
  env?: NodeJS.ProcessEnv;
}

export async function modelChoices(context: ChoiceContext): Promise<ModelChoice[]> {
  return Promise.all(KNOWN_MODELS.map((model) => modelChoice(model, context)));
}

async function modelChoice(model: KnownModel, context: ChoiceContext): Promise<ModelChoice> {
  const config = configOf(model);
  const cache = hubCacheDir(context.env);
  const cached = await findCachedModel(model.source, cache);
  // The cache first, as location.ts reads it; GPT-2 small may also be in the storage, from an earlier build's download.
  const inStorage = cached.kind !== 'found' && model === KNOWN_MODELS[0] && (await locateFolder(context.storageDir, false)).kind === 'found';
  const where = cached.kind === 'found' ? 'cache' : inStorage ? 'storage' : 'absent';
  const dir = cached.kind === 'found' ? cached.dir : inStorage ? context.storageDir : undefined;
  const { bytes, pinned } = weightsFileBytes(model);
  const memory = { float32: estimateMemory(config, 'float32').total, int8: estimateMemory(config, 'int8').total };
  const fits = memory.float32 <= context.available;
  const place = { storage: "on this machine (the extension's storage)", cache: `on this machine (Hugging Face cache)`, absent: 'not on this machine: choosing it downloads it into the Hugging Face cache' }[where];
  const detail = fits
    ? `needs ≈ ${gb(memory.float32)} of memory (${gb(memory.int8)} with 8-bit weights); ${gb(context.available)} free`
    : `float32 needs ≈ ${gb(memory.float32)}, more than the ${gb(context.available)} free: it can run with 8-bit weights (≈ ${gb(memory.int8)})`;
  return {
    model,
    where,
    dir,
    bytes,
    memory,
    fits,
    label: `${context.running === model.id ? '$(check) ' : ''}${model.label}`,
    description: `${model.id} · ${pinned ? '' : '≈ '}${formatBytes(bytes)} · ${place}`,
    detail,
  };
}

/** The size of a known model's weights file: pinned, or estimated from its shape (float32). */
export function weightsFileBytes(model: KnownModel): { bytes: number; pinned: boolean } {
  const size = model.source.files.find((file) => file.name === 'model.safetensors')?.size;
  return size === undefined ? { bytes: estimateMemory(configOf(model)).weights, pinned: false } : { bytes: size, pinned: true };
}

/** The size of what GPT-2: Download Model fetches for these settings ("548 MB"), when known. */
export function downloadSize(settings: Pick<ExtensionSettings, 'modelPath' | 'model'>): string | null {
  let source: ModelSource;
  try {
    source = downloadPlan(settings).source;
  } catch {
    return null; // gpt2Explorer.model is no repository id: the command says so
  }
  const model = knownModel(source.repo);
  return model ? formatBytes(weightsFileBytes(model).bytes) : null;
}

/** The Download button's words: with the size of what it fetches, when known. */
export function downloadLabel(settings: Pick<ExtensionSettings, 'modelPath' | 'model'>): string {
  const size = downloadSize(settings);
  return size ? `Download (≈${size})` : 'Download';
}

function configOf(model: KnownModel): Gpt2Config {
  const c = model.source.config as Record<string, number>;
  return { nLayer: c.n_layer, nHead: c.n_head, nEmbd: c.n_embd, vocabSize: c.vocab_size, nPositions: c.n_positions, layerNormEpsilon: 1e-5 };
}

/** What config.inspect('modelPath') says of each scope (VS Code's names), after Choose Model cleared the user's. */
export interface ModelPathScopes {
  globalValue?: string;
  workspaceValue?: string;
  workspaceFolderValue?: string;
}

/**
 * The warning when gpt2Explorer.modelPath is still set where Choose Model's update does not reach (a folder's or a
 * workspace's settings, or a remote window's, whose global scope is the remote machine's), so that folder still
 * wins over the model chosen; undefined when nothing is left. An empty string is no folder, as the setting reads it.
 */
export function modelPathLeftWarning(left: ModelPathScopes | undefined, chosen: string): string | undefined {
  const where = [left?.workspaceFolderValue && 'the folder', left?.workspaceValue && 'the workspace', left?.globalValue && 'the remote'].filter(Boolean);
  if (where.length === 0) return undefined;
  return `gpt2Explorer.modelPath is still set in ${where.join(' and ')} settings and wins over ${chosen}: clear it there to run the model you chose.`;
}
