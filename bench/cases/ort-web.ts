// onnxruntime-web in Node, offline: its .wasm and .mjs come from node_modules, threads from
// worker_threads. This is the runtime browser tools such as Transformer Explainer use.
import type * as OrtWeb from 'onnxruntime-web';

export async function loadOrtWeb(threads: number): Promise<typeof OrtWeb> {
  const ort = (await import('onnxruntime-web')) as typeof OrtWeb;
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.simd = true;
  return ort;
}
