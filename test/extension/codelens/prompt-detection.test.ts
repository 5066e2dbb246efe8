import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findPrompts, promptDocumentKind, quotePrompt, type FoundPrompt } from '../../../src/extension/codelens/prompt-detection';
import { findStringLiterals } from '../../../src/extension/codelens/string-literals';

const fixtures = join(__dirname, '..', 'fixtures', 'prompts');
const read = (name: string) => readFileSync(join(fixtures, name), 'utf8');
const texts = (found: FoundPrompt[]) => found.map((prompt) => prompt.text);

/** Every character of a found prompt must come from where its offsets say (escapes aside). */
function assertOffsetsPointIntoSource(source: string, found: FoundPrompt[]): void {
  for (const prompt of found) {
    assert.equal(prompt.offsets.length, prompt.text.length + 1);
    for (let i = 1; i < prompt.offsets.length; i++) assert.ok(prompt.offsets[i] >= prompt.offsets[i - 1], 'offsets never go back');
    assert.ok(prompt.offsets[0] >= prompt.start && prompt.offsets.at(-1)! <= source.length);
  }
}

describe('CodeLens prompt detection', () => {
  it('tells which documents get lenses', () => {
    assert.equal(promptDocumentKind('/a/capitals.prompt', 'plaintext'), 'prompt-file');
    assert.equal(promptDocumentKind('/a/review.prompt.md', 'prompt'), 'prompt-file');
    assert.equal(promptDocumentKind('/a/REVIEW.PROMPT.MD', 'markdown'), 'prompt-file');
    assert.equal(promptDocumentKind('/a/x.ts', 'typescript'), 'js');
    assert.equal(promptDocumentKind('/a/x.jsx', 'javascriptreact'), 'js');
    assert.equal(promptDocumentKind('/a/x.py', 'python'), 'python');
    assert.equal(promptDocumentKind('/a/notes.md', 'markdown'), null);
    assert.equal(promptDocumentKind('/a/prompt.txt', 'plaintext'), null);
  });

  it('puts one lens above every paragraph of a .prompt file, text exactly as written', () => {
    const source = read('capitals.prompt');
    const found = findPrompts(source, 'prompt-file');
    assert.deepEqual(texts(found), [
      'The capital of Germany is Berlin. The capital of France is',
      'The quick brown fox jumps over the lazy\ndog, and then it',
      'Once upon a time, in a land far away,',
    ]);
    for (const prompt of found) assert.equal(source.slice(prompt.offsets[0], prompt.offsets.at(-1)), prompt.text);
    assert.equal(found[0].start, 0);
  });

  it('skips the front matter of a .prompt.md file', () => {
    const found = findPrompts(read('review.prompt.md'), 'prompt-file');
    assert.deepEqual(texts(found), ['You are a careful reviewer.\nAnswer in one sentence.', 'Summarise the change below.']);
  });

  it('finds string literals assigned to a name containing "prompt" in TypeScript, not in comments or elsewhere', () => {
    const source = read('assistant.ts');
    const found = findPrompts(source, 'js');
    assert.deepEqual(texts(found), [
      'You are a helpful assistant.',
      'The capital of France is',
      'Tell me a story about a "fox".',
      "Q: 2+2?\nA: 4\nQ: ${'{question}'}",
      'Line one\nLine two!',
      'Answer briefly: ',
    ]);
    assertOffsetsPointIntoSource(source, found);
    assert.equal(source.slice(found[0].start, found[0].start + 1), '"', 'the lens sits on the opening quote');
  });

  it('maps each character of an escaped value back to the source', () => {
    const source = read('assistant.ts');
    const basePrompt = findPrompts(source, 'js').find((prompt) => prompt.text.startsWith('Line one'))!;
    const newline = basePrompt.text.indexOf('\n');
    assert.equal(source.slice(basePrompt.offsets[newline], basePrompt.offsets[newline] + 2), '\\n');
    assert.equal(source.slice(basePrompt.offsets[newline + 1], basePrompt.offsets[newline + 1] + 4), 'Line');
  });

  it('finds JavaScript prompts with escapes resolved', () => {
    assert.deepEqual(texts(findPrompts(read('chain.js'), 'js')), ["Translate to French: it's raining", '\tThanks!']);
  });

  it('finds Python prompts: triple-quoted, annotated, raw, keyword arguments and dict keys', () => {
    const source = read('agent.py');
    const found = findPrompts(source, 'python');
    assert.deepEqual(texts(found), [
      'You are a poet.\nWrite in rhyme.',
      'The capital of France is',
      'C:\\new\\table',
      'Say hi to ',
      'It\'s "quoted"',
      'single\nquotes',
    ]);
    assertOffsetsPointIntoSource(source, found);
  });

  it('resolves escapes like the languages do', () => {
    const value = (source: string, syntax: 'js' | 'python') => findStringLiterals(source, syntax).map((literal) => literal.value);
    assert.deepEqual(value(String.raw`x = "\x41\u00e9\u{1F600}\\ \q"`, 'js'), ['Aé😀\\ q']);
    assert.deepEqual(value(String.raw`x = "\x41\N{DASH} \101\U0001F600"`, 'python'), ['A\\N{DASH} A😀']);
    assert.deepEqual(value('x = "line \\\ncontinued"', 'js'), ['line continued']);
    assert.deepEqual(value("x = 'unterminated\ny = 'ok'", 'js'), ['ok']);
    assert.deepEqual(value('bar"x" + rb"y"', 'python'), ['x', 'y']);
  });

  it('quotes a prompt on one line to name its lens', () => {
    assert.equal(quotePrompt('Say hi to '), '“Say hi to”');
    assert.equal(quotePrompt('You are a poet.\nWrite in rhyme.'), '“You are a poet. Write i…”');
    assert.equal(quotePrompt('You are a poet.\nWrite in rhyme.', 80), '“You are a poet. Write in rhyme.”');
  });
});
