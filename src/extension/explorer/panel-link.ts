// The explorer panel as the controller reaches it: where host messages go, whether the webview has
// said `ready` (until then it hears nothing, so UI changes wait for it), and which panel an answer
// was asked for under (the answers of a panel that has closed since are dropped). It knows nothing
// of sessions or the model: the controller decides what to say, the link when and to whom.

import type { HostMessage, UiPatch } from '../../protocol/explorer';

/** How long Save Analysis waits for the panel to echo its UI before it takes the last echo. */
const UI_ECHO_PATIENCE_MS = 500;

/** Which panel was open when a request started; see PanelLink.stillOpen. */
export type PanelTicket = number;

export class PanelLink {
  private post: ((message: HostMessage) => void) | null = null;
  private listening = false; // the webview has sent `ready`: it hears what is posted
  private closed = 0; // counts closed panels: an answer asked for under an older one is dropped
  private pendingUi: UiPatch = {}; // UI changes asked for before it was ready
  private echoWaiters: (() => void)[] = []; // askUiEcho's callers, until the webview echoes its UI

  get open(): boolean {
    return this.post !== null;
  }

  /** The panel opened (or was revived): messages go to `post` from now on. */
  attach(post: (message: HostMessage) => void): void {
    this.post = post;
    this.listening = false;
  }

  /** The panel closed: nothing more is posted, waiting UI changes are dropped, open tickets expire. */
  detach(): void {
    this.post = null;
    this.closed++;
    this.listening = false;
    this.pendingUi = {};
    this.echoed(); // nobody will echo now: the last echo is the UI
  }

  /** The webview said `ready`: it hears what is posted from now on. */
  ready(): void {
    this.listening = true;
  }

  ticket(): PanelTicket {
    return this.closed;
  }

  /** False once the panel open when `ticket` was taken has closed. */
  stillOpen(ticket: PanelTicket): boolean {
    return ticket === this.closed;
  }

  /** A UI change (from the walkthrough or a command) goes to the panel once it listens. */
  applyUi(patch: UiPatch): void {
    if (this.listening) this.send({ type: 'ui', patch });
    else this.pendingUi = { ...this.pendingUi, ...patch };
  }

  /** Posts the UI changes asked for while the panel was opening, once. */
  flushUi(): void {
    if (Object.keys(this.pendingUi).length > 0) this.send({ type: 'ui', patch: this.pendingUi });
    this.pendingUi = {};
  }

  /**
   * Asks the webview for its UI state now (it echoes a change only once the UI has been still a while);
   * resolves when the echo has come, or after `patience` ms: a hidden panel may not answer, and then
   * the last echo it sent stands. At once when no webview listens.
   */
  askUiEcho(patience = UI_ECHO_PATIENCE_MS): Promise<void> {
    if (!this.listening) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, patience);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.echoWaiters.push(done);
      this.send({ type: 'echoUi' });
    });
  }

  /** The webview echoed its UI state. */
  echoed(): void {
    for (const done of this.echoWaiters.splice(0)) done();
  }

  send(message: HostMessage): void {
    this.post?.(message);
  }
}
