// The parts of Show Token Surprise that need no VS Code: which bucket (colour) a rank gets, what a
// token's hover says, and where the scored range is after an edit.
import assert from 'node:assert/strict';
import { bucketOf, paintBucket, RANK_BUCKETS } from '../../../src/extension/surprise/buckets';
import { followEdit } from '../../../src/extension/surprise/follow-edit';
import { paintPlan } from '../../../src/extension/surprise/paint-plan';
import { escapeMarkdown, hoverMarkdown, percent, summaryLens, summaryText, tokenAt } from '../../../src/extension/surprise/hover-text';
import { surpriseSummary, type ScoredToken } from '../../../src/protocol/surprise';

const scored: ScoredToken = {
  id: 6342,
  text: ' Paris',
  start: 27,
  end: 33,
  logprob: Math.log(0.25),
  rank: 2,
  top: [
    { id: 262, text: ' the', prob: 0.4 },
    { id: 6342, text: ' Paris', prob: 0.25 },
    { id: 257, text: ' a', prob: 0.1 },
    { id: 12, text: '-', prob: 0.05 },
    { id: 1635, text: ' *', prob: 0.0000123 },
  ],
  lensLayer: 9,
  chunkStart: false,
};
const context = { layers: 12, overlap: 256, first: false };

describe('token surprise: buckets', () => {
  it('the paint plan: each scored token in its bucket at its document offsets, a bar where a later chunk starts, every type listed', () => {
    const token = (start: number, end: number, rank: number | null, extra: Partial<ScoredToken> = {}): ScoredToken => ({ ...scored, start, end, rank, logprob: rank === null ? null : Math.log(0.5), chunkStart: false, ...extra });
    const scores = {
      tokens: [token(0, 3, null, { chunkStart: true }), token(3, 9, 1), token(9, 9, 50), token(9, 12, 500), token(12, 15, 7, { chunkStart: true }), token(15, 20, 20000)],
      layers: 12,
      context: 1024,
      overlap: 256,
      chunks: [0, 4],
    };
    const plan = paintPlan(scores, 100, 'rank');
    assert.deepEqual([...plan.keys()], ['top10', 'top100', 'top1000', 'beyond', 'chunkStart'], 'an empty list clears a type painted before');
    assert.deepEqual(Object.fromEntries(plan), {
      top10: [[103, 109], [112, 115]],
      top100: [], // the only rank-50 token is an empty piece of a split character
      top1000: [[109, 112]],
      beyond: [[115, 120]],
      chunkStart: [[112, 115]], // not the first token's: nothing comes before it
    });
    assert.deepEqual(paintPlan(scores, 0, 'probability').get('top10'), [[3, 9], [9, 12], [12, 15], [15, 20]], 'p = 0.5 everywhere');
  });

  it('puts ranks 1–10, 11–100, 101–1,000 and beyond in GLTR\'s four buckets; no score, no bucket', () => {
    const keys = [1, 10, 11, 100, 101, 1000, 1001, 50257].map((rank) => bucketOf(rank)!.key);
    assert.deepEqual(keys, ['top10', 'top10', 'top100', 'top100', 'top1000', 'top1000', 'beyond', 'beyond']);
    assert.equal(bucketOf(null), null);
  });

  it('by probability: 10% or more, 1–10%, 0.1–1%, under 0.1% in the same four colours, whatever the rank', () => {
    const probs = [0.9, 0.1, 0.0999, 0.01, 0.00999, 0.001, 0.000999, 1e-9];
    const keys = probs.map((prob) => paintBucket({ rank: 5000, logprob: Math.log(prob) }, 'probability')!.key);
    assert.deepEqual(keys, ['top10', 'top10', 'top100', 'top100', 'top1000', 'top1000', 'beyond', 'beyond']);
    assert.equal(paintBucket({ rank: 5000, logprob: Math.log(0.9) }, 'rank')!.key, 'beyond', 'by rank, the probability does not count');
    assert.equal(paintBucket({ rank: null, logprob: null }, 'probability'), null);
  });

  it('gives each bucket its own underline, so the colour is not the only cue', () => {
    const lines = RANK_BUCKETS.map((bucket) => bucket.underline);
    assert.equal(new Set(lines).size, RANK_BUCKETS.length, `${lines.join(', ')}`);
  });
});

