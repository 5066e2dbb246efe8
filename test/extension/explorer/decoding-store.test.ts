// The one writer of the live decoding values: where they start, who may write them, who wins, and what
// is kept across a window reload.

import assert from 'node:assert/strict';
import { DecodingStore, type DecodingMemory, type SavedDecoding } from '../../../src/extension/explorer/decoding-store';
import { DEFAULT_DECODING, type DecodingSettings } from '../../../src/protocol/decoding';

/** A workspaceState stand-in: what the store wrote last, and how often. */
class Memory implements DecodingMemory {
  writes = 0;
  constructor(public kept: unknown = undefined) {}
  recall = () => structuredClone(this.kept);
  keep = (saved: SavedDecoding) => {
    this.writes++;
    this.kept = structuredClone(saved);
  };
}

const settings = (changes: Partial<DecodingSettings> = {}): DecodingSettings => ({ ...DEFAULT_DECODING, ...changes });

describe('decoding store', () => {
  it('starts from the settings.json defaults when nothing is kept', () => {
    assert.deepEqual(new DecodingStore(settings({ topK: 40 })).value, settings({ topK: 40 }));
  });

  it('takes a control\'s change (panel, command, lesson) field by field, and keeps it', () => {
    const memory = new Memory();
    const store = new DecodingStore(settings(), memory);
    assert.deepEqual(store.write({ temperature: 0.3 }), { ok: true, value: settings({ temperature: 0.3 }) });
    assert.equal(store.write({ topP: 0.9, seed: 7 }).ok, true);
    assert.deepEqual(store.value, settings({ temperature: 0.3, topP: 0.9, seed: 7 }));
    assert.deepEqual(memory.kept, { live: store.value, settings: settings() }, 'the defaults it last took in are kept beside it');
  });

  it('writes only the fields edited in settings.json: editing the seed keeps the slider\'s temperature', () => {
    const store = new DecodingStore(settings());
    store.write({ temperature: 0.3 });
    assert.equal(store.adoptSettings(settings({ seed: 5 })), true);
    assert.deepEqual(store.value, settings({ temperature: 0.3, seed: 5 }));
    assert.equal(store.adoptSettings(settings({ seed: 5 })), false, 'the same settings again change nothing');
    assert.equal(store.value.temperature, 0.3);
  });

  it('lets the last writer win, either way round', () => {
    const store = new DecodingStore(settings());
    store.write({ temperature: 0.3 });
    store.adoptSettings(settings({ temperature: 1.2 }));
    assert.equal(store.value.temperature, 1.2, 'settings.json after the slider');
    store.write({ temperature: 0.5 });
    assert.equal(store.value.temperature, 0.5, 'the slider after settings.json');
    store.adoptSettings(settings({ temperature: 1 }));
    assert.equal(store.value.temperature, 1, 'settings.json set back to the default is an edit too');
  });

  it('says whether a settings edit changed the live value', () => {
    const store = new DecodingStore(settings());
    store.write({ temperature: 0.5 });
    assert.equal(store.adoptSettings(settings({ temperature: 0.5 })), false, 'edited to the value the slider already set');
    assert.equal(store.adoptSettings(settings({ temperature: 0.5, maxNewTokens: 20 })), true);
  });

  it('comes back after a window reload as it was left, whatever the defaults say', () => {
    const memory = new Memory();
    const before = new DecodingStore(settings(), memory);
    before.write({ temperature: 0.3, topK: 12 });
    const after = new DecodingStore(settings(), memory);
    assert.deepEqual(after.value, settings({ temperature: 0.3, topK: 12 }));
  });

  it('lets a settings.json edit made while VS Code was closed win, for the fields edited', () => {
    const memory = new Memory();
    new DecodingStore(settings(), memory).write({ temperature: 0.3, topK: 12 });
    const after = new DecodingStore(settings({ topK: 40, maxNewTokens: 30 }), memory);
    assert.deepEqual(after.value, settings({ temperature: 0.3, topK: 40, maxNewTokens: 30 }));
    assert.deepEqual((memory.kept as SavedDecoding).settings, settings({ topK: 40, maxNewTokens: 30 }), 'and the new defaults are kept as seen');
  });

  it('refuses values out of range, naming the first, and keeps the value and the memory as they were', () => {
    const memory = new Memory();
    const store = new DecodingStore(settings(), memory);
    const writes = memory.writes;
    for (const [patch, field] of [[{ temperature: 2.5 }, 'temperature'], [{ topK: 1.5 }, 'topK'], [{ topP: -0.1 }, 'topP'], [{ maxNewTokens: 0 }, 'maxNewTokens'], [{ seed: 2 ** 32 }, 'seed'], [{ temperature: NaN }, 'temperature']] as const) {
      const written = store.write(patch);
      assert.equal(written.ok, false, JSON.stringify(patch));
      assert.match(written.ok ? '' : written.error, new RegExp(field));
    }
    assert.deepEqual(store.value, settings());
    assert.equal(memory.writes, writes, 'nothing refused was kept');
  });

  it('starts from the settings when what was kept is malformed (another version, a hand edit)', () => {
    for (const kept of [null, 'x', { live: settings({ temperature: 9 }), settings: settings() }, { live: settings() }, { live: settings(), settings: settings(), extra: 1 }]) {
      assert.deepEqual(new DecodingStore(settings({ seed: 3 }), new Memory(kept)).value, settings({ seed: 3 }), JSON.stringify(kept));
    }
  });
});
