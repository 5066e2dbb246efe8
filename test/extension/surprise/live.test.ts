// Live token surprise without VS Code: edits are debounced, and a result is shown only for the newest
// request and only while the document is still at the version it was scored from. The timers are fake
// (the test fires them), the scorer's answers are resolved by hand, in any order.
import assert from 'node:assert/strict';
import { LiveScore, type ScoreTarget, type Timers } from '../../../src/extension/surprise/live';
import type { TextScores } from '../../../src/protocol/surprise';

class FakeTimers implements Timers {
  pending = new Map<number, { run: () => void; ms: number }>();
  private next = 1;
  set(run: () => void, ms: number): number {
    this.pending.set(this.next, { run, ms });
    return this.next++;
  }
  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  fire(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const { run } of due) run();
  }
}

/** A document being typed into, a scorer whose answers wait for the test, and what got shown. */
function harness() {
  const doc = { text: 'The cat', version: 1 };
  const calls: { text: string; answer: (scores: TextScores | null) => void }[] = [];
  const shown: { text: string; version: number }[] = [];
  const timers = new FakeTimers();
  const scores = (text: string): TextScores => ({ tokens: [], layers: 12, context: 1024, overlap: 256, chunks: [text.length] });
  const live = new LiveScore(
    {
      score: (text) => new Promise((resolve) => calls.push({ text, answer: resolve })),
      read: (): ScoreTarget | null => (doc.text === '' ? null : { text: doc.text, offset: 0, version: doc.version }),
      version: () => doc.version,
      show: (_scores, target) => shown.push({ text: target.text, version: target.version }),
    },
    400,
    timers,
  );
  const type = (text: string) => ((doc.text = text), doc.version++, live.edited());
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { doc, calls, shown, timers, live, type, settle, scores };
}

describe('live token surprise (debounce and staleness)', () => {
  it('the command scores at once and shows the result', async () => {
    const h = harness();
    const done = h.live.now();
    assert.deepEqual(h.calls.map((call) => call.text), ['The cat']);
    h.calls[0].answer(h.scores('The cat'));
    assert.equal(await done, true);
    assert.deepEqual(h.shown, [{ text: 'The cat', version: 1 }]);
  });

  it('a burst of edits is scored once, after the pause, with the text as it is then', async () => {
    const h = harness();
    h.type('The cat s');
    h.type('The cat sa');
    h.type('The cat sat');
    assert.equal(h.calls.length, 0, 'nothing is scored while typing');
    assert.deepEqual([...h.timers.pending.values()].map((timer) => timer.ms), [400], 'one timer, restarted by each key');
    h.timers.fire();
    assert.deepEqual(h.calls.map((call) => call.text), ['The cat sat']);
    h.calls[0].answer(h.scores('The cat sat'));
    await h.settle();
    assert.deepEqual(h.shown, [{ text: 'The cat sat', version: 4 }]);
  });

  it('a result that arrives after a newer edit is dropped, even when it arrives last', async () => {
    const h = harness();
    const first = h.live.now(); // scores 'The cat'
    h.type('The cat sat'); // in flight: stale now
    h.timers.fire();
    const [old, fresh] = h.calls;
    fresh.answer(h.scores('The cat sat'));
    await h.settle();
    old.answer(h.scores('The cat')); // the older answer comes back after the newer one
    assert.equal(await first, false);
    assert.deepEqual(h.shown, [{ text: 'The cat sat', version: 2 }]);
  });

  it('a result for a version the document has left is dropped, even before the debounce fires', async () => {
    const h = harness();
    const done = h.live.now();
    h.doc.text = 'The dog'; // an edit the listener has not passed on yet
    h.doc.version++;
    h.calls[0].answer(h.scores('The cat'));
    assert.equal(await done, false);
    assert.deepEqual(h.shown, []);
  });

  it('stop: nothing scheduled runs, nothing in flight is shown; a failed score (null) shows nothing', async () => {
    const h = harness();
    const done = h.live.now();
    h.type('The cat sat');
    h.live.stop();
    h.timers.fire();
    assert.equal(h.timers.pending.size, 0);
    assert.equal(h.calls.length, 1, 'the pending edit was not scored');
    h.calls[0].answer(h.scores('The cat'));
    assert.equal(await done, false);
    const again = harness();
    const failed = again.live.now();
    again.calls[0].answer(null);
    assert.equal(await failed, false);
    assert.deepEqual([...h.shown, ...again.shown], []);
  });

  it('an empty text is not sent to the scorer', async () => {
    const h = harness();
    h.type('');
    h.timers.fire();
    await h.settle();
    assert.equal(h.calls.length, 0);
  });
});