describe('token surprise: hover', () => {
  it('says the id, probability, surprise in bits, rank and bucket, the lens layer, and the top 5 with the token marked', () => {
    const lines = hoverMarkdown(scored, context).split('\n');
    assert.equal(lines[0], '**" Paris"** · token id 6342');
    assert.equal(lines[2], 'Probability **25.0%** given the text before it (surprise 2.00 bits) · rank **2**, in the top 10');
    assert.equal(lines[4], 'Logit lens: first ranked first at layer **9** of 0–12.');
    assert.deepEqual(lines.slice(6), [
      "| the model's top 5 here | id | probability |",
      '| --- | ---: | ---: |',
      '| " the" | 262 | 40.0% |',
      '| " Paris" ✓ | 6342 | 25.0% |',
      '| " a" | 257 | 10.0% |',
      '| "\\-" | 12 | 5.00% |',
      '| " \\*" | 1635 | 1.2e-5 |',
    ]);
  });

  it('the first token: why there is no score; no lens layer; a chunk start: the context it was scored from', () => {
    assert.match(hoverMarkdown({ ...scored, logprob: null, rank: null, top: [], lensLayer: null, chunkStart: true }, { ...context, first: true }), /The first token of the text: nothing comes before it/);
    assert.match(hoverMarkdown({ ...scored, lensLayer: null }, context), /Logit lens: no layer ranks it first \(layers 0–12\)\./);
    assert.match(hoverMarkdown({ ...scored, lensLayer: 0 }, context), /layer \*\*0\*\* of 0–12 \(the embeddings\)/);
    assert.match(hoverMarkdown({ ...scored, lensLayer: undefined }, context), /Logit lens: not read \(the text changed, or another hover came first\): hover again\./);
    assert.match(hoverMarkdown({ ...scored, chunkStart: true }, context), /A new chunk starts here: .* scored from the 256 tokens before it only\./);
    assert.doesNotMatch(hoverMarkdown(scored, context), /chunk/);
    assert.match(hoverMarkdown({ ...scored, rank: 4321 }, context), /rank \*\*4,321\*\*, beyond the top 1,000/);
  });

  it('escapes Markdown in token texts, so `code`, | pipes and [links](x) show as typed', () => {
    assert.equal(escapeMarkdown('`a`|[b](c)*_'), '\\`a\\`\\|\\[b\\]\\(c\\)\\*\\_');
    assert.match(hoverMarkdown({ ...scored, text: '|`x`' }, context), /^\*\*"\\\|\\`x\\`"\*\*/);
    assert.deepEqual([0.5, 0.05, 0.001, 0.00099].map(percent), ['50.0%', '5.00%', '0.10%', '9.9e-4']);
  });
});

describe('token surprise: the scored range follows edits', () => {
  const range = { start: 10, end: 20 };
  it('shifts with edits before it, stays for edits after it, grows with typing inside or at its ends', () => {
    assert.deepEqual(followEdit(range, { offset: 2, length: 0, inserted: 3 }), { start: 13, end: 23 });
    assert.deepEqual(followEdit(range, { offset: 0, length: 5, inserted: 0 }), { start: 5, end: 15 });
    assert.deepEqual(followEdit(range, { offset: 25, length: 2, inserted: 9 }), range);
    assert.deepEqual(followEdit(range, { offset: 15, length: 0, inserted: 4 }), { start: 10, end: 24 });
    assert.deepEqual(followEdit(range, { offset: 20, length: 0, inserted: 1 }), { start: 10, end: 21 });
    assert.deepEqual(followEdit(range, { offset: 10, length: 0, inserted: 1 }), { start: 10, end: 21 });
  });

  it('keeps what is left of it when an edit cuts across one end; null when all of it is gone', () => {
    assert.deepEqual(followEdit(range, { offset: 5, length: 10, inserted: 0 }), { start: 5, end: 10 });
    assert.deepEqual(followEdit(range, { offset: 15, length: 10, inserted: 0 }), { start: 10, end: 15 });
    assert.equal(followEdit(range, { offset: 10, length: 10, inserted: 0 }), null);
    assert.equal(followEdit(range, { offset: 0, length: 30, inserted: 0 }), null);
  });
});

