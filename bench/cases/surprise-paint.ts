// The decoration path of Show Token Surprise, from the score's arrival to the decoration options VS Code is
// handed, without VS Code: the worker's reply copied across threads (structuredClone, what postMessage does),
// the session client's check of it (parseWorkerReply, parseWorkerResult), the status bar's and the CodeLens's
// summary, the paint plan (src/extension/surprise/paint-plan.ts) and each range's two offsets turned into
// line/character positions. What is not measured: vscode.Range objects, setDecorations' trip from the
// extension host to the window, and the editor drawing them (the renderer's own work).
import { summaryLens, summaryText } from '../../src/extension/surprise/hover-text';
import { paintPlan } from '../../src/extension/surprise/paint-plan';
import { surpriseSummary, type TextScores } from '../../src/protocol/surprise';
import { parseWorkerReply, parseWorkerResult } from '../../src/protocol/worker';

/** A document's line starts, as VS Code's TextDocument keeps them (built once per version): offset → line, character by binary search. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  positionAt(offset: number): { line: number; character: number } {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: offset - this.starts[low] };
  }
}

/** One score's way to decoration options; returns how many ranges it made (so nothing is optimised away). */
export function decorate(scores: TextScores, lines: LineIndex): number {
  const reply = parseWorkerReply(structuredClone({ id: 7, ok: true, result: scores }));
  if (!reply.ok || !reply.value.ok) throw new Error(`bench: the score reply does not check: ${reply.ok ? 'failed' : reply.error}`);
  const checked = parseWorkerResult('score', reply.value.result);
  if (!checked.ok) throw new Error(`bench: the score does not check: ${checked.error}`);
  const summary = surpriseSummary(checked.value.tokens);
  summaryText(summary);
  summaryLens(summary);
  let ranges = 0;
  for (const list of paintPlan(checked.value, 0, 'rank').values()) {
    const options = list.map(([start, end]) => ({ range: { start: lines.positionAt(start), end: lines.positionAt(end) } }));
    ranges += options.length;
  }
  return ranges;
}
