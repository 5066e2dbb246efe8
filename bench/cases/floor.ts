// The floor, on onnxruntime-node and on onnxruntime-web (wasm): how fast the bare weight-streaming
// matrix products of one step can run, and the memory bandwidth that achieves.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { emptyResult, type CaseContext, type CaseResult } from '../harness/case';
import { time } from '../harness/stats';
import { buildFloorGraph, type FloorOp } from './floor-graph';
import { loadOrtWeb } from './ort-web';
import { openBenchWeights, WEIGHTS_FILE } from './weights';

async function floorGraph(context: CaseContext, op: FloorOp = 'MatMul') {
  return buildFloorGraph(await openBenchWeights(context.modelDir), op);
}

/** The floor chain on onnxruntime-node, with the engine's threading and the given ORT session config entries. */
export async function openNodeFloor(context: CaseContext, op: FloorOp, config: Record<string, string> = {}) {
  const graph = await floorGraph(context, op);
  const session = await ortNode.InferenceSession.create(graph.model, {
    intraOpNumThreads: context.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    extra: { session: { model_external_initializers_file_folder_path: resolve(context.modelDir), ...config } }, // as the engine does
  });
  return { session, weightBytes: graph.weightBytes, feeds: { x: input(ortNode.Tensor, graph.width) } };
}

function input<T>(Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => T, width: number): T {
  const data = new Float32Array(width).map((_, i) => Math.sin(i)); // not all-equal: no shortcut for the CPU
  return new Tensor('float32', data, [1, width]);
}

/**
 * The floor (blocks as MatMul), or with `op` Gemm the same chain on our graph's operator:
 * alone in its process, with ORT's default thread spinning (nothing else runs to take the cores).
 */
export const floorNode = (op: FloorOp) => async (context: CaseContext): Promise<CaseResult> => {
  const result = emptyResult();
  const name = op === 'MatMul' ? 'floor' : 'floor_gemm';
  const { session, weightBytes, feeds } = await openNodeFloor(context, op);
  result.timings[`${name}_step`] = await time(() => session.run(feeds), { repeats: context.repeats * 4, warmup: 3 });
  result.values[`${name}_weight_bytes`] = weightBytes;
  result.values[`${name}_bandwidth_gbs`] = weightBytes / (result.timings[`${name}_step`].median / 1000) / 1e9;
  await session.release();
  return result;
};

export const WASM_NOTE =
  'onnxruntime-web ran in Node from node_modules/onnxruntime-web/dist (ort-wasm-simd-threaded.wasm, no network),' +
  ' 2 threads as worker_threads, weights handed over in memory as externalData (wasm cannot map the file).';

export async function floorWasm(context: CaseContext): Promise<CaseResult> {
  const result = emptyResult();
  const ort = await loadOrtWeb(context.threads);
  const graph = await floorGraph(context);
  const weights = readFileSync(join(context.modelDir, WEIGHTS_FILE));
  const session = await ort.InferenceSession.create(graph.model, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    externalData: [{ path: WEIGHTS_FILE, data: weights }],
  });
  const feeds = { x: input(ort.Tensor, 768) };
  result.timings.wasm_floor_step = await time(() => session.run(feeds), { repeats: context.repeats * 2, warmup: 3 });
  result.values.wasm_floor_bandwidth_gbs = graph.weightBytes / (result.timings.wasm_floor_step.median / 1000) / 1e9;
  result.notes.push(WASM_NOTE);
  await session.release();
  return result;
}