describe('token surprise: the token under the mouse', () => {
  // "ab" "c" then a character split over two byte tokens (the first has an empty range), then "d".
  const tokens = [{ start: 0, end: 2 }, { start: 2, end: 3 }, { start: 3, end: 3 }, { start: 3, end: 4 }, { start: 4, end: 5 }];
  it('finds the token whose range holds the offset; the split character belongs to its last token; outside: -1', () => {
    assert.deepEqual([0, 1, 2, 3, 4].map((offset) => tokenAt(tokens, offset)), [0, 0, 1, 3, 4]);
    assert.deepEqual([-1, 5, 99].map((offset) => tokenAt(tokens, offset)), [-1, -1, -1]);
    assert.equal(tokenAt([], 0), -1);
  });

  it('agrees with a linear scan over many tokens', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ start: 3 * i, end: 3 * i + (i % 7 === 0 ? 0 : 3) })); // every 7th empty
    for (let offset = 0; offset < 3000; offset += 1) {
      const linear = many.findIndex((token) => token.start <= offset && offset < token.end);
      assert.equal(tokenAt(many, offset), linear, `offset ${offset}`);
    }
  });
});

describe('token surprise: the summary (status bar, and the CLI table\'s last line)', () => {
  const first: ScoredToken = { ...scored, id: 464, text: 'The', logprob: null, rank: null, top: [], lensLayer: null, chunkStart: true };
  it('the mean surprise in bits over the scored tokens and the most surprising of them (the first of equals)', () => {
    const tokens = [first, { ...scored, logprob: Math.log(0.5) }, { ...scored, text: ' x', logprob: Math.log(1 / 1024), rank: 900 }, { ...scored, text: ' y', logprob: Math.log(1 / 1024) }];
    const summary = surpriseSummary(tokens);
    assert.deepEqual({ ...summary, meanBits: Number(summary.meanBits!.toFixed(9)) }, { tokens: 4, scored: 3, meanBits: 7, most: { index: 2, text: ' x', bits: 10, rank: 900 } });
    assert.deepEqual(summaryText(summary), {
      text: '$(pulse) Surprise: 7.00 bits/token',
      tooltip: 'GPT-2 Token Surprise: 4 tokens, 3 scored; mean surprise 7.00 bits per token; the most surprising is " x" (token 2, 10.00 bits, rank 900). Click to hide.',
    });
  });

  it('the CodeLens above the scored text says the same in one line', () => {
    const tokens = [first, { ...scored, logprob: Math.log(0.5) }, { ...scored, text: ' x', logprob: Math.log(1 / 1024), rank: 1900 }];
    assert.equal(summaryLens(surpriseSummary(tokens)), 'GPT-2 surprise: 3 tokens · mean 5.50 bits/token · most surprising " x" (10.00 bits, rank 1,900)');
  });

  it('a one-token text: nothing scored', () => {
    const summary = surpriseSummary([first]);
    assert.deepEqual(summary, { tokens: 1, scored: 0, meanBits: null, most: null });
    assert.equal(summaryText(summary).text, '$(pulse) Surprise: 1 token');
    assert.equal(summaryLens(summary), 'GPT-2 surprise: 1 token, nothing before the first to score it from');
  });
});
