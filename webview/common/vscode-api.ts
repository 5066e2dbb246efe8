// The webview's link to its host: typed posting, validated receiving and the state VS Code keeps
// across reloads. Shared by the explorer and walkthrough apps; each makes one link typed to its protocol.

import type { Result } from '../../src/protocol/schema';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

// acquireVsCodeApi may be called only once per page load.
let api: VsCodeApi | undefined;
function vscode(): VsCodeApi {
  api ??= acquireVsCodeApi();
  return api;
}

/**
 * One app's line to its host, typed to that app's protocol: it posts only `Outgoing` (anything else is a
 * compile error) and hears only the `Incoming` messages that pass `parse`.
 */
export interface HostLink<Outgoing, Incoming> {
  post: (message: Outgoing) => void;
  /** Calls `handler` with every valid host message; malformed ones are dropped with a warning, never thrown. Returns the unsubscribe function. */
  listen: (handler: (message: Incoming) => void) => () => void;
}

export function linkToHost<Outgoing, Incoming>(parse: (raw: unknown) => Result<Incoming>): HostLink<Outgoing, Incoming> {
  return {
    post: (message) => vscode().postMessage(message),
    listen: (handler) => {
      const receive = (event: MessageEvent) => {
        const result = parse(event.data);
        if (result.ok) handler(result.value);
        else console.warn(`dropped a malformed host message: ${result.error}`);
      };
      window.addEventListener('message', receive);
      return () => window.removeEventListener('message', receive);
    },
  };
}

/** The state saved before the last reload, if it still passes `parse` (an older version's state may not). */
export function restoreState<State>(parse: (raw: unknown) => Result<State>): State | null {
  const saved = vscode().getState();
  if (saved === undefined || saved === null) return null;
  const result = parse(saved);
  if (!result.ok) console.warn(`ignored saved state: ${result.error}`);
  return result.ok ? result.value : null;
}

export function saveState<State>(state: State): void {
  vscode().setState(state);
}
