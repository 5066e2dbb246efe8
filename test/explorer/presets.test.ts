// The Sentence dropdown's presets: the lesson sentence first, and each one doing what its note says
// at the token level (the note is only true if the tokenizer splits the text as the note assumes).
import assert from 'node:assert/strict';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { PRESETS } from '../../src/explorer/presets';
import { parseHostMessage } from '../../src/protocol/explorer';

describe('presets', function () {
  let tokenizer: Gpt2Tokenizer;
  before(async () => (tokenizer = await Gpt2Tokenizer.fromModelDir()));
  const preset = (id: string) => PRESETS.find((p) => p.id === id)!;

  it('open on the lesson sentence at layer 6, head 0', function () {
    assert.deepEqual(PRESETS[0], { ...PRESETS[0], id: 'france', text: 'The capital of Germany is Berlin. The capital of France is', layer: 6, head: 0 });
    assert.equal(tokenizer.encode(PRESETS[0].text).length, 12);
  });

  it('are at least 6, with unique ids, layers and heads of GPT-2 small, and a one-line note', function () {
    assert.ok(PRESETS.length >= 6);
    assert.equal(new Set(PRESETS.map((p) => p.id)).size, PRESETS.length);
    for (const p of PRESETS) {
      assert.ok(p.layer >= 0 && p.layer < 12 && p.head >= 0 && p.head < 12, `${p.id}: ${p.layer}/${p.head}`);
      assert.ok(p.note.length > 20 && !p.note.includes('\n'), `${p.id}: note`);
    }
    assert.ok(parseHostMessage({ type: 'init', presets: PRESETS }).ok);
  });

  it('induction: the second half repeats the first half token for token', function () {
    const ids = tokenizer.encode(preset('induction').text).map((t) => t.id);
    const words = 7; // after the "Words:" lead-in, each a single token
    assert.equal(ids.length, 2 + 2 * words);
    assert.deepEqual(ids.slice(-words), ids.slice(-2 * words, -words));
  });

  it('glitch: " SolidGoldMagikarp" is one token, 43453', function () {
    assert.ok(tokenizer.encode(preset('glitch').text).some((t) => t.id === 43453 && t.text === ' SolidGoldMagikarp'));
  });

  it('names: " John" is repeated and " Mary" is not, so the answer is " Mary"', function () {
    const texts = tokenizer.encode(preset('names').text).map((t) => t.text);
    assert.equal(texts.filter((t) => t === ' John').length, 2);
    assert.equal(texts.filter((t) => t === ' Mary').length, 1);
  });
});
