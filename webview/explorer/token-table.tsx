// The Tokens tab's table: each token's text, id and the characters it covers in the source text.
// A range selects those characters in the editor the prompt came from; its accessible name starts with
// the range it shows, so a speech user can say what they see.

import type { TokenChip } from '../../src/protocol/views';
import { spokenToken, TokenText } from './token-text';

interface TableProps {
  tokens: TokenChip[];
  selected: number | null;
  onReveal: (index: number) => void;
}

export function TokenTable({ tokens, selected, onReveal }: TableProps) {
  return (
    <table class="token-table">
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Token</th>
          <th scope="col">Id</th>
          <th scope="col" title="Click a range to select those characters in the editor">
            Characters
          </th>
        </tr>
      </thead>
      <tbody>
        {tokens.map((token) => (
          <tr key={token.index} class={token.index === selected ? 'selected' : undefined}>
            <td>{token.index + 1}</td>
            <td class={token.generated ? 'generated' : undefined}>
              <TokenText text={token.text} />
            </td>
            <td>{token.id}</td>
            <td>
              {token.start < 0 ? (
                <span class="hint">generated</span>
              ) : (
                <button type="button" class="link" aria-label={`${token.start}–${token.end}: show ${spokenToken(token.text)} in the editor`} onClick={() => onReveal(token.index)}>
                  {token.start}–{token.end}
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
