// The extension host as the explorer webview sees it: it receives what the page posts (checked with
// the protocol's own parser) and, given a Backend, answers the way the real panel does.

import type { Page } from 'playwright-core';
import { ExplorerMessage, HostMessage, parseExplorerMessage } from '../../src/protocol/explorer';

/** Turns one webview message into the host messages the real extension would post back. */
export interface Backend {
  reply(message: ExplorerMessage): Promise<HostMessage[]>;
  /** For a backend that also posts on its own (the real controller): where its messages go. */
  attach?(post: (message: HostMessage) => Promise<void>): void;
}

export class FakeHost {
  readonly received: ExplorerMessage[] = [];
  readonly malformed: string[] = []; // anything the page posted that the protocol rejects
  readonly unsent: string[] = []; // host messages the page could not be given (it may be closing): told by a run that waits for an answer
  private replies: Promise<void> = Promise.resolve(); // answered in arrival order, like the real host

  /** Without a backend the test sends every host message itself. */
  constructor(
    private readonly page: Page,
    private readonly backend: Backend | null,
  ) {
    backend?.attach?.((message) => this.send(message).catch((error: unknown) => this.lost(message.type, error)));
  }

  private detached = false;

  async send(message: HostMessage | unknown): Promise<void> {
    if (this.detached) throw new Error('the test gave its page back');
    await this.page.evaluate((data) => window.postMessage(data, '*'), message);
  }

  /** The page goes to another test (page-pool.ts): from now on this host sends it nothing. */
  detach(): void {
    this.detached = true;
  }

  receive(raw: unknown): void {
    const result = parseExplorerMessage(raw);
    if (!result.ok) {
      this.malformed.push(result.error);
      return;
    }
    const message = result.value;
    this.received.push(message);
    const backend = this.backend;
    if (!backend) return;
    this.replies = this.replies
      .then(async () => {
        for (const reply of await backend.reply(message)) await this.send(reply);
      })
      .catch((error: unknown) => this.lost(`an answer to ${message.type}`, error));
  }

  private lost(what: string, error: unknown): void {
    this.unsent.push(`${what}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }

  /** Messages of one type, in order. */
  ofType<T extends ExplorerMessage['type']>(type: T): Extract<ExplorerMessage, { type: T }>[] {
    return this.received.filter((message): message is Extract<ExplorerMessage, { type: T }> => message.type === type);
  }

  last<T extends ExplorerMessage['type']>(type: T): Extract<ExplorerMessage, { type: T }> | undefined {
    return this.ofType(type).at(-1);
  }

  clear(): void {
    this.received.length = 0;
  }
}
