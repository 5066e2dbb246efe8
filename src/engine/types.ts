// The engine's contract: what a GPT-2 model is and what one forward pass returns.
// Shapes are written as [dims] in row-major order; L layers, H heads, d = n_embd, dh = d / H,
// V vocabulary size, P cached (past) positions, T new positions.

/** GPT-2 hyper-parameters, read from a Hugging Face config.json. */
export interface Gpt2Config {
  nLayer: number; // L — transformer blocks (12 for GPT-2 small)
  nHead: number; // H — attention heads per block (12)
  nEmbd: number; // d — residual stream width (768)
  vocabSize: number; // V — 50,257
  nPositions: number; // context length, rows of wpe (1,024)
  layerNormEpsilon: number; // 1e-5
}

/** Everything one pass computes for the T new positions, continuing P cached ones. */
export interface ForwardResult {
  pastLength: number; // P
  length: number; // T
  hidden: Float32Array; // [L+1, T, d] residual stream: embeddings first, then after each block (before ln_f)
  attention: Float32Array; // [L, H, P+T] the last new query's softmax weights over all keys (whole patterns: Gpt2Model.attention)
  q: Float32Array; // [L, H, T, dh]
  k: Float32Array; // [L, H, T, dh]
  v: Float32Array; // [L, H, T, dh]
  logits: Float32Array; // [V] at the last new position, after ln_f and the tied unembedding (other positions: Gpt2Model.lens)
  cache: KvCache; // keys/values of all P+T positions, to continue from
}

/** What direct logit attribution reads at one position t (Gpt2Model.headOutputs), all float32 from the model's weights. */
export interface HeadOutputs {
  heads: Float32Array; // [L, H, d] each head's own output: its attention-weighted mix of values times its rows of c_proj
  attention: Float32Array; // [L, H, t+1] the attention row of position t in every head
  attnBias: Float32Array; // [L, d] each layer's c_proj bias
  lnFinal: { weight: Float32Array; bias: Float32Array }; // ln_f's gain and bias, [d] each
  unembedding: Float32Array; // [K, d] the unembedding rows of the K tokens asked about
}

/** Keys and values of every position seen so far; opaque outside the engine. */
export interface KvCache {
  readonly length: number; // positions held
  dispose(): void;
}

export type OptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

/** The weights the matrix products run on: GPT-2's own float32 ones, or 8-bit ones quantized at load (opt-in). */
export const WEIGHTS_MODES = ['float32', 'int8'] as const;
export type WeightsMode = (typeof WEIGHTS_MODES)[number];

/** onnxruntime-node's execution providers (per platform: cuda on Linux and Windows, dml on Windows, coreml on macOS); auto: the accelerator, else the CPU. */
export const EXECUTION_PROVIDERS = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];
/**
 * The CPU unless the user picks another: every number the views show is proven against the float64 reference on
 * it; an accelerator's kernels are not (like the 8-bit weights, an accelerator is opted into).
 */
export const DEFAULT_PROVIDER: ExecutionProvider = 'cpu';

export interface LoadOptions {
  provider?: ExecutionProvider; // default 'cpu'
  threads?: number; // intra-op threads; default: all cores
  optimization?: OptimizationLevel; // default 'all'
  weights?: WeightsMode; // default 'float32'
  int8AccuracyLevel?: 0 | 1 | 4; // MatMulNBits' accuracy_level with int8 weights; default graph.ts's INT8_ACCURACY_LEVEL (0/1: tests and bench only, ~25× slower)
  int8CacheDir?: string; // int8: a folder of the caller's to keep the 8-bit weights in between loads (int8-cache.ts); none: quantized at every load
  onQuantize?: (done: number, total: number) => void; // int8: weights quantized so far, after each matrix (a load that reads the cache tells nothing)
  log?: (message: string) => void; // what the load wants said but need not fail for (a cache it could not keep or read)
}
