// One clickable chip per token: the lesson's row of chips. Chips are buttons, so Tab reaches them
// and Enter/Space click them.

import type { TokenChip } from '../../src/protocol/views';
import { spokenToken, TokenText } from './token-text';

interface ChipsProps {
  tokens: TokenChip[];
  selected: number | null;
  onSelect: (index: number) => void;
}

export function TokenChips({ tokens, selected, onSelect }: ChipsProps) {
  return (
    <div class="chips" role="group" aria-label="Token chips">
      {tokens.map((token) => (
        <button
          key={token.index}
          type="button"
          class={`chip${token.generated ? ' chip--generated' : ''}${token.index === selected ? ' chip--selected' : ''}`}
          title={`id ${token.id}`}
          aria-label={`Token ${token.index + 1}: ${spokenToken(token.text)}, id ${token.id}${token.generated ? ', generated' : ''}`}
          aria-pressed={token.index === selected}
          onClick={() => onSelect(token.index)}
        >
          <TokenText text={token.text} />
        </button>
      ))}
    </div>
  );
}
