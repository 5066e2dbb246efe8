// Rows of the engine's flat row-major tensors.
import assert from 'node:assert/strict';
import { row } from '../../src/engine/matrix';

describe('row', function () {
  it('row is a view of one row of a [rows, width] matrix', function () {
    const matrix = Float32Array.from([0, 1, 2, 3, 4, 5]);
    assert.deepEqual(Array.from(row(matrix, 1, 3)), [3, 4, 5]);
  });
});
