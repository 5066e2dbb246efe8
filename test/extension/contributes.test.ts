// package.json's settings mirror the protocol's decoding limits and defaults (VS Code's Settings editor
// checks values against them before the extension does): this fails the moment the two drift.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DECODING_KEYS, DECODING_LIMITS, DEFAULT_DECODING } from '../../src/protocol/decoding';

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
