// The models the CLI tests run on: one written by the CLI's own make-test-model (analyze's), and the
// generated TINY one that generate and sample are checked on against the float64 reference.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { softmax } from '../../src/explorer/decoding/logits';
import { testModel, TINY } from '../engine/models';
import { loadReferenceModel, referenceForward, type ReferenceModel } from '../engine/reference';
import { cli } from './run-cli';

export const PROMPT = 'Zebras dream in\tgreyscale, 42 times — 夢?'; // analyze's
export const SESSION_PROMPT = 'Zebras dream in\tgreyscale, 42 times'; // generate's and sample's
export const V = 50257;

/** `make-test-model` into DIR/model: 2 layers, 3 heads, 24 wide, 48 positions; its config is checked. */
export async function cliMadeModel(dir: string): Promise<string> {
  const model = join(dir, 'model');
  const made = await cli(['make-test-model', '--out', model, '--layers', '2', '--heads', '3', '--embd', '24', '--positions', '48', '--seed', '4']);
  assert.equal(made.code, 0, made.stderr);
  assert.deepEqual(JSON.parse(made.stdout).config, { nLayer: 2, nHead: 3, nEmbd: 24, vocabSize: 50257, nPositions: 48, layerNormEpsilon: 1e-5 });
  return model;
}

export interface SessionFixture {
  model: string; // TINY's folder
  reference: ReferenceModel;
  tokenizer: Gpt2Tokenizer;
  promptIds: number[]; // SESSION_PROMPT's
  /** The reference's next-token probabilities after the prompt + `generated`, at temperature 1. */
  nextProbs(generated: number[]): Float64Array;
}

export async function sessionFixture(): Promise<SessionFixture> {
  const model = await testModel(TINY);
  const reference = loadReferenceModel(model);
  const tokenizer = await Gpt2Tokenizer.fromModelDir(model);
  const promptIds = tokenizer.encode(SESSION_PROMPT).map((t) => t.id);
  const nextProbs = (generated: number[]) => {
    const ids = [...promptIds, ...generated];
    const logits = referenceForward(reference, ids).logits;
    return softmax(logits.subarray((ids.length - 1) * V));
  };
  return { model, reference, tokenizer, promptIds, nextProbs };
}
