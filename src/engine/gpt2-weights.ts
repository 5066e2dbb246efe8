// Which tensors a GPT-2 checkpoint holds, and the check that a model.safetensors holds exactly
// those, with the shapes config.json implies. Names are Hugging Face's, with or without the
// "transformer." prefix; Conv1D weights are stored [in, out].
import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { readGpt2Config } from './config';
import { isFloatDtype, readSafetensorsHeader, unreadableDtype, type TensorEntry } from './safetensors';
import type { Gpt2Config } from './types';

/** Buffers some checkpoints carry that are not weights: the causal masks and a tied lm_head copy. */
const SKIPPED = /^(h\.\d+\.attn\.(bias|masked_bias)|lm_head\.weight)$/;

/** A checked checkpoint: every weight by its name without prefix, e.g. "h.0.attn.c_attn.weight". */
export interface Gpt2Weights {
  file: string;
  tensors: Map<string, TensorEntry>;
}

/** Every weight of a GPT-2 of this shape, with its shape. */
export function gpt2TensorShapes(config: Gpt2Config): Map<string, number[]> {
  const { nEmbd: d, vocabSize: V, nPositions } = config;
  const shapes = new Map<string, number[]>([
    ['wte.weight', [V, d]],
    ['wpe.weight', [nPositions, d]],
  ]);
  for (let i = 0; i < config.nLayer; i++) {
    const blockShapes: [string, number[]][] = [
      ['ln_1.weight', [d]], ['ln_1.bias', [d]],
      ['attn.c_attn.weight', [d, 3 * d]], ['attn.c_attn.bias', [3 * d]],
      ['attn.c_proj.weight', [d, d]], ['attn.c_proj.bias', [d]],
      ['ln_2.weight', [d]], ['ln_2.bias', [d]],
      ['mlp.c_fc.weight', [d, 4 * d]], ['mlp.c_fc.bias', [4 * d]],
      ['mlp.c_proj.weight', [4 * d, d]], ['mlp.c_proj.bias', [d]],
    ];
    for (const [name, shape] of blockShapes) shapes.set(`h.${i}.${name}`, shape);
  }
  shapes.set('ln_f.weight', [d]);
  shapes.set('ln_f.bias', [d]);
  return shapes;
}

/**
 * Checks a model folder the way Gpt2Model.load will use it: dir/config.json describes a GPT-2 and
 * dir/model.safetensors holds every weight with the right shape and a float dtype, within the file.
 * Reads only the headers, so it is quick even for the full model. Throws an Error that names the
 * file, the tensor, and what was expected. The weights' file is its real path: in the Hugging Face
 * cache dir/model.safetensors is a link to ../../blobs/<sha256>, and ORT reads only real paths.
 */
export async function checkGpt2Folder(dir: string): Promise<{ config: Gpt2Config; weights: Gpt2Weights }> {
  const config = await readGpt2Config(dir);
  const file = join(dir, 'model.safetensors');
  return { config, weights: await openGpt2Weights(await realpath(file).catch(() => file), config) };
}

/** Reads file's header and checks every tensor against the config; throws on the first problem. */
export async function openGpt2Weights(file: string, config: Gpt2Config): Promise<Gpt2Weights> {
  const header = await readSafetensorsHeader(file);
  return { file, tensors: matchGpt2Tensors(header.tensors, config, file) };
}

/** Maps the file's tensors onto GPT-2's weights: names, shapes and dtypes must all match. */
export function matchGpt2Tensors(entries: Map<string, TensorEntry>, config: Gpt2Config, file: string): Map<string, TensorEntry> {
  const expected = gpt2TensorShapes(config);
  const found = new Map<string, TensorEntry>();
  for (const [key, entry] of entries) {
    const name = key.startsWith('transformer.') ? key.slice('transformer.'.length) : key;
    if (SKIPPED.test(name)) continue;
    const shape = expected.get(name);
    if (shape === undefined) throw new Error(`${file}: unexpected tensor ${key} (not part of a GPT-2 with ${config.nLayer} layers)`);
    if (found.has(name)) throw new Error(`${file}: tensor ${name} appears twice (with and without "transformer.")`);
    if (!isFloatDtype(entry.dtype)) throw unreadableDtype(file, key, entry.dtype);
    if (!sameShape(entry.shape, shape)) {
      throw new Error(`${file}: tensor ${key} has shape [${entry.shape.join(', ')}], expected [${shape.join(', ')}] from config.json`);
    }
    found.set(name, entry);
  }
  const missing = [...expected.keys()].filter((name) => !found.has(name));
  if (missing.length > 0) {
    const more = missing.length > 1 ? ` (and ${missing.length - 1} more)` : '';
    throw new Error(`${file}: missing tensor ${missing[0]}${more}`);
  }
  return found;
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i]);
}
