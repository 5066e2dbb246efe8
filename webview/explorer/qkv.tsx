// "Show Q / K / V Vectors": the clicked token's query, key and value in the chosen head, one strip of
// dh cells each. A positive value fills the upper half of its cell in red, a negative one the lower half
// in blue (so the sign reads without colour); the colour gets stronger with |value|, scaled per strip
// (full colour = that strip's largest |value|), because q, k and v differ in overall size.
// The box opens with three empty strips; clicking a chip fills them (lesson, Self-Attention step 5).

import type { QkvView, TokenChip } from '../../src/protocol/views';
import type { Shown } from './host-data';
import { spokenToken } from './token-text';

const GPT2_HEAD_WIDTH = 64; // cells in an empty strip, before the first vector arrives

interface QkvProps {
  qkv: Shown<QkvView> | null; // the clicked chip's vectors, null until they first arrive
  token: TokenChip | null; // the clicked chip
  layer: number;
  head: number;
}

export function QkvBox({ qkv, token, layer, head }: QkvProps) {
  const shown = token ? (qkv?.view ?? null) : null;
  return (
    <div class={`qkv${token && (qkv?.stale ?? true) ? ' stale' : ''}`} role="region" aria-label="Q / K / V vectors">
      <p class="hint">
        {token
          ? `Token ${token.index + 1} (${spokenToken(token.text)}) at layer ${layer}, head ${head}. Positive: red, upper half. Negative: blue, lower half. Stronger = larger |value| (scaled per strip).`
          : 'Click a token chip to see its Q, K and V vectors.'}
      </p>
      <Strip name="Q" values={shown?.q ?? null} />
      <Strip name="K" values={shown?.k ?? null} />
      <Strip name="V" values={shown?.v ?? null} />
    </div>
  );
}

function Strip({ name, values }: { name: string; values: number[] | null }) {
  if (!values) {
    return (
      <div class="strip strip--empty" role="group" aria-label={`${name}: no token chosen`}>
        <span class="strip__name">{name}</span>
        <div class="strip__cells">
          {Array.from({ length: GPT2_HEAD_WIDTH }, (_, i) => (
            <span key={i} class="cell" />
          ))}
        </div>
        <span class="strip__scale" />
      </div>
    );
  }
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
