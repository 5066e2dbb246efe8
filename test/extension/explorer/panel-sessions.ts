// The sessions a panel holds after each session message the controller posted: a message carries only the
// chips the panel does not hold (protocol/session-chips.ts), folded here as the webview's store folds them.

import type { HostMessage } from '../../../src/protocol/explorer';
import { applyChipsUpdate } from '../../../src/protocol/session-chips';
import type { SessionView } from '../../../src/protocol/views';

export function panelSessions(posted: readonly HostMessage[]): SessionView[] {
  const sessions: SessionView[] = [];
  for (const message of posted) {
    if (message.type !== 'session') continue;
    const tokens = applyChipsUpdate(sessions.at(-1)?.tokens ?? null, { tokens: message.session.tokens, from: message.chipsFrom });
    if (!tokens.ok) throw new Error(`the controller posted chips that do not fit: ${tokens.error}`);
    sessions.push({ ...message.session, tokens: tokens.value });
  }
  return sessions;
}
