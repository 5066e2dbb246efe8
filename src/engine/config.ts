// GPT-2's hyper-parameters from a Hugging Face config.json, checked so that a wrong folder fails
// with a message that names the file and the key.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Gpt2Config } from './types';

/** GPT-2 small (124M), as published by OpenAI. */
export const GPT2_SMALL_CONFIG: Gpt2Config = {
  nLayer: 12,
  nHead: 12,
  nEmbd: 768,
  vocabSize: 50257,
  nPositions: 1024,
  layerNormEpsilon: 1e-5,
};

/** Reads and checks dir/config.json. */
export async function readGpt2Config(dir: string): Promise<Gpt2Config> {
  const file = join(dir, 'config.json');
  if (!existsSync(dir)) throw new Error(`${dir}: there is no such folder; a GPT-2 model folder holds config.json and model.safetensors`);
  if (!existsSync(file)) throw new Error(`${dir}: no config.json here; a GPT-2 model folder holds config.json and model.safetensors`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: cannot read a JSON config (${(error as Error).message})`);
  }
  return parseGpt2Config(json, file);
}

/** Checks a parsed config.json; `file` is named in every error. */
export function parseGpt2Config(json: unknown, file: string): Gpt2Config {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`${file}: not a JSON object`);
  const raw = json as Record<string, unknown>;
  expectString(raw, 'model_type', 'gpt2', file);
  expectString(raw, 'activation_function', 'gelu_new', file);
  const config: Gpt2Config = {
    nLayer: positiveInteger(raw, 'n_layer', file),
    nHead: positiveInteger(raw, 'n_head', file),
    nEmbd: positiveInteger(raw, 'n_embd', file),
    vocabSize: positiveInteger(raw, 'vocab_size', file),
    nPositions: positiveInteger(raw, 'n_positions', file),
    layerNormEpsilon: raw.layer_norm_epsilon === undefined ? 1e-5 : positiveNumber(raw, 'layer_norm_epsilon', file),
  };
  if (config.nEmbd % config.nHead !== 0) {
    throw new Error(`${file}: n_embd (${config.nEmbd}) must be a multiple of n_head (${config.nHead})`);
  }
  return config;
}

/** The config.json Hugging Face writes for a GPT2LMHeadModel of this shape. */
export function toConfigJson(config: Gpt2Config): Record<string, unknown> {
  return {
    activation_function: 'gelu_new',
    architectures: ['GPT2LMHeadModel'],
    bos_token_id: 50256,
    eos_token_id: 50256,
    layer_norm_epsilon: config.layerNormEpsilon,
    model_type: 'gpt2',
    n_ctx: config.nPositions,
    n_embd: config.nEmbd,
    n_head: config.nHead,
    n_layer: config.nLayer,
    n_positions: config.nPositions,
    vocab_size: config.vocabSize,
  };
}

function expectString(raw: Record<string, unknown>, key: string, expected: string, file: string): void {
  if (raw[key] !== undefined && raw[key] !== expected) {
    throw new Error(`${file}: ${key} is ${JSON.stringify(raw[key])}, expected "${expected}"`);
  }
}

function positiveInteger(raw: Record<string, unknown>, key: string, file: string): number {
  const value = raw[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new Error(`${file}: ${key} must be a positive integer, found ${JSON.stringify(value)}`);
  }
  return value;
}

function positiveNumber(raw: Record<string, unknown>, key: string, file: string): number {
  const value = raw[key];
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new Error(`${file}: ${key} must be a positive number, found ${JSON.stringify(value)}`);
  }
  return value;
}
