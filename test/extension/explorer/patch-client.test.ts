// Compare and patching through the real worker thread and session client: the compare view crosses
// the thread checked, a patch tells its progress before its grids, a cancel stops it out of turn
// (kind 'cancelled') and the worker answers the next request as before; prompts that cannot be
// patched fail with kind 'invalid' and the message that says why.

import assert from 'node:assert/strict';
import { SessionClient } from '../../../src/extension/explorer/session-client';
import { PAIRS } from '../../../src/explorer/presets';
import type { PatchProgress } from '../../../src/protocol/compare';
import { WorkerError } from '../../../src/protocol/worker';
import { testModel, TINY } from '../../engine/models';
import { workerBundle, WorkerSpawner } from '../worker-harness';

const [CAPITAL] = PAIRS;
const failure = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error);

describe('compare and patching through the session worker (real worker, tiny model)', () => {
  let client: SessionClient;

  before(async () => {
    const spawner = new WorkerSpawner(await workerBundle());
    client = new SessionClient({ spawn: spawner.spawn });
    await client.request({ type: 'load', modelDir: await testModel(TINY), threads: 1, weights: 'float32' });
  });
  after(() => client.dispose());

  it('compares a pair, then patches it, telling how far it is before the grids', async () => {
    const view = await client.request({ type: 'compare', clean: CAPITAL.clean, corrupt: CAPITAL.corrupt, pair: { target: CAPITAL.target, versus: CAPITAL.versus } });
    assert.deepEqual([view.target.text, view.versus.text, view.refusal], [' Paris', ' Rome', '']);
    const heard: PatchProgress[] = [];
    const grids = await client.request({ type: 'patch', clean: CAPITAL.clean, corrupt: CAPITAL.corrupt, what: ['resid', 'attn'], target: view.target.id, versus: view.versus.id }, (progress) => heard.push(progress));
    const total = (TINY.nLayer! + 1) * 12 + TINY.nLayer! * 12;
    assert.deepEqual(heard.at(-1), { done: total, total });
    assert.deepEqual(grids.map((grid) => [grid.what, grid.effect.length, grid.effect[0].length]), [['resid', 3, 12], ['attn', 2, 12]]);
    const last = grids[0].effect[TINY.nLayer!][11];
    assert.ok(Math.abs(last - grids[0].clean) <= 1e-4, 'the final hidden state of the last position patched in is the clean run');
  });

  it('cancel stops the patch under way with kind "cancelled"; the next request is answered', async () => {
    let cancelled = false;
    const running = client.request({ type: 'patch', clean: CAPITAL.clean, corrupt: CAPITAL.corrupt, what: ['resid', 'attn', 'mlp', 'heads'], target: 0, versus: 1 }, () => {
      if (!cancelled) client.cancel('patch');
      cancelled = true;
    });
    const error = await failure(running);
    assert.ok(error instanceof WorkerError && error.kind === 'cancelled', `${String(error)}`);
    const view = await client.request({ type: 'compare', clean: CAPITAL.clean, corrupt: CAPITAL.clean });
    assert.match(view.refusal, /nothing to patch/);
  });

  it('a cancel before the patch runs drops it; an analyze cancel leaves a patch alone', async () => {
    const blocker = client.request({ type: 'compare', clean: CAPITAL.clean, corrupt: CAPITAL.corrupt });
    const waiting = client.request({ type: 'patch', clean: CAPITAL.clean, corrupt: CAPITAL.corrupt, what: ['mlp'], target: 0, versus: 1 });
    client.cancel('patch');
    const error = await failure(waiting);
    assert.ok(error instanceof WorkerError && error.kind === 'cancelled');
    await blocker;
    const patching = client.request({ type: 'patch', clean: CAPITAL.clean, corrupt: CAPITAL.corrupt, what: ['mlp'], target: 0, versus: 1 });
    client.cancel(); // the analyze's Cancel
    assert.equal((await patching).length, 1);
  });

  it('prompts of other token counts fail with kind "invalid" and both tokenizations; so does the same prompt twice', async () => {
    const other = await failure(client.request({ type: 'patch', clean: CAPITAL.clean, corrupt: 'The capital of France is', what: ['resid'], target: 0, versus: 1 }));
    assert.ok(other instanceof WorkerError && other.kind === 'invalid', String(other));
    assert.match(other.message, /clean one has 12, the corrupted one 5[\s\S]*they part at position 3/);
    const same = await failure(client.request({ type: 'patch', clean: CAPITAL.clean, corrupt: CAPITAL.clean, what: ['resid'], target: 0, versus: 1 }));
    assert.ok(same instanceof WorkerError && same.kind === 'invalid' && /nothing to patch/.test(same.message), String(same));
  });
});
