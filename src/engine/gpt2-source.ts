// Where GPT-2's weights come from: a Hugging Face repository at a fixed commit, each file pinned.
/** One file of a model repository; pinned by size and sha256 when those are known. */
export interface SourceFile {
  name: string;
  size?: number;
  sha256?: string;
  maxBytes?: number; // cap for a file without a pinned size
  linked?: boolean; // an LFS file: without a pinned sha256, it must match the Hub's (X-Linked-Etag, X-Linked-Size)
}

/** A Hugging Face repository at a fixed revision, and the config values its model must have. */
export interface ModelSource {
  repo: string;
  revision: string; // a commit hash, so the files cannot change under us ("main" only for repositories we do not know)
  files: readonly SourceFile[];
  config: Readonly<Record<string, number | string>>; // keys config.json must have with these values
}

/** GPT-2 small's weights (124M parameters, float32). */
export const GPT2_SMALL_WEIGHTS = {
  name: 'model.safetensors',
  size: 548_105_171,
  sha256: '248dfc3911869ec493c76e65bf2fcf7f615828b0254c12b473182f0f81d3a707',
} as const satisfies SourceFile;

/**
 * GPT-2 small as published by OpenAI on Hugging Face. The weights are pinned by size and sha256
 * (from public code; the network here cannot confirm them). config.json is not pinned by hash: it
 * is checked by content instead (the hyper-parameters below, which the weights would not fit otherwise).
 */
export const GPT2_SMALL: ModelSource = {
  repo: 'openai-community/gpt2',
  revision: '607a30d783dfa663caf39e06633721c8d4cfcd7e',
  files: [
    { name: 'config.json', maxBytes: 64 * 1024 },
    GPT2_SMALL_WEIGHTS,
  ],
  config: { model_type: 'gpt2', n_layer: 12, n_head: 12, n_embd: 768, vocab_size: 50257, n_positions: 1024 },
};

/** What is wrong with a downloaded config.json for this source ("has n_layer = 24, expected 12"), or undefined. */
export function configProblem(text: string, source: ModelSource): string | undefined {
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(text);
  } catch {
    return 'is not valid JSON';
  }
  for (const [key, expected] of Object.entries(source.config)) {
    if (config?.[key] !== expected) return `has ${key} = ${JSON.stringify(config?.[key])}, expected ${JSON.stringify(expected)}`;
  }
  return undefined;
}

/** <endpoint>/<repo>/resolve/<revision>/<file> — the only URL shape the store requests. */
export function fileUrl(baseUrl: string, source: ModelSource, file: string): URL {
  return new URL(`${source.repo}/resolve/${source.revision}/${file}`, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
}
