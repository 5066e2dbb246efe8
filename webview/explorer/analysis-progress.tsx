// A long prompt on its way (issue 20): its chips as soon as it is tokenised, how much of it GPT-2 has
// read (a progress bar, pass by pass), and Cancel, which asks the host to stop; whatever was on
// screen before comes back. Drawn instead of the tabs' contents until the session arrives.

import type { AnalysisProgress } from '../../src/protocol/views';
import { Button } from '../ui/toolkit';
import { TokenChips } from './chips';

interface Props {
  progress: AnalysisProgress;
  onCancel: () => void;
}

export function AnalysisProgressView({ progress, onCancel }: Props) {
  const { tokens, truncated, done, total } = progress;
  const said = `GPT-2 has read ${done.toLocaleString('en')} of ${total.toLocaleString('en')} tokens`;
  return (
    <section class="panel analysis-progress" aria-labelledby="analysis-progress-title">
      <h2 id="analysis-progress-title">Reading the prompt…</h2>
      <div class="analysis-progress__bar">
        <progress max={total} value={done} aria-label={said} />
        <span class="hint" role="status">
          {said}
          {truncated > 0 ? ` (the first ${truncated.toLocaleString('en')} were cut)` : ''}.
        </span>
        <Button appearance="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
      <TokenChips tokens={tokens} selected={null} onSelect={() => undefined} />
    </section>
  );
}
