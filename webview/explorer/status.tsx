// The status line: is a model loaded, is it busy, and what went wrong (with a button that fixes it).

import type { CommandAction, ModelState } from '../../src/protocol/explorer';
import { modelLabel } from '../../src/protocol/views';
import { Button } from '../ui/toolkit';
import type { HostData } from './host-data';

const MODEL_WORDS: Record<ModelState, string> = {
  none: 'No model loaded',
  loading: 'Loading the model…',
  ready: 'Model ready',
  error: 'The model failed to load',
};

const ACTION_LABEL: Record<CommandAction, string> = {
  downloadModel: 'Download GPT-2',
  importModel: 'Import a model…',
  chooseModel: 'Choose a model…',
  openSettings: 'Open Settings',
};

interface StatusProps {
  data: HostData;
  onCommand: (command: CommandAction) => void;
}

export function StatusLine({ data, onCommand }: StatusProps) {
  const model = data.session && modelLabel(data.session.model);
  const action = data.error?.action ?? null;
  return (
    <div class="status" role="status" aria-live="polite">
      <span class={`status__dot status__dot--${data.model}`} aria-hidden="true" />
      <span>
        {data.readOnly ? `Read-only: ${data.readOnly}${model ? ` — ${model}` : ''}, shown without the model` : MODEL_WORDS[data.model]}
        {!data.readOnly && data.model === 'ready' && model ? ` — ${model}` : ''}
        {data.detail ? ` · ${data.detail}` : ''}
        {data.busy ? ' · working…' : ''}
      </span>
      {data.error && (
        <span class="status__error" role="alert">
          {data.error.message}
          {action && (
            <Button appearance="secondary" onClick={() => onCommand(action)}>
              {ACTION_LABEL[action]}
            </Button>
          )}
        </span>
      )}
    </div>
  );
}
