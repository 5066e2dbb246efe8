// "Generating the next token": the text so far, the counter, the ten best candidates as bars with
// the Sample tally beside them, the decoding controls and why generation stopped. What Step and Sample
// did is announced by the app's live region (announce.ts), so nothing here is live itself.

import { useState } from 'preact/hooks';
import { DECODING_LIMITS, type DecodingPatch, type DecodingSettings, parseDecodingPatch } from '../../src/protocol/decoding';
import type { SessionView, StopReason, TallyView } from '../../src/protocol/views';
import type { ExplorerMessage } from '../../src/protocol/explorer';
import { Slider } from '../ui/slider';
import { Button, TextField } from '../ui/toolkit';
import { useAskedValue } from './asked-value';
import { ExportButtons } from './export-buttons';
import { memo } from './memo';
import { percent, ProbabilityBar } from './lens';
import { candidateTitle, spokenToken, TokenText } from './token-text';

type Post = (message: ExplorerMessage) => void;

interface GenerationProps {
  session: SessionView;
  tally: TallyView;
  busy: boolean;
  readOnly: boolean; // an analysis opened from a file: its settings are what it was made with, nothing to change
  post: Post;
}

const STOP_WORDS: Record<StopReason, (session: SessionView) => string> = {
  eos: () => 'Stopped: <|endoftext|> scored highest',
  max_tokens: (session) => `Stopped: reached ${session.settings.maxNewTokens} new tokens`,
  context_full: () => 'Stopped: context full',
};

export function GenerationPanel({ session, tally, busy, readOnly, post }: GenerationProps) {
  const stopped = session.stop !== null;
  return (
    <section class="panel" aria-labelledby="generation-title">
      <h2 id="generation-title">Generating the next token</h2>
      <GeneratedSoFar session={session} />
      <p class="counter">
        {session.generated} / {session.settings.maxNewTokens} tokens generated
      </p>
      {session.stop && <p class="stop" role="status">{STOP_WORDS[session.stop](session)}</p>}
      <CandidateBars session={session} tally={tally} onForce={busy || stopped ? null : (id) => post({ type: 'forceToken', id })} />
      <div class="row" role="group" aria-label="Generation controls">
        <Button onClick={() => post({ type: 'step' })} disabled={busy || stopped} label="Step: append the top token">
          Step
        </Button>
        <Button onClick={() => post({ type: 'sample' })} disabled={busy} appearance="secondary" label="Sample: roll once without appending">
          Sample
        </Button>
        <Button onClick={() => post({ type: 'sampleAppend' })} disabled={busy || stopped} appearance="secondary">
          Sample &amp; append
        </Button>
        <Button onClick={() => post({ type: 'reset' })} disabled={busy} appearance="secondary" label="Reset generation to the prompt">
          Reset
        </Button>
      </div>
      <DecodingControls temperature={session.settings.temperature} topK={session.settings.topK} topP={session.settings.topP} kept={session.next.kept} readOnly={readOnly} post={post} />
      <ExportButtons session={session} data={{ type: 'generation', next: session.next, tally }} post={post} image="dom" />
    </section>
  );
}

function GeneratedSoFar({ session }: { session: SessionView }) {
  return (
    <div class="so-far" role="region" aria-label="Generated so far">
      <span class="so-far__title">
        Generated so far <span class="hint">(new tokens in blue, underlined)</span>
      </span>
      <p class="so-far__text">
        {session.truncated > 0 && <span class="hint">({session.truncated} tokens cut from the front) </span>}
        {session.tokens.map((token) => (
          <span key={token.index} class={token.generated ? 'generated' : undefined}>
            {token.text}
          </span>
        ))}
      </p>
    </div>
  );
}

