// Where a scored range of the document is after an edit: the selection the surprise was asked for moves
// and grows with the text, so live updates keep scoring the same prompt. Offsets are UTF-16 units.

export interface TextRange {
  start: number;
  end: number;
}

/** One content change as VS Code reports it: `length` characters at `offset` replaced by `inserted`. */
export interface TextEdit {
  offset: number;
  length: number;
  inserted: number;
}

/**
 * The range after `edit`: shifted when the edit is before it, unchanged when after; an edit touching or
 * inside it widens it to hold what was typed. Null when nothing of it is left.
 */
export function followEdit(range: TextRange, edit: TextEdit): TextRange | null {
  const delta = edit.inserted - edit.length;
  const editEnd = edit.offset + edit.length;
  let next: TextRange;
  if (editEnd < range.start) next = { start: range.start + delta, end: range.end + delta };
  else if (edit.offset > range.end) next = range;
  else next = { start: Math.min(range.start, edit.offset), end: Math.max(range.end, editEnd) + delta };
  return next.end > next.start ? next : null;
}
