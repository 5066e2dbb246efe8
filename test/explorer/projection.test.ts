// The projection frame: principal directions checked against a plain power iteration, the sign
// rule, determinism, and the normalisation that keeps a few huge dimensions from taking over.
import assert from 'node:assert/strict';
import { SeededRandom } from '../../src/engine/random';
import { dot, principalDirections } from '../../src/explorer/pca';
import { ProjectionFrame } from '../../src/explorer/projection';

function randomRows(n: number, d: number, seed: number, spread: (i: number) => number): Float64Array[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: n }, () => Float64Array.from({ length: d }, (_, i) => (random.next() - 0.5) * spread(i)));
}

function centre(rows: Float64Array[]): Float64Array[] {
  const d = rows[0].length;
  const mean = new Float64Array(d);
  for (const row of rows) row.forEach((x, i) => (mean[i] += x / rows.length));
  return rows.map((row) => row.map((x, i) => x - mean[i]));
}

/** The top eigenvectors of Xᵀ·X by the textbook method: power iteration, then deflation. */
function powerIterationDirections(rows: Float64Array[], count: number): Float64Array[] {
  const d = rows[0].length;
  const found: Float64Array[] = [];
  for (let c = 0; c < count; c++) {
    let v = Float64Array.from({ length: d }, (_, i) => Math.cos(i + c));
    for (let iteration = 0; iteration < 5000; iteration++) {
      const next = new Float64Array(d);
      for (const row of rows) {
        const along = dot(row, v);
        row.forEach((x, i) => (next[i] += along * x));
      }
      for (const done of found) {
        const overlap = dot(next, done);
        next.forEach((_, i) => (next[i] -= overlap * done[i]));
      }
      const norm = Math.sqrt(dot(next, next));
      v = next.map((x) => x / norm);
    }
    found.push(v);
  }
  return found;
}

describe('principalDirections', function () {
  for (const [n, d, path] of [[40, 30, 'Gram matrix (n ≤ d)'], [200, 12, 'scatter matrix (n > d)']] as const) {
    it(`finds the same top-2 directions as power iteration, via the ${path}`, function () {
      const rows = centre(randomRows(n, d, n, (i) => 1 + 6 / (i + 1))); // decreasing spread: distinct eigenvalues
      const ours = principalDirections(rows, d, 2);
      const theirs = powerIterationDirections(rows, 2);
      ours.forEach((direction, i) => {
        assert.ok(Math.abs(Math.abs(dot(direction, theirs[i])) - 1) < 1e-6, `direction ${i}: |cos| = ${Math.abs(dot(direction, theirs[i]))}`);
        assert.ok(Math.abs(dot(direction, direction) - 1) < 1e-9, 'unit length');
      });
      assert.ok(Math.abs(dot(ours[0], ours[1])) < 1e-9, 'orthogonal');
    });
  }

  it('makes the largest loading of each direction positive, and gives the same answer every time', function () {
    const rows = centre(randomRows(30, 16, 5, (i) => 10 - i / 2));
    const first = principalDirections(rows, 16, 2);
    for (const direction of first) {
      const largest = direction.reduce((best, x, i) => (Math.abs(x) > Math.abs(direction[best]) ? i : best), 0);
      assert.ok(direction[largest] > 0);
    }
    assert.deepEqual(principalDirections(rows, 16, 2), first);
  });

  it('returns zero directions for rows that do not vary', function () {
    const rows = Array.from({ length: 6 }, () => new Float64Array(8));
    for (const direction of principalDirections(rows, 8, 2)) assert.ok(direction.every((x) => x === 0));
  });
});

describe('ProjectionFrame', function () {
  const d = 64;
  // Residual-stream-like rows: two dimensions ~100× the others, as in GPT-2 (engine-facts.md).
  const rows = randomRows(13 * 9, d, 11, (i) => (i === 3 || i === 40 ? 100 : 1));

  it('is deterministic and gives finite coordinates', function () {
    const a = ProjectionFrame.fit(rows, d);
    const b = ProjectionFrame.fit(rows, d);
    for (const row of rows) {
      const [x, y] = a.project(row);
      assert.ok(Number.isFinite(x) && Number.isFinite(y));
      assert.deepEqual(b.project(row), [x, y]);
    }
  });

  it('ignores a vector\'s overall scale (the residual stream grows with depth)', function () {
    const frame = ProjectionFrame.fit(rows, d);
    const [x, y] = frame.project(rows[0]);
    const [x10, y10] = frame.project(rows[0].map((v) => v * 10));
    assert.ok(Math.abs(x - x10) < 1e-9 && Math.abs(y - y10) < 1e-9);
  });

  it('is not just the two huge dimensions: the others move the dots too', function () {
    const frame = ProjectionFrame.fit(rows, d);
    const quiet = Float64Array.from(rows[0]);
    for (let i = 0; i < d; i++) if (i !== 3 && i !== 40) quiet[i] = -quiet[i];
    const [x, y] = frame.project(rows[0]);
    const [qx, qy] = frame.project(quiet);
    assert.ok(Math.hypot(x - qx, y - qy) > 0.1 * Math.hypot(x, y), `the quiet dimensions moved the dot by only ${Math.hypot(x - qx, y - qy)}`);
  });

  it('fits on evenly spaced rows when there are very many, and still projects them all', function () {
    const many = randomRows(3000, 16, 2, () => 1);
    const frame = ProjectionFrame.fit(many, 16);
    for (const row of many.slice(0, 50)) assert.ok(frame.project(row).every(Number.isFinite));
  });

  it('fits on at most 128 of them: the same frame as a fit on every ⌈n / 128⌉-th row', function () {
    const many = randomRows(3000, 16, 2, () => 1);
    const every24th = many.filter((_, i) => i % 24 === 0); // 125 rows
    const [a, b] = [ProjectionFrame.fit(many, 16), ProjectionFrame.fit(every24th, 16)];
    for (const row of many.slice(0, 20)) assert.deepEqual(a.project(row), b.project(row));
    assert.notDeepEqual(ProjectionFrame.fit(many.slice(0, 128), 16).project(many[0]), ProjectionFrame.fit(many.slice(0, 129), 16).project(many[0]));
  });
});
