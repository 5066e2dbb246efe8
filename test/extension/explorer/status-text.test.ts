import assert from 'node:assert/strict';
import { formatTemperature, statusText } from '../../../src/extension/explorer/status-text';

describe('status bar text', () => {
  it('shows the model state and the temperature', () => {
    assert.equal(statusText('none', null, 1).text, '$(hubot) GPT-2: none · T 1');
    assert.equal(statusText('loading', null, 0.7).text, '$(hubot) GPT-2: loading… · T 0.7');
    assert.equal(statusText('ready', { name: 'GPT-2 124M' }, 0).text, '$(hubot) GPT-2: ready (GPT-2 124M) · T 0');
    assert.match(statusText('ready', { name: 'GPT-2 124M' }, 0).tooltip, /click to change/);
    assert.equal(formatTemperature(1.2500001), '1.25');
  });

  it('names the model by its repository id, else its folder, with its shape and folder in the tooltip', () => {
    const medium = { name: 'GPT-2 medium 355M', repo: 'openai-community/gpt2-medium', folder: '/cache/models--openai-community--gpt2-medium/snapshots/6dcaa7a952f72f9298047fd5137cd6e4f05f41da' };
    assert.equal(statusText('ready', medium, 1).text, '$(hubot) GPT-2: ready (openai-community/gpt2-medium) · T 1');
    assert.equal(statusText('ready', medium, 1).tooltip.split('\n')[0], `openai-community/gpt2-medium (GPT-2 medium 355M) is loaded from ${medium.folder}.`);
    const folder = { name: 'test model (2 layers, 64 wide)', repo: null, folder: 'C:\\models\\tiny-gpt2\\' };
    assert.equal(statusText('ready', folder, 1).text, '$(hubot) GPT-2: ready (tiny-gpt2) · T 1');
    assert.match(statusText('ready', folder, 1).tooltip, /^tiny-gpt2 \(test model \(2 layers, 64 wide\)\) is loaded from C:\\models\\tiny-gpt2\\\.\n/);
  });
});
