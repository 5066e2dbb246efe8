// The export format round-trip: every panel's data, taken from a real session on a generated model,
// written as the file text and read back is the same value; bad files are refused with a message that
// says what is wrong (not JSON, another format, another version, a damaged field).
import assert from 'node:assert/strict';
import { Gpt2Model } from '../../src/engine/model';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { headsGrid } from '../../src/explorer/heads-grid';
import { ExplorerSession } from '../../src/explorer/session';
import { analysisOf, EXPORT_FORMAT, exportFileName, exportOf, exportText, type PanelData, readAnalysis, readExport } from '../../src/protocol/export-format';
import { testModel, TINY } from '../engine/models';

describe('export format', function () {
  let model: Gpt2Model;
  let session: ExplorerSession;
  let panels: PanelData[];

  before(async function () {
    const dir = await testModel(TINY);
    const tokenizer = await Gpt2Tokenizer.fromModelDir(dir);
    model = await Gpt2Model.load(dir, { threads: 1 });
    session = await ExplorerSession.create(model, tokenizer, { sentence: { id: 'export', text: 'The capital of France is', source: 'custom' } });
    await session.step();
    const view = session.view();
    const last = view.tokens.length - 1;
    panels = [
      { type: 'attention', view: await session.attention(1, 2) },
      { type: 'headsGrid', view: await headsGrid(session, last) },
      { type: 'attribution', view: await session.attribution(last, view.next.top[0].id, view.next.top[1].id) },
      { type: 'lens', view: await session.lens(1, last, view.next.top[0].id) },
      { type: 'qkv', view: session.qkv(0, 1, last) },
      { type: 'positions', view: session.projection() },
      { type: 'generation', next: view.next, tally: session.sample(5) },
    ];
  });
  after(async () => (session?.dispose(), await model?.dispose()));

  it('reads back every panel exactly as written, with the prompt, the model and the settings', function () {
    const view = session.view();
    for (const panel of panels) {
      const written = exportOf(view, panel, new Date('2026-12-03T12:00:00Z'));
      const read = readExport(exportText(written));
      assert.ok(read.ok, `${panel.type}: ${!read.ok && read.error}`);
      assert.deepEqual(read.value, written);
      assert.equal(read.value.prompt.text, 'The capital of France is');
      assert.equal(read.value.prompt.tokens.length, view.tokens.length);
      assert.deepEqual([read.value.model.info.name, read.value.model.info.weights], [view.model.name, 'float32']);
      assert.deepEqual(read.value.decoding, view.settings);
    }
    assert.deepEqual(panels.map((panel) => exportFileName(panel, 'json')), ['gpt2-attention-l1h2.json', 'gpt2-heads-grid-t5.json', 'gpt2-attribution.json', 'gpt2-lens-l1t5.json', 'gpt2-qkv-l0h1t5.json', 'gpt2-positions.json', 'gpt2-generation.json']);
  });

  it('reads back a whole analysis (Save Analysis), and tells it from a panel file', function () {
    const analysis = analysisOf(session.view(), panels, new Date('2026-12-03T12:00:00Z'));
    const read = readAnalysis(exportText(analysis));
    assert.ok(read.ok, !read.ok ? read.error : '');
    assert.deepEqual(read.value, analysis);
    const asPanel = readExport(exportText(analysis));
    assert.ok(!asPanel.ok && /its "format" is "gpt2-explorer\/analysis", not "gpt2-explorer\/panel"/.test(asPanel.error));
    const panel = readAnalysis(exportText(exportOf(session.view(), panels[0], new Date())));
    assert.ok(!panel.ok && /not "gpt2-explorer\/analysis"/.test(panel.error));
  });

  it('refuses bad files with a clear message', function () {
    const good = exportOf(session.view(), panels[0], new Date());
    const bad = (text: string) => {
      const read = readExport(text);
      assert.ok(!read.ok, `accepted: ${text.slice(0, 80)}`);
      return read.error;
    };
    assert.match(bad('{"format": '), /^not a GPT-2 Explorer export: the file is not JSON/);
    assert.match(bad('[1, 2]'), /its "format" is missing, not "gpt2-explorer\/panel"/);
    assert.match(bad(JSON.stringify({ ...good, format: 'bertviz' })), /its "format" is "bertviz"/);
    assert.match(bad(JSON.stringify({ ...good, version: 2 })), /version 2; this explorer reads version 1/);
    const weights = (good.panel as { view: { weights: number[] } }).view.weights;
    const damaged = { ...good, panel: { ...good.panel, view: { ...(good.panel as { view: object }).view, weights: [1.5, ...weights.slice(1)] } } };
    assert.match(bad(JSON.stringify(damaged)), /^a damaged GPT-2 Explorer export: .*weights/);
    assert.equal(good.format, EXPORT_FORMAT);
  });
});
