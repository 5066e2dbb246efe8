// Live token surprise: an edit waits for a pause in typing (the debounce), then the text is scored again.
// A score is shown only if nothing newer was asked for since and the document is still at the version
// it was scored from, so a stale result is never painted on newer text. No `vscode`: tested with fake
// timers and a scorer the test resolves by hand.
import type { TextScores } from '../../protocol/surprise';

/** Quiet time after the last keystroke before scoring again: a pause between words, not between keys. */
export const LIVE_DEBOUNCE_MS = 400;

/** What is scored: the text, where it starts in the document, and the document version it was read at. */
export interface ScoreTarget {
  text: string;
  offset: number;
  version: number;
}

export interface LiveScorePorts {
  score(text: string): Promise<TextScores | null>;
  /** The target as the document holds it now; null when there is nothing to score (surprise off, text empty). */
  read(): ScoreTarget | null;
  /** The document's version now: a result read at another one is stale. */
  version(): number;
  show(scores: TextScores, target: ScoreTarget): void;
}

export interface Timers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = { set: (run, ms) => setTimeout(run, ms), clear: (handle) => clearTimeout(handle as NodeJS.Timeout) };

export class LiveScore {
  private timer: unknown = null;
  private asked = 0; // bumped by every request, scheduled or not: an answer to an older one is dropped
  private stopped = false;

  constructor(
    private readonly ports: LiveScorePorts,
    private readonly delayMs = LIVE_DEBOUNCE_MS,
    private readonly timers: Timers = realTimers,
  ) {}

  /** Scores the text now (the command); true when the result was shown. */
  now(): Promise<boolean> {
    this.clearTimer();
    return this.run(++this.asked);
  }

  /** After an edit: what is in flight is stale already; scores once the typing pauses. */
  edited(): void {
    this.clearTimer();
    const ticket = ++this.asked;
    this.timer = this.timers.set(() => {
      this.timer = null;
      void this.run(ticket);
    }, this.delayMs);
  }

  /** Surprise off: nothing scheduled runs and nothing in flight is shown. */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
    this.asked++;
  }

  private async run(ticket: number): Promise<boolean> {
    const target = this.stopped ? null : this.ports.read();
    if (target === null) return false;
    const scores = await this.ports.score(target.text);
    const fresh = !this.stopped && ticket === this.asked && target.version === this.ports.version();
    if (scores === null || !fresh) return false;
    this.ports.show(scores, target);
    return true;
  }

  private clearTimer(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
  }
}
