// Token surprise in the explorer (issue 18): the Tokens tab's toggle underlines each chip of the prompt by how
// surprising the model found it given the tokens before it, in GLTR's rank bands (the editor's colours, and a
// line style per band so colour is never the only cue). The host scores the sentence as the editor's command
// does; a score of another text than the session's is not shown.

import { rankBand, type TextScores } from '../../src/protocol/surprise';
import type { SessionView } from '../../src/protocol/views';
import { Button } from '../ui/toolkit';
import { percent } from './lens';

/** What a chip says of its surprise: its band (0 = top 10 … 3 = beyond the top 1,000), rank and probability. */
export interface ChipSurprise {
  band: 0 | 1 | 2 | 3;
  rank: number;
  prob: number;
}

const BANDS = ['in the top 10', 'in the top 100', 'in the top 1,000', 'beyond the top 1,000'];

/** The chips' surprise by chip index, when `scores` are of the session's sentence; the generated chips have none. */
export function chipSurprise(session: SessionView, surprise: { text: string; scores: TextScores } | null): Map<number, ChipSurprise> | null {
  if (!surprise || surprise.text !== session.sentence.text) return null;
  const marks = new Map<number, ChipSurprise>();
  for (const chip of session.tokens.slice(0, session.promptLength)) {
    const token = surprise.scores.tokens[chip.index + session.truncated]; // a prompt cut to fit the context lost its first tokens
    const band = token && token.id === chip.id ? rankBand(token.rank) : null;
    if (band !== null) marks.set(chip.index, { band, rank: token.rank!, prob: Math.exp(token.logprob!) });
  }
  return marks;
}

/** A chip's words for its surprise, added to its label. */
export function surpriseWords({ band, rank, prob }: ChipSurprise): string {
  return `rank ${rank.toLocaleString('en')} (${BANDS[band]}), ${percent(prob)}`;
}

export function SurpriseToggle({ on, onToggle }: { on: boolean; onToggle: () => void }) {
  return (
    <div class="row surprise-toggle">
      <Button appearance="secondary" pressed={on} onClick={onToggle}>
        {on ? 'Hide Token Surprise' : 'Show Token Surprise'}
      </Button>
      {on && (
        <span class="hint">
          Underlined by rank given the tokens before: <span class="surprise-key chip--s0">top 10</span> <span class="surprise-key chip--s1">top 100</span> <span class="surprise-key chip--s2">top 1,000</span> <span class="surprise-key chip--s3">beyond</span>
        </span>
      )}
    </div>
  );
}
