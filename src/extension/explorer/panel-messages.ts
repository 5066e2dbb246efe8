// The explorer panel's receive path: every message the webview posts is checked by the protocol
// before anything acts on it. A malformed one is rejected and logged; a handler that fails is logged
// too. Nothing here throws: a webview must never be able to crash the extension host. Pure (the
// panel passes its own log and handler), so the fuzz test drives exactly this function.

import { parseExplorerMessage, type ExplorerMessage } from '../../protocol/explorer';

export interface ExplorerMessageSink {
  log(line: string): void;
  handle(message: ExplorerMessage): void | Promise<void>;
}

/** True when the message was valid and handed on. */
export function receiveExplorerMessage(raw: unknown, sink: ExplorerMessageSink): boolean {
  const parsed = parseExplorerMessage(raw);
  if (!parsed.ok) {
    sink.log(`Rejected a message from the explorer view: ${parsed.error}`);
    return false;
  }
  try {
    const handled = sink.handle(parsed.value);
    if (handled) handled.catch((error: unknown) => logFailure(sink, parsed.value, error));
  } catch (error) {
    logFailure(sink, parsed.value, error);
  }
  return true;
}

function logFailure(sink: ExplorerMessageSink, message: ExplorerMessage, error: unknown): void {
  sink.log(`Handling "${message.type}" from the explorer view failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
}
