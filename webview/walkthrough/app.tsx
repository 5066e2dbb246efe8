// The side-panel walkthrough: the lesson's steps as an ordered list. The current step is open: what to
// do, a "Do it" button that does it in the explorer panel, and what to notice. Progress comes from the
// host (it follows the explorer's state), so steps done by hand are ticked too.

import { useEffect, useState } from 'preact/hooks';
import { LESSON_STEPS, type LessonStep } from '../../src/extension/walkthrough/lesson';
import { parseWalkthroughHostMessage, type WalkthroughHostMessage, type WalkthroughMessage } from '../../src/protocol';
import { listenToHost, postToHost } from '../shared/vscode-api';

type Progress = Omit<Extract<WalkthroughHostMessage, { type: 'progress' }>, 'type'>;

const post = (message: WalkthroughMessage) => postToHost(message);

export function Walkthrough() {
  const [progress, setProgress] = useState<Progress | null>(null);
  useEffect(() => {
    const stop = listenToHost(parseWalkthroughHostMessage, ({ type, ...next }) => type === 'progress' && setProgress(next as Progress));
    post({ type: 'ready' });
    return stop;
  }, []);
  if (!progress) return <p class="hint">Loading the lesson…</p>;
  const doneCount = LESSON_STEPS.filter((step) => progress.done.includes(step.id)).length;
  return (
    <main>
      <h1>Layers, Logits, Decoding</h1>
      <p class="hint" aria-live="polite">
        {doneCount} of {LESSON_STEPS.length} steps done · {progress.modelReady ? 'model ready' : 'the model loads on the first step'}
      </p>
      <ol class="steps">
        {LESSON_STEPS.map((step, index) => (
          <StepItem key={step.id} step={step} number={index + 1} open={step.id === progress.current} done={progress.done.includes(step.id)} />
        ))}
      </ol>
      <div class="footer">
        <button type="button" class="secondary" onClick={() => post({ type: 'resetProgress' })}>
          Start over
        </button>
      </div>
    </main>
  );
}

interface StepProps {
  step: LessonStep;
  number: number;
  open: boolean;
  done: boolean;
}

function StepItem({ step, number, open, done }: StepProps) {
  const bodyId = `step-${step.id}`;
  return (
    <li class={`step${open ? ' step--open' : ''}${done ? ' step--done' : ''}`} aria-current={open ? 'step' : undefined}>
      <button type="button" class="step__title" aria-expanded={open} aria-controls={bodyId} onClick={() => post({ type: 'goto', id: step.id })}>
        <span class="step__mark" aria-hidden="true">{done ? '✓' : number}</span>
        <span>{step.title}</span>
        {done && <span class="visually-hidden">(done)</span>}
      </button>
      {open && (
        <div class="step__body" id={bodyId}>
          <p>{step.todo}</p>
          <button type="button" class="primary" data-step={step.id} onClick={() => post({ type: 'runStep', id: step.id })}>
            {step.button}
          </button>
          <p class="notice">
            <strong>Notice: </strong>
            {step.notice}
          </p>
        </div>
      )}
    </li>
  );
}
