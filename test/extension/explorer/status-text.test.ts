import assert from 'node:assert/strict';
import { formatTemperature, statusText } from '../../../src/extension/explorer/status-text';

describe('status bar text', () => {
  it('shows the model state and the temperature', () => {
    assert.equal(statusText('none', null, 1).text, '$(hubot) GPT-2: none · T 1');
    assert.equal(statusText('loading', null, 0.7).text, '$(hubot) GPT-2: loading… · T 0.7');
    assert.equal(statusText('ready', 'GPT-2 124M', 0).text, '$(hubot) GPT-2: ready (GPT-2 124M) · T 0');
    assert.match(statusText('ready', 'GPT-2 124M', 0).tooltip, /click to change/);
    assert.equal(formatTemperature(1.2500001), '1.25');
  });
});
