// The extension host as the explorer webview sees it: it receives what the page posts (checked
// with the protocol's own parser) and answers the way the real panel does, from the lesson fixtures.

import type { Page } from 'playwright-core';
import { ExplorerMessage, HostMessage, parseExplorerMessage } from '../../src/protocol';
import type { SessionView } from '../../src/explorer/views';
import * as lesson from './fixtures/lesson';

export class FakeHost {
  readonly received: ExplorerMessage[] = [];
  readonly malformed: string[] = []; // anything the page posted that the protocol rejects
  private sentence = 'capitals';
  private generated = 0;
  private draws: Record<string, number> = {};
  private settings: Partial<SessionView['settings']> = {};

  /** `answer`: reply to requests like the real host; off, the test sends every message itself. */
  constructor(
    private readonly page: Page,
    private readonly answer: boolean,
  ) {}

  async send(message: HostMessage | unknown): Promise<void> {
    await this.page.evaluate((data) => window.postMessage(data, '*'), message);
  }

  receive(raw: unknown): void {
    const result = parseExplorerMessage(raw);
    if (!result.ok) {
      this.malformed.push(result.error);
      return;
    }
    this.received.push(result.value);
    if (this.answer) void this.reply(result.value).catch(() => undefined); // the page may be closing
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

  private async reply(message: ExplorerMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        await this.send(lesson.init);
        await this.send(lesson.ready);
        return this.send(this.session());
      case 'selectSentence':
        this.sentence = message.id;
        return this.restart();
      case 'reset':
        return this.restart();
      case 'step':
        this.generated++;
        this.draws = {};
        return this.send(this.session());
      case 'sample':
        return this.send({ type: 'tally', tally: this.roll() });
      case 'setDecoding':
        this.settings = { ...this.settings, ...message.patch };
        return this.send(this.session());
      case 'requestAttention':
        return this.send(lesson.attention(message.layer, message.head, this.tokenCount()));
      case 'requestQkv':
        return this.send(lesson.qkv(message.layer, message.head, message.token));
      case 'requestLens':
        return this.send(lesson.lens(message.layer, message.token, message.trackId));
      default:
        return undefined;
    }
  }

  private restart(): Promise<void> {
    this.generated = 0;
    this.draws = {};
    return this.send(this.session());
  }

  private session(): HostMessage {
    const total = Object.values(this.draws).reduce((a, b) => a + b, 0);
    const message = lesson.session(this.sentence, this.generated, { counts: { ...this.draws }, total, last: null });
    if (message.type === 'session') Object.assign(message.session.settings, this.settings);
    return message;
  }

  /** Draws the top candidate twice, then the second: a predictable tally. */
  private roll() {
    const message = lesson.session(this.sentence, this.generated);
    const top = message.type === 'session' ? message.session.next.top : [];
    const total = Object.values(this.draws).reduce((a, b) => a + b, 0);
    const drawn = top[total % 3 === 2 ? 1 : 0];
    this.draws[drawn.id] = (this.draws[drawn.id] ?? 0) + 1;
    return { counts: { ...this.draws }, total: total + 1, last: drawn };
  }

  private tokenCount(): number {
    const message = this.session();
    return message.type === 'session' ? message.session.tokens.length : 0;
  }
}
