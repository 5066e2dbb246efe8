// BusySignal: what the panel is told of the worker's queue. Real timers, with a short delay of its own.
import assert from 'node:assert/strict';
import { BusySignal } from '../../../src/extension/explorer/busy-signal';

const DELAY = 30;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('BusySignal', () => {
  it('tells nothing of a request that ends before the delay', async () => {
    const told: boolean[] = [];
    const signal = new BusySignal((busy) => told.push(busy), DELAY);
    signal.changed(true);
    signal.changed(false);
    signal.changed(true);
    await wait(DELAY / 3);
    signal.changed(false);
    await wait(DELAY * 2);
    assert.deepEqual(told, []);
    assert.equal(signal.shown, false);
  });

  it('tells busy once a request has run for the delay, and not busy only a turn after it ended', async () => {
    const told: boolean[] = [];
    const signal = new BusySignal((busy) => told.push(busy), DELAY);
    signal.changed(true);
    await wait(DELAY * 2);
    assert.deepEqual(told, [true]);
    assert.equal(signal.shown, true);
    signal.changed(false);
    assert.deepEqual(told, [true], 'the answer that ended the request goes first');
    await turn();
    assert.deepEqual(told, [true, false]);
  });

  it('a new request in that turn keeps busy shown, without a flicker', async () => {
    const told: boolean[] = [];
    const signal = new BusySignal((busy) => told.push(busy), DELAY);
    signal.changed(true);
    await wait(DELAY * 2);
    signal.changed(false);
    signal.changed(true);
    await turn();
    await wait(DELAY * 2);
    assert.deepEqual(told, [true]);
    signal.dispose();
  });
});
