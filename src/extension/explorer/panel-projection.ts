// What projection the panel holds, so a session message carries only the positions that changed (a Step: one
// token's) instead of every token at every layer (554 KB of JSON at 1,000 tokens). A webview that (re)loads
// holds nothing: `forget` on its `ready`, and it gets the whole projection again.

import type { HostMessage } from '../../protocol/explorer';
import { projectionUpdateOf } from '../../protocol/projection';
import type { ProjectionView, SessionView } from '../../protocol/views';

export class PanelProjection {
  private held: ProjectionView | null = null;

  /** The session message for a panel holding what was sent since the last `forget`. */
  message(session: SessionView, projection: ProjectionView): HostMessage {
    const update = projectionUpdateOf(this.held, projection);
    this.held = projection;
    return { type: 'session', session, projection: update };
  }

  forget(): void {
    this.held = null;
  }
}
