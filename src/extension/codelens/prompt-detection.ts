// Where the "Explore with GPT-2" CodeLens goes: every paragraph of a prompt file, and every string
// literal that code assigns to a name containing "prompt" (any case). Pure, so it is tested on real
// sample files without VS Code; codelens/provider.ts turns the offsets into editor ranges.

import { findStringLiterals, type LiteralSyntax } from './string-literals';

/** One prompt found in a document. */
export interface FoundPrompt {
  text: string; // exactly what Analyze receives: the paragraph, or the string's value
  start: number; // offset in the document where the lens sits (the paragraph, or the literal's first quote)
  offsets: number[]; // [text.length + 1]: document offset of each character of text, then its end
}

export type PromptDocumentKind = 'prompt-file' | LiteralSyntax;

/** Which kind of document this is for the lens, or null when it gets none. */
export function promptDocumentKind(fileName: string, languageId: string): PromptDocumentKind | null {
  if (/\.prompt(\.md)?$/i.test(fileName)) return 'prompt-file';
  if (['typescript', 'typescriptreact', 'javascript', 'javascriptreact'].includes(languageId)) return 'js';
  if (languageId === 'python') return 'python';
  return null;
}

export function findPrompts(text: string, kind: PromptDocumentKind): FoundPrompt[] {
  return kind === 'prompt-file' ? promptParagraphs(text) : promptLiterals(text, kind);
}

/** Paragraphs: runs of non-blank lines. A leading `---` front-matter block (prompt.md headers) is not one. */
export function promptParagraphs(text: string): FoundPrompt[] {
  const found: FoundPrompt[] = [];
  const paragraph = /[^\r\n]*\S[^\r\n]*(?:\r?\n[^\r\n]*\S[^\r\n]*)*/g;
  const bodyStart = frontMatterEnd(text);
  paragraph.lastIndex = bodyStart;
  for (let match = paragraph.exec(text); match; match = paragraph.exec(text)) {
    found.push({ text: match[0], start: match.index, offsets: linearOffsets(match.index, match[0].length) });
  }
  return found;
}

function frontMatterEnd(text: string): number {
  const match = /^---\r?\n[\s\S]*?\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  return match ? match[0].length : 0;
}

function linearOffsets(start: number, length: number): number[] {
  return Array.from({ length: length + 1 }, (_, i) => start + i);
}

/**
 * What may stand right before a prompt literal: `name =`, `name: Type =`, `obj.name =`, `name:` or
 * `"name":` (object keys, dict keys), Python's `name=` keyword argument. Group 1 or 2 holds the name.
 */
const ASSIGNED_TO = /(?:([A-Za-z_$][\w$]*)\s*(?::\s*[\w$.<>[\]| ]+?)?\s*(?<![=!<>])=(?![=>])|(?:([A-Za-z_$][\w$]*)|["']([^"'\n\\]*)["'])\s*:)\s*$/;

export function promptLiterals(text: string, syntax: LiteralSyntax): FoundPrompt[] {
  return findStringLiterals(text, syntax)
    .filter((literal) => literal.value.trim().length > 0 && /prompt/i.test(assignedName(text, literal.start) ?? ''))
    .map((literal) => ({ text: literal.value, start: literal.start, offsets: literal.offsets }));
}

/** The name the literal at `start` is assigned to, or undefined when it is not assigned. */
function assignedName(text: string, start: number): string | undefined {
  const before = text.slice(Math.max(0, start - 200), start);
  const match = ASSIGNED_TO.exec(before);
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

/** A prompt on one line between quotes, cut to `length` characters: names a lens among several. */
export function quotePrompt(text: string, length = 24): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return `“${oneLine.length > length ? `${oneLine.slice(0, length - 1)}…` : oneLine}”`;
}
