// Performance marks the extension leaves on the extension host's own timeline (Node's `performance`), so a bench
// can time a path that goes on into the window without a hook of its own: bench/cases/surprise-screen.ts reads
// them from inside code-server's extension host, then times the rest in the page. Each name holds only its
// latest mark (cleared before it is set again): a long session keeps no growing list. No `vscode` here.

export const MARKS = {
  /** A final reply of the session worker arrived, before it is checked (detail: the request's type). */
  workerReply: 'gpt2Explorer.workerReply',
  /** Token surprise handed its decorations to every editor of the document (detail: how many tokens). */
  surprisePainted: 'gpt2Explorer.surprisePainted',
} as const;

export type MarkName = (typeof MARKS)[keyof typeof MARKS];

export function leaveMark(name: MarkName, detail: Record<string, unknown>): void {
  performance.clearMarks(name);
  performance.mark(name, { detail });
}
