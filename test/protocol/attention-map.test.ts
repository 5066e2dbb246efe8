// The head in view travels to the panel packed (protocol/attention-map.ts): the panel unpacks exactly the
// pattern the session computes, at a fraction of the JSON; a map that does not unpack is dropped and logged.

import assert from 'node:assert/strict';
import { Gpt2Model } from '../../src/engine/model';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { ExplorerSession } from '../../src/explorer/session';
import { packAttention } from '../../src/protocol/attention-map';
import { type HostMessage, parseHostMessage } from '../../src/protocol/explorer';
import { initialState, reduce, type ExplorerState } from '../../webview/explorer/store';
import { testModel, TINY } from '../engine/models';

const host = (state: ExplorerState, message: HostMessage) => reduce(state, { kind: 'host', message });

function delivered(message: HostMessage): HostMessage {
  const parsed = parseHostMessage(JSON.parse(JSON.stringify(message)));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  return parsed.value;
}

describe('the attention map the panel is sent', function () {
  let model: Gpt2Model;
  let session: ExplorerSession;
  let panel: ExplorerState;

  before(async function () {
    const dir = await testModel(TINY);
    const tokenizer = await Gpt2Tokenizer.fromModelDir(dir);
    model = await Gpt2Model.load(dir, { threads: 1 });
    const text = 'The capital of Germany is Berlin. The capital of France is Paris, and the capital of Italy is Rome. '.repeat(2);
    session = await ExplorerSession.create(model, tokenizer, { sentence: { id: 'custom', text, source: 'custom' }, settings: { maxNewTokens: 4 } });
    panel = host(initialState(null), delivered({ type: 'session', session: session.view(), projection: session.projection() }));
  });
  after(async () => {
    session?.dispose();
    await model?.dispose();
  });

  it('unpacks to the very weights the session computes (float32, zeros above the diagonal), in far fewer bytes', async function () {
    for (const [layer, head] of [[0, 0], [1, 3]]) {
      const full = await session.attention(layer, head);
      const map = await session.attentionMap(layer, head);
      const state = host(panel, delivered({ type: 'attentionMap', view: map }));
      assert.deepEqual(state.data.attention?.view, full); // every weight, bit for bit
      assert.equal(state.data.attention?.session, panel.data.sessions, 'stamped like an attention message');
      const [packed, whole] = [JSON.stringify({ type: 'attentionMap', view: map }).length, JSON.stringify({ type: 'attention', view: full }).length];
      assert.ok(packed * 3 < whole, `${packed} bytes packed, ${whole} as JSON`);
    }
    const T = session.view().tokens.length;
    assert.ok(T > 40, `a prompt long enough to tell: ${T} tokens`);
  });

  it('a map that is not base64, has the wrong size or holds a weight that is not a probability is dropped and logged, not thrown', function () {
    const identity = (size: number) => Array.from({ length: size * size }, (_, i) => (i % (size + 1) === 0 ? 1 : 0));
    const good = packAttention(0, 0, 3, identity(3));
    const bad = [
      { ...good, lower: '***' },
      { ...good, size: 4 },
      packAttention(0, 0, 2, [1.5, 0, 0.5, 0.5]),
      packAttention(0, 0, 2, [Number.NaN, 0, 0.5, 0.5]),
    ];
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (line: string) => warnings.push(line);
    try {
      for (const view of bad) assert.equal(host(panel, delivered({ type: 'attentionMap', view })).data, panel.data);
    } finally {
      console.warn = warn;
    }
    assert.equal(warnings.length, bad.length);
    assert.match(warnings[1], /dropped a malformed host message: attention map of layer 0, head 0: 24 bytes for 4 tokens \(expected 40\)/);
    assert.match(warnings[2], /weight 1\.5 at query 0, key 0 is not a probability/);
    assert.deepEqual(host(panel, delivered({ type: 'attentionMap', view: good })).data.attention?.view.weights, identity(3));
  });
});