/** onForce: a candidate clicked is appended instead of what Step or a draw would pick (a branch of the decoding tree); null while it cannot be. */
function CandidateBars({ session, tally, onForce }: { session: SessionView; tally: TallyView; onForce: ((id: number) => void) | null }) {
  const top = session.next.top;
  return (
    <div class="candidates">
      <div class="bars__row bars__head" aria-hidden="true">
        <span>Next token</span>
        <span />
        <span class="bars__prob">chance</span>
        <span class="bars__tally">{tally.total > 0 ? 'drawn' : ''}</span>
      </div>
      <ol class="bars" aria-label="Next-token candidates">
        {top.map((candidate, rank) => {
          const draws = tally.counts[String(candidate.id)] ?? 0;
          return (
            <li key={rank} class={`bars__row${rank === 0 ? ' bars__row--top' : ''}`} title={candidateTitle(candidate)}>
              <button type="button" class="bars__token" disabled={!onForce} aria-label={`Append ${spokenToken(candidate.text)} (${percent(candidate.prob)})`} onClick={() => onForce?.(candidate.id)}>
                <TokenText text={candidate.text} />
              </button>
              <ProbabilityBar prob={candidate.prob} />
              <span class="bars__prob">{percent(candidate.prob)}</span>
              <span class="bars__tally" aria-hidden="true">
                {tally.total === 0 ? '' : draws === 0 ? '×0' : `×${draws} (${percent(draws / tally.total)})`}
              </span>
              {tally.total > 0 && <span class="visually-hidden">, drawn {draws === 1 ? 'once' : `${draws} times`}</span>}
            </li>
          );
        })}
      </ol>
      <p class="tally">
        {tally.last ? (
          <>
            Last draw: <strong class="generated"><TokenText text={tally.last.text} /></strong>
            {tally.roll && ` (draw ${tally.roll.index + 1} of seed ${tally.roll.seed}: u = ${tally.roll.u.toFixed(4)})`} · {tally.total} draw{tally.total === 1 ? '' : 's'}
          </>
        ) : (
          'Sample rolls from this distribution; the tally of draws appears beside the bars.'
        )}
      </p>
    </div>
  );
}

type TypedField = 'topK' | 'topP';

const FIELD_RULES: Record<TypedField, string> = {
  topK: `Top-k takes a whole number from ${DECODING_LIMITS.topK.min} to ${DECODING_LIMITS.topK.max.toLocaleString('en')}.`,
  topP: `Top-p takes a number from ${DECODING_LIMITS.topP.min} to ${DECODING_LIMITS.topP.max}.`,
};

/** The patch a typed value asks for, if the contract accepts it; null for anything else. */
function typedPatch(field: TypedField, text: string): DecodingPatch | null {
  if (text === '') return null; // Number('') is 0, yet an emptied field asks for nothing
  const result = parseDecodingPatch({ [field]: Number(text) });
  return result.ok ? result.value : null;
}

type DecodingValues = Pick<DecodingSettings, 'temperature' | 'topK' | 'topP'>;

/** Memoized on its values, not on the settings object: every session message brings a new one, and a Step changes none of them (issue 19). */
const DecodingControls = memo(function DecodingControls({ kept, readOnly, post, ...settings }: DecodingValues & { kept: number; readOnly: boolean; post: Post }) {
  // While dragging, show the value under the thumb; tell the host once, on release.
  const [dragging, setDragging] = useState<number | null>(null);
  const [asked, askTemperature] = useAskedValue(settings.temperature);
  const temperature = dragging ?? asked;
  const [invalid, setInvalid] = useState<TypedField | null>(null);
  const commitTemperature = (value: number) => {
    setDragging(null);
    askTemperature(value);
    post({ type: 'setDecoding', patch: { temperature: value } });
  };
  const commitNumber = (field: TypedField, text: string) => {
    const patch = typedPatch(field, text);
    setInvalid(patch ? null : field);
    if (patch && patch[field] !== settings[field]) post({ type: 'setDecoding', patch });
  };
  return (
    <div class="decoding">
      <Slider
        label="Temperature"
        min={DECODING_LIMITS.temperature.min}
        max={DECODING_LIMITS.temperature.max}
        step={0.05}
        value={temperature}
        valueText={temperature === 0 ? '0 (greedy)' : temperature.toFixed(2)}
        onInput={setDragging}
        onCommit={commitTemperature}
        disabled={readOnly}
      />
      <div class="row">
        <TextField label="Top-k" value={String(settings.topK)} invalid={invalid === 'topK'} disabled={readOnly} onCommit={(text) => commitNumber('topK', text)} />
        <TextField label="Top-p" value={String(settings.topP)} invalid={invalid === 'topP'} disabled={readOnly} onCommit={(text) => commitNumber('topP', text)} />
      </div>
      {invalid && <p class="field-error">{FIELD_RULES[invalid]}</p>}
      <p class="hint">
        Top-k 0 and top-p 1 are off. {kept.toLocaleString('en')} token{kept === 1 ? '' : 's'} in play.
      </p>
    </div>
  );
});
