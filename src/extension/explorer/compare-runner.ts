// The Compare tab on the host side: the session's prompt (the clean one) beside a second prompt, and
// activation patching between them, run in the session worker like every view (nothing here blocks
// the extension host). A preset pair whose clean prompt is not the session's starts it first. A
// patching run reports its progress to the panel and can be cancelled; what the panel showed before
// stays. No `vscode` import: the controller hands it the worker and the panel.

import type { ExplorerMessage, HostMessage } from '../../protocol/explorer';
import type { PairView } from '../../protocol/compare';
import type { ProgressOf, RequestOf, WorkerRequestType, WorkerResults } from '../../protocol/worker';

export interface CompareHost {
  /** null when it did not run, failed (reported) or is no longer `wanted` (checked before it is sent and when it answers). */
  request<K extends WorkerRequestType>(request: RequestOf<K>, onProgress?: (progress: ProgressOf<K>) => void, wanted?: () => boolean, failed?: (failure: { message: string }) => void): Promise<WorkerResults[K] | null>;
  post(message: HostMessage): void;
  /** The session's prompt text, or null before a session. */
  cleanText(): string | null;
  /** Starts `pair`'s clean prompt as the session; false when it did not run. */
  startPair(pair: PairView): Promise<boolean>;
  cancelPatch(): void;
  /** Told to the user (a notification), e.g. Compare With… before anything is analyzed. */
  note(message: string): void;
}

type CompareMessage = Extract<ExplorerMessage, { type: 'requestCompare' | 'requestPatch' | 'cancelPatch' }>;

export class CompareRunner {
  private second: { corrupt: string; pair: PairView | null } | null = null; // what the session's prompt is compared with
  private cancels = 0; // a patch asked for before the latest Cancel is not wanted, even one not sent to the worker yet

  constructor(
    private readonly host: CompareHost,
    private readonly pairs: readonly PairView[],
  ) {}

  handle(message: CompareMessage): Promise<void> | void {
    if (message.type === 'requestCompare') return this.compare(message.corrupt, message.pair);
    if (message.type === 'requestPatch') return this.patch(message);
    this.cancels++;
    this.host.cancelPatch();
    this.host.post({ type: 'patchProgress', progress: null });
  }

  /** The session's prompt beside `corrupt` (GPT-2: Compare With…, the tab's choices); a pair starts its clean prompt first. */
  async compare(corrupt: string, pairId: string | null = null): Promise<void> {
    const pair = this.pairs.find((candidate) => candidate.id === pairId) ?? null;
    this.second = { corrupt: pair?.corrupt ?? corrupt, pair };
    if (pair && this.host.cleanText() !== pair.clean) {
      await this.host.startPair(pair); // its session compares itself (sessionStarted)
      return;
    }
    await this.refresh();
  }

  /** A new sentence's session: compared again with the same second prompt; a pair's tokens hold only for its own clean prompt. */
  async sessionStarted(): Promise<void> {
    if (!this.second) return;
    if (this.second.pair && this.second.pair.clean !== this.host.cleanText()) this.second = { corrupt: this.second.corrupt, pair: null };
    await this.refresh();
  }

  /** The panel closed: a new one starts with nothing compared. */
  forget(): void {
    this.second = null;
  }

  private async refresh(): Promise<void> {
    const clean = this.host.cleanText();
    if (clean === null || !this.second) return this.host.note('Nothing is analyzed yet: pick a sentence in the explorer first, then compare it with another prompt.');
    const { corrupt, pair } = this.second;
    const request: RequestOf<'compare'> = { type: 'compare', clean, corrupt, ...(pair ? { pair: { target: pair.target, versus: pair.versus } } : {}) };
    // Refused (a prompt longer than Compare takes): the tab says so, or it would wait for this answer for ever.
    const refused = ({ message }: { message: string }) => this.host.post({ type: 'compareRefused', clean, corrupt, message: message.slice(0, 2000) });
    const view = await this.host.request(request, undefined, undefined, refused);
    if (view) this.host.post({ type: 'compare', view, pair: pair?.id ?? null });
  }

  private async patch({ corrupt, what, target, versus }: Extract<CompareMessage, { type: 'requestPatch' }>): Promise<void> {
    const clean = this.host.cleanText();
    if (clean === null) return;
    const cancels = this.cancels;
    const wanted = () => this.cancels === cancels;
    const tell = (progress: ProgressOf<'patch'>) => wanted() && this.host.post({ type: 'patchProgress', progress });
    try {
      const views = await this.host.request({ type: 'patch', clean, corrupt, what, target, versus }, tell, wanted);
      if (views) this.host.post({ type: 'patching', clean, corrupt, views });
    } finally {
      this.host.post({ type: 'patchProgress', progress: null }); // done, failed or cancelled: the bar goes
    }
  }
}
