// The text `score` reads: the TEXT argument, or --file FILE ('-': stdin). Refused with a clear message:
// no text, an empty one, bytes that are not UTF-8, and binary data (a NUL, or control characters a
// text does not hold): GPT-2 would score them, but the figures would say nothing about a text.
import { readFile } from 'node:fs/promises';
import { UsageError, type ParsedArgs } from './args';

/** A binary file in a text's clothes: NUL, or C0 controls other than tab, newlines, form feed and escape. */
const BINARY = /[\0-\x08\x0e-\x1a\x1c-\x1f\x7f]/; // kept: \t \n \v \f \r and ESC (ANSI colours in logs)

export async function scoreInput(args: ParsedArgs, stdin: NodeJS.ReadableStream): Promise<string> {
  const file = args.values.file;
  if (typeof file === 'string' && args.positionals.length > 0) throw new UsageError('give either TEXT or --file, not both');
  if (typeof file !== 'string' && args.positionals.length !== 1) throw new UsageError(`expected one TEXT argument (or --file FILE), got ${args.positionals.length}`);
  const text = typeof file === 'string' ? decode(file === '-' ? await readAll(stdin) : await readText(file), file === '-' ? 'stdin' : file) : args.positionals[0];
  if (text === '') throw new UsageError('the text is empty: give GPT-2 some text to score');
  const binary = BINARY.exec(text);
  if (binary) {
    const code = binary[0].charCodeAt(0).toString(16).padStart(2, '0');
    throw new Error(`this looks like binary data, not text (character U+00${code.toUpperCase()} at offset ${binary.index}): score reads text`);
  }
  return text;
}

/** Node's own words for a file it cannot open ("ENOENT: no such file or directory, open '…'") said plainly. */
const UNREADABLE: Record<string, string> = { ENOENT: 'there is no such file', EISDIR: 'it is a folder, not a file', EACCES: 'permission denied' };

async function readText(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new Error(`cannot read ${file}: ${UNREADABLE[code] ?? (error instanceof Error ? error.message : String(error))}`);
  }
}

/** UTF-8 bytes → text; bytes that are not UTF-8 are refused rather than scored as U+FFFD. */
function decode(bytes: Uint8Array, name: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new Error(`${name} is not UTF-8 text (binary data?): score reads text`);
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(typeof part === 'string' ? Buffer.from(part) : part);
  return Buffer.concat(parts);
}
