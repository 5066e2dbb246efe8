// When the panel hears that the worker is busy. Most requests (a Step, a Sample, a view) are answered in
// tens of milliseconds: telling the panel "busy" and then "not busy" around each one cost two more
// messages and two more renders of the whole panel per click, and the "not busy" went out ahead of the
// answer itself (issue 19). Busy is told only once a request has run for SHOW_AFTER_MS, and "not busy"
// only after the answer that ended it has been posted.

/** Long enough for a Step or a view; an analysis, a model load or a long score still shows "working…". */
export const SHOW_AFTER_MS = 250;

export class BusySignal {
  private wanted = false; // the worker's state
  private told = false; // what the panel was last told
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly tell: (busy: boolean) => void,
    private readonly delayMs = SHOW_AFTER_MS,
  ) {}

  /** What the panel shows now. */
  get shown(): boolean {
    return this.told;
  }

  changed(busy: boolean): void {
    this.wanted = busy;
    clearTimeout(this.timer);
    this.timer = undefined;
    // "Not busy" waits a turn: the answer that ended the request is posted from its promise's continuation.
    if (busy && !this.told) this.timer = setTimeout(() => this.sync(), this.delayMs);
    else if (!busy && this.told) setImmediate(() => this.sync());
  }

  dispose(): void {
    clearTimeout(this.timer);
  }

  private sync(): void {
    if (this.wanted === this.told) return;
    this.told = this.wanted;
    this.tell(this.told);
  }
}
