import assert from 'node:assert/strict';
import { analyzeTextArguments, emptyTextProblem, parseTemperature, presetArgument, temperatureArgument, temperatureInputProblem, uiPatchArgument } from '../../../src/extension/explorer/command-args';
import * as lesson from '../../webview/fixtures/lesson';

describe('command arguments', () => {
  describe('Set Temperature', () => {
    it('accepts plain decimals from 0 to 2', () => {
      for (const [typed, value] of [['0', 0], ['0.7', 0.7], [' 1.5 ', 1.5], ['2', 2], ['.5', 0.5], ['1.', 1]] as const) {
        assert.deepEqual(parseTemperature(typed), { ok: true, value }, typed);
        assert.equal(temperatureInputProblem(typed), undefined);
      }
    });

    it('explains every bad input', () => {
      for (const typed of ['', '   ', 'abc', 'NaN', 'Infinity', '-1', '2.01', '3', '1e0', '0x1', '1,5', '--1', '1 2']) {
        const problem = temperatureInputProblem(typed);
        assert.ok(problem, `"${typed}" was accepted`);
        assert.match(problem, /temperature|number/i);
      }
    });

    it('checks the numeric argument that skips the box', () => {
      assert.deepEqual(temperatureArgument(0), { ok: true, value: 0 });
      assert.deepEqual(temperatureArgument(1.25), { ok: true, value: 1.25 });
      for (const value of [NaN, -0.5, 2.5, Infinity, '1', null, {}, 1e9]) {
        const result = temperatureArgument(value);
        assert.equal(result.ok, false, String(value));
        assert.match(result.ok ? '' : result.error, /from 0 .* to 2/);
      }
    });
  });

  describe('Analyze', () => {
    it('refuses empty and whitespace-only text with a clear message', () => {
      assert.match(emptyTextProblem('')!, /empty/);
      assert.match(emptyTextProblem(' \n\t ')!, /only spaces or line breaks/);
      assert.equal(emptyTextProblem(' x '), undefined);
      assert.equal(emptyTextProblem('😀'), undefined);
    });

    it('checks analyzeText(text, source)', () => {
      assert.deepEqual(analyzeTextArguments('Hello', 'codelens'), { ok: true, value: { text: 'Hello', source: 'codelens' } });
      assert.deepEqual(analyzeTextArguments('Hello'), { ok: true, value: { text: 'Hello', source: 'custom' } });
      assert.equal(analyzeTextArguments(42, 'codelens').ok, false);
      assert.equal(analyzeTextArguments('  ', 'codelens').ok, false);
      assert.equal(analyzeTextArguments('Hello', 'preset').ok, false, 'presets are chosen by id, not by text');
      assert.equal(analyzeTextArguments('Hello', 'elsewhere').ok, false);
    });
  });

  it('finds presets by id and lists the known ones otherwise', () => {
    assert.equal(presetArgument('fox', lesson.presets).ok, true);
    const missing = presetArgument('nope', lesson.presets);
    assert.equal(missing.ok, false);
    assert.match(missing.ok ? '' : missing.error, /capitals, fox, long/);
    assert.equal(presetArgument(undefined, lesson.presets).ok, false);
  });

  it('checks applyUi patches with the protocol', () => {
    assert.deepEqual(uiPatchArgument({ tab: 'attention', layer: 11 }), { ok: true, value: { tab: 'attention', layer: 11 } });
    assert.equal(uiPatchArgument({ tab: 'nowhere' }).ok, false);
    assert.equal(uiPatchArgument({ layer: -1 }).ok, false);
    assert.equal(uiPatchArgument('attention').ok, false);
  });
});
