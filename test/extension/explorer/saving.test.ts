// Save Data / Save Image on the host side: the file offered is a plain name with the right extension
// (a page cannot aim the dialog at another folder), the JSON is the export format's own text (it reads
// back), a "PNG" that is not one is refused and logged, and a cancelled dialog or a failed write says so.
import assert from 'node:assert/strict';
import { saveFromPanel, savedFile } from '../../../src/extension/explorer/saving';
import { exportOf, readExport } from '../../../src/protocol/export-format';
import type { SessionView } from '../../../src/protocol/views';
import { RecordingUi } from '../worker-harness';

const SESSION = {
  sentence: { text: 'Hello world' },
  tokens: [{ index: 0, id: 15496, text: 'Hello', generated: false, start: 0, end: 5 }],
  model: { name: 'test model (2 layers, 48 wide)', layers: 2, heads: 4, embd: 48, vocab: 50257, positions: 64, weights: 'float32' as const },
  settings: { temperature: 1, topK: 0, topP: 1, maxNewTokens: 10, seed: 42 },
} as unknown as SessionView;
const DATA = exportOf(SESSION, { type: 'attention', view: { layer: 0, head: 1, size: 1, weights: [1] } }, new Date('2026-12-03T12:00:00Z'));
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).toString('base64');

describe('saving a panel (host)', () => {
  it('offers a plain file name and writes the export text, which reads back', async () => {
    const ui = new RecordingUi();
    await saveFromPanel({ type: 'saveData', fileName: '../../etc/gpt2 attention:l0h1', data: DATA }, ui);
    assert.equal(ui.saved.length, 1);
    const [file] = ui.saved;
    assert.deepEqual([file.name, file.kind], ['gpt2 attention_l0h1.json', 'json']);
    const read = readExport(new TextDecoder().decode(file.bytes));
    assert.ok(read.ok);
    assert.deepEqual(read.value, DATA);
    assert.deepEqual(ui.notes, ['Saved saved/gpt2 attention_l0h1.json']);
  });

  it('writes a PNG as its bytes and refuses what is not one', async () => {
    const png = savedFile({ type: 'saveImage', fileName: 'gpt2-heads-grid.png', png: PNG });
    assert.ok(typeof png !== 'string');
    assert.deepEqual([png.name, png.kind, Buffer.from(png.bytes).toString('base64')], ['gpt2-heads-grid.png', 'png', PNG]);
    const ui = new RecordingUi();
    await saveFromPanel({ type: 'saveImage', fileName: 'x.png', png: Buffer.from('<svg/>').toString('base64') }, ui);
    assert.deepEqual([ui.saved.length, ui.logged], [0, ['save: the panel image is not a PNG']]);
  });

  it('says nothing when the dialog is cancelled, and names the file when the write fails', async () => {
    const cancelled = new RecordingUi();
    cancelled.save = async () => null;
    await saveFromPanel({ type: 'saveData', fileName: 'a.json', data: DATA }, cancelled);
    assert.deepEqual([cancelled.notes, cancelled.problems], [[], []]);
    const failing = new RecordingUi();
    failing.save = async () => {
      throw new Error('EACCES: permission denied');
    };
    await saveFromPanel({ type: 'saveData', fileName: 'a', data: DATA }, failing);
    assert.deepEqual(failing.problems, [{ message: 'Could not save a.json: EACCES: permission denied', actions: [] }]);
  });
});
