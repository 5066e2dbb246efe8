// The Attribution panel's own candidate bars: at the last position, a click on a bar makes that
// candidate the target (issue 15: "any candidate bar"). Its own bars, not the Generation panel's:
// there a click appends the candidate (a branch of the decoding tree), and one click cannot mean both.
// Buttons with aria-pressed, so the keyboard and a screen reader pick and hear the target alike.

import type { Candidate } from '../../src/protocol/views';
import { percent, ProbabilityBar } from './lens';
import { spokenToken, TokenText } from './token-text';

interface TargetBarsProps {
  candidates: Candidate[];
  target: number | undefined;
  versus: number | undefined;
  onPick: (candidate: Candidate) => void;
}

export function TargetBars({ candidates, target, versus, onPick }: TargetBarsProps) {
  if (candidates.length === 0) return null;
  return (
    <div class="attribution__targets">
      <ol class="bars" aria-label="Attribution target: next-token candidates">
        {candidates.map((candidate) => {
          const role = candidate.id === target ? 'target' : candidate.id === versus ? 'versus' : '';
          return (
            <li key={candidate.id} class={`bars__row${role ? ` attribution__target--${role}` : ''}`} title={`id ${candidate.id}`}>
              <button type="button" class="bars__token" aria-pressed={role === 'target'} aria-label={`Attribute ${spokenToken(candidate.text)} (${percent(candidate.prob)})`} onClick={() => onPick(candidate)}>
                <TokenText text={candidate.text} />
              </button>
              <ProbabilityBar prob={candidate.prob} />
              <span class="bars__prob">{percent(candidate.prob)}</span>
              <span class="attribution__role">{role}</span>
            </li>
          );
        })}
      </ol>
      <p class="hint">Click a candidate to attribute it (in the Generation panel, a click on a candidate appends it instead).</p>
    </div>
  );
}
