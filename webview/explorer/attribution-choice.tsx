// What the Attribution panel attributes: the position (default the last), the target token and the
// token to compare it with. A target is a candidate (a click on one of the panel's next-token bars,
// attribution-targets.tsx, or the dropdown, at the last position), a token of the text (a chip), or
// typed text that is exactly one token (the host's tokenizer says how it splits; anything else is
// refused with how it tokenizes). Defaults: at the last position the top
// candidate versus the runner-up (the classic "Paris versus London"); at an earlier one the token
// that came next there, alone.

import { useEffect, useState } from 'preact/hooks';
import type { ExplorerMessage } from '../../src/protocol/explorer';
import type { SessionView, TokenizedView } from '../../src/protocol/views';
import { Dropdown, TextField, type Choice } from '../ui/toolkit';
import { TargetBars } from './attribution-targets';
import { TokenChips } from './chips';
import { shownToken } from './token-text';

export interface AttributionAsk {
  position: number;
  target: number;
  versus: number | null;
}

/** A token picked by the learner, and from where: a candidate holds only while it is still one. */
interface Pick {
  id: number;
  text: string;
  from: 'candidate' | 'text' | 'typed';
}

type Role = 'target' | 'versus';
const LAST = 'last';
const NONE = 'none';

export function useAttributionChoice(session: SessionView, tokenized: TokenizedView | null, post: (message: ExplorerMessage) => void) {
  const last = session.tokens.length - 1;
  const [positionPick, setPositionPick] = useState<number | null>(null); // null: the last, whatever it is after a Step
  const [target, setTarget] = useState<Pick | null>(null); // null: the default
  const [versus, setVersus] = useState<Pick | null | undefined>(undefined); // undefined: the default, null: none
  const [chip, setChip] = useState<number | null>(null); // the chip clicked last, shown pressed while it is the target
  const [typing, setTyping] = useState<{ role: Role; text: string } | null>(null);
  const [refusal, setRefusal] = useState('');
  const position = positionPick !== null && positionPick < last ? positionPick : last;
  const candidates = position === last ? session.next.top : [];
  const holds = (pick: Pick | null | undefined) => !!pick && (pick.from !== 'candidate' || candidates.some((c) => c.id === pick.id));
  const following = session.tokens[position + 1];
  const defaultTarget = position === last ? candidates[0] : following;
  const targetPick = holds(target) ? target! : defaultTarget && { id: defaultTarget.id, text: defaultTarget.text, from: 'candidate' as const };
  const runnerUp = position === last ? candidates.find((c) => c.id !== targetPick?.id) : undefined;
  const versusPick = versus === null ? null : holds(versus) && versus!.id !== targetPick?.id ? versus! : runnerUp ? { id: runnerUp.id, text: runnerUp.text, from: 'candidate' as const } : null;

  // The host's answer to the text typed last: one token is taken, anything else is refused with how it splits.
  useEffect(() => {
    if (!tokenized || !typing || tokenized.text !== typing.text) return;
    const [only] = tokenized.tokens;
    if (tokenized.tokens.length === 1) {
      (typing.role === 'target' ? setTarget : setVersus)({ id: only.id, text: only.text, from: 'typed' });
      setRefusal('');
    } else {
      setRefusal(notOneToken(tokenized));
    }
    setTyping(null);
  }, [tokenized]);

  const typed = (role: Role) => (text: string) => {
    if (text === '') return setRefusal('');
    setTyping({ role, text });
    post({ type: 'tokenizeText', text });
  };
  const byId = tokenChoices(session, candidates, [targetPick, versusPick]);
  const pick = (value: string): Pick | null => {
    const found = byId.get(value);
    return found ? { ...found } : null;
  };
  const controls = (
    <>
      <div class="row">
        <Dropdown
          label="Position"
          value={position === last ? LAST : String(position)}
          choices={session.tokens.map((token, i) => ({ value: i === last ? LAST : String(i), label: `${i}: ${shownToken(token.text)}${i === last ? ' (last)' : ''}` }))}
          onChange={(value) => setPositionPick(value === LAST ? null : Number(value))}
        />
        <Dropdown label="Target" value={String(targetPick?.id)} choices={[...byId.values()].map(choiceOf)} onChange={(value) => setTarget(pick(value))} />
        <Dropdown
          label="Versus"
          value={versusPick === null ? NONE : String(versusPick.id)}
          choices={[{ value: NONE, label: '(none)' }, ...[...byId.values()].map(choiceOf)]}
          onChange={(value) => setVersus(value === NONE ? null : pick(value))}
        />
      </div>
      <TargetBars candidates={candidates} target={targetPick?.id} versus={versusPick?.id} onPick={(c) => setTarget({ id: c.id, text: c.text, from: 'candidate' })} />
      {/* The text's own chips, here to set the target (as the dropdown's "(in the text)" does); the chips above the panels still pick a position. */}
      <p class="hint">Or click a token of the text to make it the target:</p>
      <TokenChips
        tokens={session.tokens}
        label="Attribution target: the text's tokens"
        selected={chip !== null && session.tokens[chip]?.id === targetPick?.id && target?.from === 'text' ? chip : null}
        onSelect={(index) => {
          const token = session.tokens[index];
          setChip(index);
          setTarget({ id: token.id, text: token.text, from: 'text' });
        }}
      />
      <div class="row">
        <TextField label="Type a target" value="" size={12} keepSpaces invalid={refusal !== '' && typing === null} onCommit={typed('target')} />
        <TextField label="Type a versus" value="" size={12} keepSpaces onCommit={typed('versus')} />
      </div>
      <p class={refusal ? 'field-error' : 'hint'} role="status">
        {refusal || 'Typed text must be exactly one token; a word after a space is one with its space (type “ London”, not “London”).'}
      </p>
    </>
  );
  const ask: AttributionAsk | null = targetPick ? { position, target: targetPick.id, versus: versusPick?.id ?? null } : null;
  return { ask, controls };
}

/** Every token the dropdowns offer, by id: the candidates with their probability, then the text's tokens, then what was typed. */
function tokenChoices(session: SessionView, candidates: SessionView['next']['top'], picked: (Pick | null | undefined)[]): Map<string, Pick & { label: string }> {
  const choices = new Map<string, Pick & { label: string }>();
  for (const c of candidates) choices.set(String(c.id), { id: c.id, text: c.text, from: 'candidate', label: `${shownToken(c.text)} ${(c.prob * 100).toFixed(1)}%` });
  for (const token of session.tokens) {
    if (!choices.has(String(token.id))) choices.set(String(token.id), { id: token.id, text: token.text, from: 'text', label: `${shownToken(token.text)} (in the text)` });
  }
  for (const p of picked) if (p && !choices.has(String(p.id))) choices.set(String(p.id), { ...p, label: `${shownToken(p.text)} (typed)` });
  return choices;
}

const choiceOf = (pick: Pick & { label: string }): Choice => ({ value: String(pick.id), label: pick.label });

/** "“·Paris!” is 2 tokens, not one: “·Paris” (6342) + “!” (0). …" (a · is a space). */
export function notOneToken({ text, tokens }: TokenizedView): string {
  if (tokens.length === 0) return `“${shownToken(text)}” is no token at all: type a word or a piece of one.`;
  const pieces = tokens.map((token) => `“${shownToken(token.text)}” (${token.id})`).join(' + ');
  return `“${shownToken(text)}” is ${tokens.length} tokens, not one: ${pieces}. Type text that is exactly one token.`;
}
