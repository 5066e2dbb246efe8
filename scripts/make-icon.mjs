// Draws the Marketplace icon, media/icons/gpt2.png (128×128), from the glyph of media/icons/gpt2.svg — three
// token chips feeding the layers into one next token — white on VS Code blue. The Marketplace wants a PNG
// and there is no rasterizer among the dependencies, so each pixel's coverage is computed from its distance
// to the glyph's strokes (anti-aliased) and written with a minimal PNG encoder.
// Usage: node scripts/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const SIZE = 128;
const SCALE = 4.5; // the SVG's 24-unit view box → 108 px, centred
const OFFSET = (SIZE - 24 * SCALE) / 2;
const STROKE = 1.5 * SCALE;
const BACKGROUND = [0x0e, 0x63, 0x9c];
const CORNER = 22; // the background's rounded corner, px

/** The glyph as in gpt2.svg, in its own units: rounded rectangles (x, y, w, h, r) and line segments. */
const RECTS = [[2, 17, 5, 4, 1], [9.5, 17, 5, 4, 1], [17, 17, 5, 4, 1], [7, 3, 10, 6, 1.5]];
const LINES = [[4.5, 17, 4.5, 14], [4.5, 14, 19.5, 14], [19.5, 14, 19.5, 17], [12, 17, 12, 14], [12, 14, 12, 9]];

/** Signed distance from (px, py) to a rounded rectangle centred at (cx, cy) with half-sizes (hx, hy). */
function roundedBox(px, py, cx, cy, hx, hy, r) {
  const qx = Math.abs(px - cx) - hx + r;
  const qy = Math.abs(py - cy) - hy + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

function segment(px, py, [ax, ay, bx, by]) {
  const t = Math.max(0, Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return Math.hypot(px - ax - t * (bx - ax), py - ay - t * (by - ay));
}

/** Distance in px from pixel centre (x, y) to the nearest stroke's centre line. */
function toGlyph(x, y) {
  const u = (x - OFFSET) / SCALE;
  const v = (y - OFFSET) / SCALE;
  const rects = RECTS.map(([rx, ry, w, h, r]) => Math.abs(roundedBox(u, v, rx + w / 2, ry + h / 2, w / 2, h / 2, r)));
  return Math.min(...rects, ...LINES.map((line) => segment(u, v, line))) * SCALE;
}

const coverage = (distance) => Math.max(0, Math.min(1, 0.5 - distance));

function pixels() {
  const rows = Buffer.alloc(SIZE * (1 + SIZE * 4));
  for (let y = 0; y < SIZE; y++) {
    rows[y * (1 + SIZE * 4)] = 0; // filter: none
    for (let x = 0; x < SIZE; x++) {
      const [cx, cy] = [x + 0.5, y + 0.5];
      const back = coverage(roundedBox(cx, cy, SIZE / 2, SIZE / 2, SIZE / 2, SIZE / 2, CORNER));
      const ink = coverage(toGlyph(cx, cy) - STROKE / 2);
      const at = y * (1 + SIZE * 4) + 1 + x * 4;
      for (let c = 0; c < 3; c++) rows[at + c] = Math.round(BACKGROUND[c] + (255 - BACKGROUND[c]) * ink);
      rows[at + 3] = Math.round(255 * back);
    }
  }
  return rows;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter method, no interlace
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(pixels(), { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'media', 'icons', 'gpt2.png');
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
