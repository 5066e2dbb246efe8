// Finds the string literals of TypeScript/JavaScript or Python source, skipping comments, and gives
// each one's value with its escapes resolved — the text the program really holds — and, for every
// character of that value, where it sits in the source (so a token can be selected in the editor).
// A scanner, not a parser: enough to tell a string from a comment and to find where each one ends
// (a JavaScript regular expression literal holding a quote can mislead it; prompts rarely follow one).

export type LiteralSyntax = 'js' | 'python';

export interface StringLiteral {
  start: number; // offset of the opening quote (or of a Python prefix such as r or f)
  end: number; // offset just past the closing quote
  value: string; // the string's value: quotes gone, escapes resolved (raw strings kept as written)
  offsets: number[]; // [value.length + 1]: offsets[i] = source offset of value[i]; the last = end of content
}

export function findStringLiterals(source: string, syntax: LiteralSyntax): StringLiteral[] {
  const literals: StringLiteral[] = [];
  let i = 0;
  while (i < source.length) {
    const comment = commentEnd(source, i, syntax);
    if (comment !== null) {
      i = comment;
      continue;
    }
    const literal = syntax === 'js' ? jsLiteral(source, i) : pythonLiteral(source, i);
    if (literal) {
      literals.push(literal);
      i = literal.end;
    } else {
      i = skipWord(source, i);
    }
  }
  return literals;
}

/** Where a comment starting at i ends, or null when none starts there. */
function commentEnd(source: string, i: number, syntax: LiteralSyntax): number | null {
  const lineComment = syntax === 'js' ? source.startsWith('//', i) : source[i] === '#';
  if (lineComment) {
    const newline = source.indexOf('\n', i);
    return newline === -1 ? source.length : newline;
  }
  if (syntax === 'js' && source.startsWith('/*', i)) {
    const close = source.indexOf('*/', i + 2);
    return close === -1 ? source.length : close + 2;
  }
  return null;
}

/** Identifiers are skipped whole, so the `r` in `bar"…"` is not taken for a Python string prefix. */
function skipWord(source: string, i: number): number {
  if (!/[\w$]/.test(source[i])) return i + 1;
  let j = i;
  while (j < source.length && /[\w$]/.test(source[j])) j++;
  return /["'`]/.test(source[j] ?? '') && /^[rbfu]{1,2}$/i.test(source.slice(i, j)) ? i : j;
}

function jsLiteral(source: string, start: number): StringLiteral | null {
  const quote = source[start];
  if (quote !== '"' && quote !== "'" && quote !== '`') return null;
  const body = new LiteralBody();
  let i = start + 1;
  while (i < source.length && source[i] !== quote) {
    if (source[i] === '\\') i = jsEscape(source, i, body);
    else if (quote === '`' && source.startsWith('${', i)) i = body.copy(source, i, templateExpressionEnd(source, i + 2));
    else if (quote !== '`' && source[i] === '\n') return null; // an unterminated '…' or "…": not a string
    else i = body.copy(source, i, i + 1);
  }
  return i < source.length ? body.finish(start, i, i + 1) : null;
}

/** The end of a template literal's `${ … }` (kept in the value as written). */
function templateExpressionEnd(source: string, i: number): number {
  let depth = 1;
  for (; i < source.length && depth > 0; i++) {
    if (source[i] === '{') depth++;
    else if (source[i] === '}') depth--;
  }
  return i;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };

function jsEscape(source: string, i: number, body: LiteralBody): number {
  const next = source[i + 1] ?? '';
  if (next === '\r' && source[i + 2] === '\n') return i + 3; // a line continuation adds nothing
  if (next === '\n' || next === '\r' || next === '\u2028' || next === '\u2029') return i + 2;
  const code = hexEscape(source, i, next === 'x' ? /^x([0-9a-fA-F]{2})/ : next === 'u' ? /^u\{([0-9a-fA-F]{1,6})\}|^u([0-9a-fA-F]{4})/ : null);
  if (code) return body.add(String.fromCodePoint(code.value), i, i + code.length);
  return body.add(SIMPLE_ESCAPES[next] ?? next, i, i + 2);
}

function hexEscape(source: string, i: number, pattern: RegExp | null): { value: number; length: number } | null {
  const match = pattern?.exec(source.slice(i + 1, i + 12));
  if (!match) return null;
  const value = parseInt(match[1] ?? match[2], 16);
  return value <= 0x10ffff ? { value, length: match[0].length + 1 } : null;
}

function pythonLiteral(source: string, start: number): StringLiteral | null {
  const prefix = /^[rbfuRBFU]{0,2}(?=["'])/.exec(source.slice(start, start + 3));
  if (!prefix) return null;
  const raw = /r/i.test(prefix[0]);
  const open = start + prefix[0].length;
  const quote = source.startsWith(source[open].repeat(3), open) ? source[open].repeat(3) : source[open];
  const body = new LiteralBody();
  let i = open + quote.length;
  while (i < source.length && !source.startsWith(quote, i)) {
    if (quote.length === 1 && source[i] === '\n') return null;
    if (source[i] === '\\') i = raw ? body.copy(source, i, Math.min(i + 2, source.length)) : pythonEscape(source, i, body);
    else i = body.copy(source, i, i + 1);
  }
  return i < source.length ? body.finish(start, i, i + quote.length) : null;
}

const PYTHON_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"' };

function pythonEscape(source: string, i: number, body: LiteralBody): number {
  const next = source[i + 1] ?? '';
  if (next === '\n') return i + 2;
  if (next === '\r') return source[i + 2] === '\n' ? i + 3 : i + 2;
  if (PYTHON_ESCAPES[next] !== undefined) return body.add(PYTHON_ESCAPES[next], i, i + 2);
  const patterns: Record<string, RegExp> = { x: /^x([0-9a-fA-F]{2})/, u: /^u([0-9a-fA-F]{4})/, U: /^U([0-9a-fA-F]{8})/ };
  const code = hexEscape(source, i, patterns[next] ?? null);
  if (code) return body.add(String.fromCodePoint(code.value), i, i + code.length);
  const octal = /^[0-7]{1,3}/.exec(source.slice(i + 1, i + 4));
  if (octal) return body.add(String.fromCharCode(parseInt(octal[0], 8)), i, i + 1 + octal[0].length);
  return body.copy(source, i, i + 2); // an unknown escape stays as written, backslash included
}

/** Collects a literal's value and the source offset of each of its characters. */
class LiteralBody {
  private value = '';
  private readonly offsets: number[] = [];

  /** Appends source[from, to) as it is; returns `to`. */
  copy(source: string, from: number, to: number): number {
    for (let i = from; i < to; i++) {
      this.value += source[i];
      this.offsets.push(i);
    }
    return to;
  }

  /** Appends the value of an escape written at source[from, to); returns `to`. */
  add(text: string, from: number, to: number): number {
    for (let i = 0; i < text.length; i++) this.offsets.push(from);
    this.value += text;
    return to;
  }

  finish(start: number, contentEnd: number, end: number): StringLiteral {
    return { start, end, value: this.value, offsets: [...this.offsets, contentEnd] };
  }
}
