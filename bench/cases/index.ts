// Every measured configuration, by the name the orchestrator asks a child process to run.
import type { CaseRunner } from '../harness/case';
import { attribution } from './attribution';
import { familyCases } from './family';
import { fidelity } from './fidelity';
import { headsGridCase } from './heads-grid';
import { floorNode, floorWasm } from './floor';
import { int8Cases } from './int8';
import { latency } from './latency';
import { longPromptCases } from './long-prompts';
import { coldStart, ours } from './ours';
import { paired } from './paired';
import { patching } from './patching';
import { pairedPeer } from './paired-peer';
import { plainTs } from './plain-ts';
import { prepackingCase } from './prepacking';
import { profile } from './profile';
import { quantizedFloor } from './quantized-floor';
import { sessionMemory } from './session-memory';
import { soak } from './soak';
import { surprise } from './surprise';
import { surpriseScreen } from './surprise-screen';
import { wasm } from './wasm';

export const CASES: Record<string, CaseRunner> = {
  'floor-node': floorNode('MatMul'),
  'floor-node-gemm': floorNode('Gemm'),
  'floor-wasm': floorWasm,
  'floor-int8': quantizedFloor(8),
  'floor-int4': quantizedFloor(4),
  'cold-start': coldStart,
  ours,
  paired,
  'paired-peer': pairedPeer,
  profile,
  'graph-prepacked': prepackingCase('prepacked'),
  'graph-hybrid': prepackingCase('hybrid'),
  'graph-unpacked': prepackingCase('unpacked'),
  'graph-spinning': prepackingCase('spinning'),
  wasm,
  'plain-ts': plainTs,
  soak,
  fidelity,
  ...int8Cases, // the opt-in 8-bit weights mode: 'ours-int8', 'wasm-int8'
  ...longPromptCases, // issue 20: 'long-prompt-12' … 'long-prompt-1024'
  attribution, // issue 15: the Attribution panel's ask, against a Step
  patching, // issue 16: the activation-patching grids at 12 tokens
  'heads-grid': headsGridCase, // issue 15: all heads at a glance, the worker's request and the canvas redraw
  surprise, // issue 18: token surprise over 1,024 tokens against an analysis of them, and the hover's lens layer
  'surprise-screen': surpriseScreen, // issue 18: the score's decorations on screen in code-server, timed from the worker's reply
  ...familyCases, // issue 17: 'family-distilgpt2' … 'family-gpt2-xl', each size on a generated model of its shape
  'session-memory': sessionMemory, // issue 19: peak RSS of host + worker after the lesson and 1,000 Steps
  latency, // issue 19: click → DOM and → painted in headless Chromium, on the real controller and worker
};
