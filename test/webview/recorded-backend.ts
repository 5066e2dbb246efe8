// Answers the webview from a recording of the real session worker (record-fixtures.ts): a message
// equal to a recorded one gets that exchange's replies; repeats of a message take its recordings in
// order and then keep the last; anything unrecorded gets no answer.

import { isDeepStrictEqual } from 'node:util';
import type { ExplorerMessage, HostMessage } from '../../src/protocol/explorer';
import type { Backend } from './fake-host';
import type { Exchange } from './record-fixtures';

export class RecordedBackend implements Backend {
  private readonly used = new Map<Exchange, number>();

  constructor(private readonly exchanges: Exchange[]) {}

  async reply(message: ExplorerMessage): Promise<HostMessage[]> {
    const matching = this.exchanges.filter((exchange) => isDeepStrictEqual(exchange.sent, message));
    const next = matching.find((exchange) => !this.used.has(exchange)) ?? matching.at(-1);
    if (!next) return [];
    this.used.set(next, 1);
    return next.replies;
  }
}
