// Every measured configuration, by the name the orchestrator asks a child process to run.
import type { CaseRunner } from '../harness/case';
import { floorNode, floorWasm } from './floor';
import { coldStart, ours } from './ours';
import { plainTs } from './plain-ts';
import { prepackingCase } from './prepacking';
import { profile } from './profile';
import { soak } from './soak';
import { wasm } from './wasm';

export const CASES: Record<string, CaseRunner> = {
  'floor-node': floorNode,
  'floor-wasm': floorWasm,
  'cold-start': coldStart,
  ours,
  profile,
  'graph-prepacked': prepackingCase('prepacked'),
  'graph-hybrid': prepackingCase('hybrid'),
  'graph-unpacked': prepackingCase('unpacked'),
  wasm,
  'plain-ts': plainTs,
  soak,
};
