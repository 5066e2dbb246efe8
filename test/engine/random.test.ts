// The project's one seeded generator: the same stream for the same seed, on every machine.
import assert from 'node:assert/strict';
import { SeededRandom } from '../../src/engine/random';

describe('SeededRandom', function () {
  it('gives the same stream for the same seed, another for another seed, always in [0, 1)', function () {
    const take = (seed: number) => Array.from({ length: 1000 }, ((random) => () => random.next())(new SeededRandom(seed)));
    assert.deepEqual(take(7), take(7));
    assert.notDeepEqual(take(7), take(8));
    for (const u of [...take(0), ...take(0xffffffff)]) assert.ok(u >= 0 && u < 1, `${u} is outside [0, 1)`);
  });

  it('rejects seeds that are not 32-bit unsigned integers', function () {
    for (const seed of [-1, 1.5, 2 ** 32, NaN]) assert.throws(() => new SeededRandom(seed), RangeError);
  });
});
