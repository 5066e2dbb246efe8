// package.json's settings mirror the protocol's decoding limits and defaults (VS Code's Settings editor
// checks values against them before the extension does): this fails the moment the two drift. Its
// capabilities say what works in Restricted Mode and in a virtual workspace, and which settings no
// untrusted workspace may set.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESTRICTED_SETTINGS } from '../../src/extension/common/trust';
import { DECODING_KEYS, DECODING_LIMITS, DEFAULT_DECODING } from '../../src/protocol/decoding';
import { SHOWN_CONTEXT, SURPRISE_COLORS, SURPRISE_COMMANDS } from '../../src/extension/surprise/contributes';

interface SettingSchema {
  type: string;
  default: unknown;
  minimum?: number;
  maximum?: number;
  description?: string;
  markdownDescription?: string;
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
const properties: Record<string, SettingSchema> = manifest.contributes.configuration.properties;

describe('package.json settings', () => {
  for (const key of DECODING_KEYS) {
    it(`gpt2Explorer.${key} has the protocol's range and default, and says it is where the explorer starts`, () => {
      const setting = properties[`gpt2Explorer.${key}`];
      assert.ok(setting, `gpt2Explorer.${key} is contributed`);
      const limit: { min: number; max: number; integer?: boolean } = DECODING_LIMITS[key];
      assert.deepEqual(
        { type: setting.type, minimum: setting.minimum, maximum: setting.maximum, default: setting.default },
        { type: limit.integer ? 'integer' : 'number', minimum: limit.min, maximum: limit.max, default: DEFAULT_DECODING[key] },
      );
      assert.match(setting.markdownDescription ?? setting.description ?? '', /the explorer starts from/);
    });
  }
});

describe('package.json capabilities', () => {
  const { untrustedWorkspaces, virtualWorkspaces } = manifest.capabilities;

  it('works in Restricted Mode, with the restricted settings of common/trust.ts and no others', () => {
    assert.equal(untrustedWorkspaces.supported, 'limited');
    assert.match(untrustedWorkspaces.description, /Restricted Mode.*gpt2Explorer\.modelPath and gpt2Explorer\.model are ignored until you trust it/);
    assert.deepEqual(untrustedWorkspaces.restrictedConfigurations, RESTRICTED_SETTINGS.map((key) => `gpt2Explorer.${key}`));
    for (const key of untrustedWorkspaces.restrictedConfigurations) assert.ok(properties[key], `${key} is a contributed setting`);
  });

  it('restricts every setting that names a place: a path, folder, cache, repository, endpoint, URL or host', () => {
    const placeLike = /path|folder|dir|cache|repo|endpoint|url|host|model ?id/i;
    for (const [key, setting] of Object.entries(properties)) {
      const words = `${key} ${setting.markdownDescription ?? setting.description ?? ''}`;
      const names = setting.type === 'string' && placeLike.test(words);
      if (names) assert.ok(untrustedWorkspaces.restrictedConfigurations.includes(key), `${key} names a place and must be in restrictedConfigurations`);
    }
  });

  it('supports virtual workspaces: it reads editor text, and the model from this computer', () => {
    assert.equal(virtualWorkspaces, true);
  });

  it('contributes GPT-2: Set Hugging Face Token', () => {
    const command = manifest.contributes.commands.find((entry: { command: string }) => entry.command === 'gpt2Explorer.setHuggingFaceToken');
    assert.deepEqual(command, { command: 'gpt2Explorer.setHuggingFaceToken', title: 'Set Hugging Face Token', category: 'GPT-2' });
  });
});

describe('package.json: GPT-2: Show Token Surprise', () => {
  const { commands, colors, keybindings, menus } = manifest.contributes;

  it('contributes the toggle and the hide, the hide in the palette only while it is shown', () => {
    const find = (id: string) => commands.find((entry: { command: string }) => entry.command === id);
    assert.deepEqual(find(SURPRISE_COMMANDS.toggle), { command: SURPRISE_COMMANDS.toggle, title: 'Show Token Surprise', category: 'GPT-2' });
    assert.deepEqual(find(SURPRISE_COMMANDS.hide), { command: SURPRISE_COMMANDS.hide, title: 'Hide Token Surprise', category: 'GPT-2' });
    assert.deepEqual(menus.commandPalette.find((entry: { command: string }) => entry.command === SURPRISE_COMMANDS.hide), { command: SURPRISE_COMMANDS.hide, when: SHOWN_CONTEXT });
  });

  it('binds Escape to the hide only in a text editor that shows it, and not over a widget Escape closes', () => {
    const escape = keybindings.filter((entry: { key: string }) => entry.key === 'escape');
    assert.equal(escape.length, 1);
    assert.equal(escape[0].command, SURPRISE_COMMANDS.hide);
    const when: string[] = escape[0].when.split(' && ');
    // Escape first clears a selection or extra cursors (VS Code's own Escape), then hides the surprise.
    for (const term of ['editorTextFocus', SHOWN_CONTEXT, '!editorHasSelection', '!editorHasMultipleSelections', '!suggestWidgetVisible', '!findWidgetVisible', '!inSnippetMode']) assert.ok(when.includes(term), `${term} in ${escape[0].when}`);
  });

  it('contributes every colour the feature paints with, with dark, light and both high-contrast defaults', () => {
    assert.deepEqual(colors.map((color: { id: string }) => color.id), SURPRISE_COLORS);
    for (const color of colors) {
      assert.deepEqual(Object.keys(color.defaults).sort(), ['dark', 'highContrast', 'highContrastLight', 'light'], color.id);
      for (const value of Object.values<string>(color.defaults)) assert.match(value, /^#[0-9a-f]{6}([0-9a-f]{2})?$/, color.id);
      assert.match(color.description, /^Token Surprise: /);
    }
  });
});
