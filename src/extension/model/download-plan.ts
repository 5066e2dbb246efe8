// Where GPT-2: Download Model puts the model, and the download itself; no `vscode` (commands.ts wraps
// it in a notification with a cancel button). The model the settings name (gpt2Explorer.model, else
// GPT-2 small) goes into the Hugging Face cache in the Hub's own layout (hub-download.ts: blob by
// sha256, snapshot link, refs), so Python transformers finds it afterwards and no second copy is made.
// A folder named in gpt2Explorer.modelPath is the user's own choice of place: it is filled there, flat.

import {
  downloadModel,
  downloadToCache,
  GPT2_SMALL,
  hubEnvironment,
  sourceForId,
  type DownloadProgress,
  type HubEnvironment,
  type HubToken,
  type ModelSource,
} from '../../engine/model-store';
import type { ExtensionSettings } from '../common/settings';

export type DownloadPlan =
  | { kind: 'cache'; source: ModelSource; hub: HubEnvironment } // the Hugging Face cache
  | { kind: 'folder'; source: ModelSource; dir: string }; // gpt2Explorer.modelPath

/** What the settings ask for; throws with a clear message when gpt2Explorer.model is not a repository id. */
export function downloadPlan(settings: Pick<ExtensionSettings, 'modelPath' | 'model'>, env: NodeJS.ProcessEnv = process.env): DownloadPlan {
  if (settings.modelPath !== '') return { kind: 'folder', source: GPT2_SMALL, dir: settings.modelPath };
  return { kind: 'cache', source: sourceForId(settings.model || GPT2_SMALL.repo), hub: hubEnvironment(env) };
}

/** Where the plan writes, for the log and the messages. */
export const planTarget = (plan: DownloadPlan) => (plan.kind === 'cache' ? `the Hugging Face cache ${plan.hub.cacheDir}` : plan.dir);

export interface PlanRun {
  token?: HubToken;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  stallMs?: number;
}

/** Runs the plan; resolves with the folder that then holds config.json and model.safetensors. */
export async function runDownloadPlan(plan: DownloadPlan, run: PlanRun): Promise<string> {
  const retryWith = 'GPT-2: Download Model';
  if (plan.kind === 'folder') {
    await downloadModel({ targetDir: plan.dir, ...run, retryWith });
    return plan.dir;
  }
  const { dir } = await downloadToCache({ source: plan.source, hub: plan.hub, ...run, retryWith });
  return dir;
}
