// Answers the webview the way the real host does, from the hand-made lesson fixtures: each request
// gets the message the extension would post back.

import type { SessionView } from '../../src/protocol/views';
import type { ExplorerMessage, HostMessage } from '../../src/protocol/explorer';
import type { Backend } from './fake-host';
import * as lesson from './fixtures/lesson';
import { LessonTree } from './fixtures/tree';

export class LessonBackend implements Backend {
  private sentence = 'capitals';
  private generated = 0;
  private draws: Record<string, number> = {};
  private settings: Partial<SessionView['settings']> = {};
  private readonly tree: LessonTree | null;

  /** tree: also answer as the decoding tree does (forceToken, selectNode; the session carries the tree). */
  constructor(options: { tree?: boolean } = {}) {
    this.tree = options.tree ? new LessonTree() : null;
  }

  async reply(message: ExplorerMessage): Promise<HostMessage[]> {
    switch (message.type) {
      case 'ready':
        return [lesson.init, lesson.ready, this.session()];
      case 'selectSentence':
        this.sentence = message.id;
        return [this.restart()];
      case 'reset':
        return [this.restart()];
      case 'step':
      case 'sampleAppend':
        if (this.tree) return this.grow(message.type === 'step' ? 'step' : 'sample');
        this.generated++;
        this.draws = {};
        return [this.session()];
      case 'forceToken':
        return this.tree ? this.grow('forced', message.id) : [];
      case 'selectNode':
        this.tree?.select(message.node);
        return this.tree ? [this.moved()] : [];
      case 'sample':
        return [{ type: 'tally', tally: this.roll() }];
      case 'setDecoding':
        this.settings = { ...this.settings, ...message.patch };
        return [this.session()];
      case 'requestAttention':
        return [lesson.attention(message.layer, message.head, this.tokenCount())];
      case 'requestQkv':
        return [lesson.qkv(message.layer, message.head, message.token)];
      case 'requestLens':
        return [lesson.lens(message.layer, message.token, message.trackId)];
      default:
        return [];
    }
  }

  private grow(how: 'step' | 'sample' | 'forced', id?: number): HostMessage[] {
    const before = this.session();
    if (before.type !== 'session' || before.session.stop) return [before];
    this.tree!.append(how, before.session.settings, id);
    return [this.moved()];
  }

  /** The session on the tree's node shown. */
  private moved(): HostMessage {
    this.generated = this.tree!.depth;
    this.draws = {};
    return this.session();
  }

  private restart(): HostMessage {
    this.tree?.clear();
    this.generated = 0;
    this.draws = {};
    return this.session();
  }

  private session(): HostMessage {
    const total = Object.values(this.draws).reduce((a, b) => a + b, 0);
    const message = lesson.session(this.sentence, this.generated, { counts: { ...this.draws }, total, last: null });
    if (message.type === 'session') Object.assign(message.session.settings, this.settings);
    if (message.type === 'session') this.tree?.apply(message.session);
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
