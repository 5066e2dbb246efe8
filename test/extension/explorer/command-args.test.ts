import assert from 'node:assert/strict';
import { analyzeTextArguments, emptyTextProblem, parseTemperature, presetArgument, temperatureArgument, temperatureInputProblem, uiPatchArgument } from '../../../src/extension/explorer/command-args';
import { decodingChanges, DEFAULT_DECODING, readSettings } from '../../../src/extension/shared/settings';
import { formatTemperature, statusText } from '../../../src/extension/explorer/status-text';
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

describe('settings', () => {
  const from = (values: Record<string, unknown>) => readSettings((key) => values[key]);

  it('uses the defaults when nothing is set', () => {
    const { settings, problems } = from({});
    assert.deepEqual(settings, { modelPath: '', threads: 0, weights: 'float32', decoding: DEFAULT_DECODING, codeLensEnabled: true });
    assert.deepEqual(problems, []);
  });

  it('reads good values and replaces bad ones by the default, saying which', () => {
    const { settings, problems } = from({ temperature: 0.3, topK: 40, topP: 'all', maxNewTokens: 0, seed: -1, threads: 2, modelPath: ' /m ', 'codeLens.enabled': false });
    assert.deepEqual(settings.decoding, { ...DEFAULT_DECODING, temperature: 0.3, topK: 40 });
    assert.equal(settings.threads, 2);
    assert.equal(settings.modelPath, '/m');
    assert.equal(settings.codeLensEnabled, false);
    assert.equal(problems.length, 3);
    assert.match(problems.join('\n'), /gpt2Explorer\.topP = "all".*gpt2Explorer\.maxNewTokens = 0.*gpt2Explorer\.seed = -1/s);
  });

  it('reads the opt-in 8-bit weights, and anything but "float32" or "int8" as the default float32, saying so', () => {
    assert.equal(from({ weights: 'int8' }).settings.weights, 'int8');
    assert.equal(from({ weights: 'float32' }).settings.weights, 'float32');
    for (const bad of ['INT8', 'int4', 8, true, {}]) {
      const { settings, problems } = from({ weights: bad });
      assert.equal(settings.weights, 'float32', JSON.stringify(bad));
      assert.deepEqual(problems, [`gpt2Explorer.weights = ${JSON.stringify(bad)} is not "float32" or "int8"; using "float32"`]);
    }
  });

  it('lists the decoding fields that changed', () => {
    assert.deepEqual(decodingChanges(DEFAULT_DECODING, { ...DEFAULT_DECODING, temperature: 0, seed: 3 }), { temperature: 0, seed: 3 });
    assert.deepEqual(decodingChanges(DEFAULT_DECODING, DEFAULT_DECODING), {});
  });
});

describe('status bar text', () => {
  it('shows the model state and the temperature', () => {
    assert.equal(statusText('none', null, 1).text, '$(hubot) GPT-2: none · T 1');
    assert.equal(statusText('loading', null, 0.7).text, '$(hubot) GPT-2: loading… · T 0.7');
    assert.equal(statusText('ready', 'GPT-2 124M', 0).text, '$(hubot) GPT-2: ready (GPT-2 124M) · T 0');
    assert.match(statusText('ready', 'GPT-2 124M', 0).tooltip, /click to change/);
    assert.equal(formatTemperature(1.2500001), '1.25');
  });
});
