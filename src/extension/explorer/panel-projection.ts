// What projection and token chips the panel holds, so a session message carries only the positions and chips
// that changed (a Step: one token's) instead of every token at every layer (554 KB of JSON at 1,000 tokens) and
// every chip (79 KB). A webview that (re)loads holds nothing: `forget` on its `ready`, and it gets all again.

import type { HostMessage } from '../../protocol/explorer';
import { projectionUpdateOf } from '../../protocol/projection';
import { chipsUpdateOf } from '../../protocol/session-chips';
import type { ProjectionView, SessionView, TokenChip } from '../../protocol/views';

export class PanelProjection {
  private held: ProjectionView | null = null;
  private chips: TokenChip[] | null = null;

  /** The session message for a panel holding what was sent since the last `forget`. */
  message(session: SessionView, projection: ProjectionView): HostMessage {
    const update = projectionUpdateOf(this.held, projection);
    const { tokens, from } = chipsUpdateOf(this.chips, session.tokens);
    [this.held, this.chips] = [projection, session.tokens];
    return { type: 'session', session: { ...session, tokens }, projection: update, ...(from === undefined ? {} : { chipsFrom: from }) };
  }

  forget(): void {
    [this.held, this.chips] = [null, null];
  }
}
