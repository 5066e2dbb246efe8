// The session messages carry only the token positions and chips that changed (panel-projection.ts): after any run of
// Steps, draws, forced tokens, moves in the decoding tree, Resets and new prompts, the panel's state is the
// one whole messages give; a Step's message stays the size of one token's points; an update that does not
// fit is dropped and logged, never thrown.

import assert from 'node:assert/strict';
import { Gpt2Model } from '../../../src/engine/model';
import { Gpt2Tokenizer } from '../../../src/engine/tokenizer';
import { ExplorerSession } from '../../../src/explorer/session';
import { PanelProjection } from '../../../src/extension/explorer/panel-projection';
import { type HostMessage, parseHostMessage } from '../../../src/protocol/explorer';
import { initialState, reduce, type ExplorerState } from '../../../webview/explorer/store';
import { testModel, TINY } from '../../engine/models';

/** What the webview gets: the message through JSON (postMessage) and its own check. */
function delivered(message: HostMessage): HostMessage {
  const parsed = parseHostMessage(JSON.parse(JSON.stringify(message)));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  return parsed.value;
}

const host = (state: ExplorerState, message: HostMessage) => reduce(state, { kind: 'host', message });
const sentence = (text: string) => ({ id: 'custom', text, source: 'custom' as const });

describe('session messages carry only the positions and chips that changed', function () {
  let model: Gpt2Model;
  let tokenizer: Gpt2Tokenizer;
  const open: ExplorerSession[] = [];

  before(async function () {
    const dir = await testModel(TINY);
    [model, tokenizer] = await Promise.all([Gpt2Model.load(dir, { threads: 1 }), Gpt2Tokenizer.fromModelDir(dir)]);
  });
  after(async () => {
    open.forEach((s) => s.dispose());
    await model?.dispose();
  });

  const create = async (text: string) => {
    const created = await ExplorerSession.create(model, tokenizer, { sentence: sentence(text), settings: { maxNewTokens: 30, temperature: 1, seed: 3 } });
    open.push(created);
    return created;
  };

  it('after Steps, draws, tree moves, Resets and a new prompt the panel holds what whole messages give, bit for bit', async function () {
    const panel = new PanelProjection();
    let byUpdates = initialState(null);
    let byWhole = initialState(null);
    const sizes: { what: string; update: number; whole: number; sent: HostMessage }[] = [];
    const tell = (what: string, s: ExplorerSession) => {
      const [session, projection] = [s.view(), s.projection()];
      const update = delivered(panel.message(session, projection));
      const whole = delivered({ type: 'session', session, projection });
      byUpdates = host(byUpdates, update);
      byWhole = host(byWhole, whole);
      assert.deepEqual(byUpdates.data.projection, projection, what); // the session's own projection …
      assert.deepEqual(byUpdates.data, byWhole.data, what); // … and the whole state a whole message gives
      sizes.push({ what, update: JSON.stringify(update).length, whole: JSON.stringify(whole).length, sent: update });
    };
    let s = await create('The capital of Germany is Berlin. The capital of France is');
    tell('analyze', s);
    for (let i = 0; i < 4; i++) tell(`step ${i + 1}`, (await s.step(), s));
    tell('sample & append', (await s.sampleAppend(), s));
    const tree = s.view().tree!;
    tell('back to the second generated token', (await s.select(tree.nodes[1].id), s));
    tell('a forced token: a new branch', (await s.force(13), s));
    tell('back to the first branch', (await s.select(tree.nodes[4].id), s));
    tell('the bare prompt', (await s.select(null), s));
    tell('step from the prompt again', (await s.step(), s));
    tell('reset', (await s.reset(), s));
    s = await create('The capital of Germany is Berlin. The capital of Italy is'); // a new prompt: a new frame, every dot moves
    tell('a new prompt of the same length', s);
    panel.forget(); // the webview reloaded: it holds nothing
    [byUpdates, byWhole] = [initialState(null), initialState(null)];
    tell('after a reload', s);

    const size = (what: string) => sizes.find((entry) => entry.what === what)!;
    assert.equal(size('analyze').update, size('analyze').whole, 'the first message is whole');
    assert.equal(size('after a reload').update, size('after a reload').whole);
    const step = size('step 4');
    const sent = step.sent.type === 'session' ? step.sent.projection : null;
    assert.deepEqual([sent?.from, sent?.points.length], [sent!.tokens - 1, 2 * sent!.layers], 'a Step sends the new token at every layer');
    const allPoints = JSON.stringify(s.projection().points).length;
    assert.ok(step.whole - step.update > allPoints / 2, `a Step's message leaves out the other tokens' points: ${step.update} of ${step.whole} bytes`);
    assert.ok(step.sent.type === 'session' && step.sent.session.tokens.length === 1 && step.sent.chipsFrom === sent!.tokens - 1, 'a Step sends one chip: the new token');
    assert.equal(step.sent.session.tokens[0].index, sent!.tokens - 1);
    const reset = size('reset').sent;
    assert.ok(reset.type === 'session' && reset.projection.points.length === 0, 'a Reset only drops the generated tokens');
    assert.ok(reset.type === 'session' && reset.session.tokens.length === 0 && reset.chipsFrom === reset.projection.tokens, 'and sends no chip');
    const renewed = size('a new prompt of the same length').sent;
    assert.ok(renewed.type === 'session' && renewed.chipsFrom !== undefined && renewed.chipsFrom > 0, 'a new prompt sends the chips from its first new token');
  });

  it('an update that does not fit what the panel holds is dropped and logged, not thrown; a malformed one fails the check', async function () {
    const s = await create('The capital of Germany is Berlin.');
    const [session, projection] = [s.view(), s.projection()];
    const state = host(initialState(null), delivered({ type: 'session', session, projection }));
    const { layers, tokens, last } = projection;
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (line: string) => warnings.push(line);
    try {
      const beyond = delivered({ type: 'session', session, projection: { layers, tokens: tokens + 2, points: new Array(2 * layers).fill(0.5), last, from: tokens + 1 } });
      assert.equal(host(state, beyond), state, 'from beyond the tokens held: dropped, nothing changes');
      const fresh = host(initialState(null), beyond);
      assert.equal(fresh.data.projection, null, 'an update to a panel holding nothing is dropped too');
      assert.equal(warnings.length, 2);
      assert.match(warnings[0], /dropped a session message: an update from token 8 .* does not fit the panel's 3 layers of 7 tokens/);
      const chips = delivered({ type: 'session', session: { ...session, tokens: session.tokens.slice(2) }, projection, chipsFrom: tokens + 1 });
      assert.equal(host(state, chips), state, 'chips from beyond the chips held: dropped, nothing changes');
      const astray = delivered({ type: 'session', session: { ...session, tokens: session.tokens.slice(2) }, projection, chipsFrom: 1 });
      assert.equal(host(state, astray), state, 'chips that land at another position than their index: dropped');
      assert.equal(warnings.length, 4);
      assert.match(warnings[2], /dropped a session message: chips from 8 do not fit the panel's 7 chips/);
      assert.match(warnings[3], /dropped a session message: chips from 1 put chip 2 at position 1/);
    } finally {
      console.warn = warn;
    }
    const short = parseHostMessage({ type: 'session', session, projection: { layers, tokens, points: [1, 2, 3], last, from: tokens - 1 } });
    assert.ok(!short.ok && /3 points for 3 layers of tokens 6\.\.6/.test(short.error), short.ok ? 'passed' : short.error);
    const after = parseHostMessage({ type: 'session', session, projection: { layers, tokens, points: [], last, from: tokens + 1 } });
    assert.ok(!after.ok);
  });
});
