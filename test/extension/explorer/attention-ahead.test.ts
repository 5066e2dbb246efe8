// The attention read-ahead's rules with its ports stubbed (the controller test runs it on a real worker):
// which layers it reads, in what order, within its bytes, only while the queue is idle, and never a
// session's patterns once another is on screen.

import assert from 'node:assert/strict';
import { AttentionAhead, type AheadPorts } from '../../../src/extension/explorer/attention-ahead';
import { PATTERNS_HELD_BYTES } from '../../../src/protocol/attention-map';
import type { AttentionMap } from '../../../src/protocol/views';

function stub(size: number) {
  const shown = { current: { of: {}, layers: 12, heads: 12, size } as ReturnType<AheadPorts['shown']> };
  const reads: number[] = [];
  const posted: number[] = [];
  let release: (() => void) | null = null; // while set, the read under way waits for it
  const state = { idle: true, hold: false };
  const ports: AheadPorts = {
    idle: () => state.idle,
    shown: () => shown.current,
    read: async (layer) => {
      reads.push(layer);
      if (state.hold) await new Promise<void>((resolve) => (release = resolve));
      return [{ layer, head: 0, size, lower: '' } satisfies AttentionMap];
    },
    post: (maps) => posted.push(maps[0].layer),
  };
  return { ahead: new AttentionAhead(ports, IDLE_MS), shown, reads, posted, state, release: () => release?.() };
}

const IDLE_MS = 1; // the queue's idle wait, shortened: a read comes within a few ms

/** Long enough for a read that should not come to have come (many idle waits). */
const quiet = () => new Promise((resolve) => setTimeout(resolve, 30 * IDLE_MS));

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 10_000) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('attention read-ahead (stubbed worker)', () => {
  it('reads every layer, nearest the one answered first, at a short prompt', async () => {
    const { ahead, reads, posted } = stub(12);
    ahead.answered(5);
    await until(() => posted.length === 12);
    assert.deepEqual(reads, [5, 4, 6, 3, 7, 2, 8, 1, 9, 0, 10, 11]);
    ahead.answered(0); // the same session: nothing is read twice
    await quiet();
    assert.equal(reads.length, 12);
    ahead.dispose();
  });

  it('reads only as many layers as its bytes hold at a long prompt, and none when one layer is more', async () => {
    const size = 200; // 12 heads × 20,100 weights × 4 bytes ≈ 0.96 MB a layer
    const fit = Math.floor(PATTERNS_HELD_BYTES / (12 * ((size * (size + 1)) / 2) * 4));
    assert.equal(fit, 2);
    const { ahead, reads, posted } = stub(size);
    ahead.answered(11);
    await until(() => posted.length === 2);
    ahead.answered(0);
    await quiet();
    assert.deepEqual(reads, [11, 10], 'the session holds what its bytes allow, however far the next answer is');
    ahead.dispose();
    const long = stub(1024);
    long.ahead.answered(3);
    await quiet();
    assert.deepEqual(long.reads, []);
  });

  it('waits while the queue is busy, and drops a read that another session overtook', async () => {
    const { ahead, shown, reads, posted, state, release } = stub(12);
    state.idle = false;
    ahead.answered(2);
    await quiet();
    assert.deepEqual(reads, [], 'nothing read while a request runs or waits');
    [state.idle, state.hold] = [true, true];
    await until(() => reads.length === 1);
    shown.current = { of: {}, layers: 12, heads: 12, size: 13 }; // a Step answered while layer 2 was read
    release();
    await quiet();
    assert.deepEqual(posted, [], 'the prompt\'s pattern is not posted once the Step is on screen');
    assert.deepEqual(reads, [2], 'nor is the rest of its session read');
    ahead.dispose();
  });
});
