// GPT-2's byte-level alphabet: every vocabulary entry is a string of printable stand-ins, one per
// byte ("Ġ" is the space byte 0x20). These helpers turn token strings back into bytes, bytes into
// readable text, and byte lengths into UTF-16 ranges of the source text.

/** Stand-in character → byte, the inverse of GPT-2's bytes_to_unicode(). */
const BYTE_OF_STAND_IN: ReadonlyMap<string, number> = (() => {
  const printable = (b: number) =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const map = new Map<string, number>();
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    // Printable bytes stand for themselves; the rest are shifted to U+0100 and up, in byte order.
    const standIn = printable(b) ? b : 256 + shifted++;
    map.set(String.fromCharCode(standIn), b);
  }
  return map;
})();

/** The bytes a byte-level token string stands for. */
export function tokenStringBytes(tokenString: string): Uint8Array {
  const bytes = new Uint8Array(tokenString.length);
  for (let i = 0; i < tokenString.length; i++) {
    const byte = BYTE_OF_STAND_IN.get(tokenString[i]);
    if (byte === undefined) throw new Error(`not a byte-level token string: ${JSON.stringify(tokenString)}`);
    bytes[i] = byte;
  }
  return bytes;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Length of the UTF-8 sequence a lead byte announces; 0 for a continuation or invalid byte. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if ((lead & 0xe0) === 0xc0) return 2;
  if ((lead & 0xf0) === 0xe0) return 3;
  if ((lead & 0xf8) === 0xf0) return 4;
  return 0;
}

/**
 * Bytes as text, where every byte that is not part of a complete UTF-8 character is written as
 * "\xNN" (lower-case hex) instead of "�": a token may hold only part of a character (an emoji is
 * often split over two or three tokens), and the learner should see which bytes it holds.
 */
export function readableUtf8(bytes: Uint8Array): string {
  let text = '';
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes[i]);
    const character = length > 0 && i + length <= bytes.length ? decodeStrict(bytes.subarray(i, i + length)) : null;
    if (character === null) {
      text += `\\x${bytes[i].toString(16).padStart(2, '0')}`;
      i += 1;
    } else {
      text += character;
      i += length;
    }
  }
  return text;
}

function decodeStrict(sequence: Uint8Array): string | null {
  try {
    return strictUtf8.decode(sequence);
  } catch {
    return null; // truncated, overlong or surrogate: not one whole character
  }
}

/** Bytes UTF-8 uses for a code point; a lone surrogate counts 3, as TextEncoder writes U+FFFD. */
function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

/**
 * UTF-16 [start, end) ranges of consecutive byte runs (the tokens, in order) over `text`.
 * A character split between tokens belongs to the token holding its last byte, so the ranges tile
 * the text exactly and the tokens before it in the split get an empty range.
 */
export function utf16Ranges(text: string, byteLengths: readonly number[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let unit = 0; // UTF-16 cursor: characters before it are attributed already
  let unitByte = 0; // UTF-8 offset of the cursor
  let byteEnd = 0;
  for (const length of byteLengths) {
    byteEnd += length;
    const start = unit;
    while (unit < text.length) {
      const codePoint = text.codePointAt(unit)!;
      if (unitByte + utf8Length(codePoint) > byteEnd) break; // this character ends in a later token
      unitByte += utf8Length(codePoint);
      unit += codePoint > 0xffff ? 2 : 1;
    }
    ranges.push([start, unit]);
  }
  if (unit !== text.length || unitByte !== byteEnd) {
    throw new Error(`token bytes (${byteEnd}) do not cover the text (${unitByte} bytes, ${unit}/${text.length} units)`);
  }
  return ranges;
}
