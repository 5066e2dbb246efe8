// The side-panel walkthrough: the lesson's steps as an ordered list. The current step is open: what to
// do, a "Do it" button that does it in the explorer panel, and what to notice. The host owns the lesson:
// it sends the steps first, then the progress (it follows the explorer's state, so steps done by hand
// are ticked too). This view only draws what it is sent.

import { useEffect, useState } from 'preact/hooks';
import { type LessonStepView, parseWalkthroughHostMessage, type WalkthroughHostMessage, type WalkthroughMessage } from '../../src/protocol/walkthrough';
import { linkToHost } from '../common/vscode-api';

type Lesson = Extract<WalkthroughHostMessage, { type: 'lesson' }>;
type Progress = Extract<WalkthroughHostMessage, { type: 'progress' }>;

const host = linkToHost<WalkthroughMessage, WalkthroughHostMessage>(parseWalkthroughHostMessage);
const post = host.post;

export function Walkthrough() {
  const [lesson, setLesson] = useState<Lesson | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  useEffect(() => {
    const stop = host.listen((message) => (message.type === 'lesson' ? setLesson(message) : setProgress(message)));
    post({ type: 'ready' });
    return stop;
  }, []);
  if (!lesson || !progress) return <p class="hint">Loading the lesson…</p>;
  const { steps } = lesson;
  const doneCount = steps.filter((step) => progress.done.includes(step.id)).length;
  return (
    <main>
      <h1>{lesson.title}</h1>
      <p class="hint" aria-live="polite">
        {doneCount} of {steps.length} steps done · {progress.modelReady ? 'model ready' : 'the model loads on the first step'}
      </p>
      <ol class="steps">
        {steps.map((step, index) => (
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
  step: LessonStepView;
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
