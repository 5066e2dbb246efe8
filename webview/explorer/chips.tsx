// One clickable chip per token: the lesson's row of chips. Chips are buttons, so Tab reaches them
// and Enter/Space click them.

import type { TokenChip } from '../../src/protocol/views';
import { type ChipSurprise, surpriseWords } from './surprise-chips';
import { spokenToken, TokenText } from './token-text';

interface ChipsProps {
  tokens: TokenChip[];
  selected: number | null;
  onSelect: (index: number) => void;
  surprise?: Map<number, ChipSurprise> | null; // the Tokens tab's Token Surprise: each prompt chip underlined by its rank band
  label?: string; // the group's name, where chips do something else than pick the token (the Attribution panel's targets)
}

export function TokenChips({ tokens, selected, onSelect, surprise = null, label = 'Token chips' }: ChipsProps) {
  return (
    <div class="chips" role="group" aria-label={label}>
      {tokens.map((token) => {
        const mark = surprise?.get(token.index);
        return (
        <button
          key={token.index}
          type="button"
          class={`chip${token.generated ? ' chip--generated' : ''}${token.index === selected ? ' chip--selected' : ''}${mark ? ` chip--s${mark.band}` : ''}`}
          title={`id ${token.id}${mark ? `, ${surpriseWords(mark)}` : ''}`}
          aria-label={`Token ${token.index + 1}: ${spokenToken(token.text)}, id ${token.id}${token.generated ? ', generated' : ''}${mark ? `, ${surpriseWords(mark)}` : ''}`}
          aria-pressed={token.index === selected}
          onClick={() => onSelect(token.index)}
        >
          <TokenText text={token.text} />
        </button>
        );
      })}
    </div>
  );
}
