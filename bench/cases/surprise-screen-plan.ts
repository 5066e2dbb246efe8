// What the two halves of the surprise-screen case agree on: surprise-screen.ts (the bench process: code-server,
// Chromium, the page's clock) writes the plan into the workspace, and surprise-screen-host.ts (run inside
// code-server's extension host) reads it and reports each round on the console, which reaches the page.
// No `vscode`, no Node-only module: both bundles import it.

/** The plan's file in the workspace. */
export const PLAN_FILE = 'surprise-screen.json';

export interface ScreenPlan {
  file: string; // the document scored, in the workspace
  rounds: number; // the first is reported alone (the model just loaded, nothing warm yet)
  shownMs: number; // each round leaves the decorations on this long, so the page sees them settle
  hiddenMs: number; // and off this long before the next round
}

/** The prefix of the console line each round is reported in (its JSON follows). */
export const ROUND_LOG = 'surprise-screen round: ';

/** One round as the extension host saw it; every time is wall-clock ms (performance.timeOrigin + performance.now()). */
export interface HostRound {
  round: number;
  askedAt: number; // GPT-2: Show Token Surprise was run
  replyAt: number; // the worker's score arrived (the extension's mark, before the reply is checked)
  paintedAt: number; // setDecorations had been called for every decoration type (the extension's mark)
  hiddenAt: number; // the same command was run again to turn it off
  tokens: number;
  skew: number; // Date.now() minus this clock, read as the round ended: the two processes' clocks are compared by it
}
