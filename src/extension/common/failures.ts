// What the user reads when something fails, and which buttons they get to fix it. Every message says
// what happened and what to do next. Pure: the controller decides, the notifications show.

import type { CommandAction } from '../../protocol/explorer';
import { WorkerError } from '../../protocol/worker';

/** Buttons a notification may offer: the webview's actions, plus reloading the model and switching to 8-bit weights. */
export type UserAction = CommandAction | 'reloadModel' | 'useInt8Weights';

export interface Failure {
  message: string;
  actions: UserAction[]; // first = the one the explorer panel offers as its button
  quiet?: boolean; // shown in the panel and the log, not as a notification
}

export const MODEL_ACTIONS: UserAction[] = ['downloadModel', 'importModel'];

/** A failure to explain, or null when there is nothing to tell (a request given up on purpose). */
export function explainFailure(error: unknown, modelDir: string | null): Failure | null {
  if (!(error instanceof WorkerError)) return internal(error instanceof Error ? error.message : String(error));
  switch (error.kind) {
    case 'superseded':
    case 'disposed':
    case 'cancelled': // the learner pressed Cancel
    case 'crashed': // the crash handler tells the user once, not once per queued request
      return null;
    case 'model-files':
      return {
        message: `GPT-2 could not load the model${modelDir ? ` in ${modelDir}` : ''}: ${error.message}. Import a folder with GPT-2's config.json and model.safetensors, or download the model.`,
        actions: MODEL_ACTIONS,
      };
    case 'no-model':
      return { message: 'No model is loaded yet: download or import GPT-2 first.', actions: MODEL_ACTIONS };
    case 'no-session':
      return { message: 'Nothing is analyzed yet: pick a sentence in the explorer, or select text and run GPT-2: Analyze Selection.', actions: [], quiet: true };
    case 'invalid': // the worker's own words say what is wrong with the request and what to do (a prompt too long for Compare: shorten it)
      return { message: `${sentence(error.message)}.`, actions: [], quiet: true };
    case 'internal':
      return internal(error.message);
  }
}

/** A worker message (lower case, no full stop, as it reads inside another sentence) as a sentence of its own. */
function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1).replace(/\.$/, '');
}

function internal(message: string): Failure {
  const firstLine = message.split('\n')[0];
  return {
    message: `Something went wrong inside GPT-2 Explorer: ${firstLine}. The details are in the output channel "GPT-2 Explorer"; reload the model to go on.`,
    actions: ['reloadModel'],
  };
}

/** The webview's error button: the first action it knows. */
export function panelAction(actions: UserAction[]): CommandAction | null {
  return (actions.find((action) => action !== 'reloadModel') as CommandAction | undefined) ?? null;
}
