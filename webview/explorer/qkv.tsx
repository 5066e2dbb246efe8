// "Show Q / K / V Vectors": the clicked token's query, key and value in the chosen head, one strip of
// dh cells each. Red = positive, blue = negative; the colour gets stronger with |value|, scaled per
// strip (full colour = that strip's largest |value|), because q, k and v differ in overall size.

import type { QkvView, TokenChip } from '../../src/explorer/views';
import { spokenToken } from './token-text';

interface QkvProps {
  view: QkvView | null; // null while the request is on its way
  token: TokenChip | null; // the clicked chip
  layer: number;
  head: number;
}

export function QkvBox({ view, token, layer, head }: QkvProps) {
  if (!token) {
    return (
      <div class="qkv" role="region" aria-label="Q / K / V vectors">
        <p class="hint">Click a token chip to see its Q, K and V vectors.</p>
      </div>
    );
  }
  return (
    <div class={`qkv${view ? '' : ' stale'}`} role="region" aria-label="Q / K / V vectors">
      <p class="hint">
        Token {token.index + 1} ({spokenToken(token.text)}) at layer {layer}, head {head}. Red = positive, blue = negative, stronger = larger |value| (scaled per strip).
      </p>
      {view && (
        <>
          <Strip name="Q" values={view.q} />
          <Strip name="K" values={view.k} />
          <Strip name="V" values={view.v} />
        </>
      )}
    </div>
  );
}

function Strip({ name, values }: { name: string; values: number[] }) {
  const largest = Math.max(1e-12, ...values.map(Math.abs));
  return (
    <div class="strip" role="group" aria-label={`${name}: ${values.length} numbers, largest |value| ${largest.toFixed(3)}`}>
      <span class="strip__name">{name}</span>
      <div class="strip__cells">
        {values.map((value, i) => (
          <span
            key={i}
            class={`cell ${value >= 0 ? 'cell--pos' : 'cell--neg'}`}
            title={`${name.toLowerCase()}[${i}] = ${value.toFixed(4)}`}
            style={{ opacity: Math.abs(value) / largest }}
          />
        ))}
      </div>
      <span class="strip__scale">±{largest.toFixed(2)}</span>
    </div>
  );
}
