// The one live value of the decoding settings (temperature, top-k, top-p, max new tokens, seed): what the
// next sentence, Step and Sample use. settings.json holds the user's defaults; the store starts from them.
// Every control writes the store — the panel's slider and fields, the Set Temperature command, the lesson's
// buttons — and never settings.json, so a learner's experiment does not rewrite their global settings. An
// edit of settings.json writes the fields it changed: the last writer wins, whichever it is.
// The store is kept (workspaceState) with the settings values it last took in, so it survives a window
// reload and a settings edit made while VS Code was closed still wins at the next start. Pure.

import { applyDecoding, decodingChanges, decodingSettings, type DecodingPatch, type DecodingSettings } from '../../protocol/decoding';
import { type Infer, object, parseWith, type Result } from '../../protocol/schema';

/** What is kept between windows: the live value, and the settings.json values it last took in. */
const savedDecoding = object({ live: decodingSettings, settings: decodingSettings });
export type SavedDecoding = Infer<typeof savedDecoding>;

/** Where the store keeps itself; read back, anything malformed is ignored. */
export interface DecodingMemory {
  recall(): unknown;
  keep(saved: SavedDecoding): void;
}

/** Remembers nothing: the live value lasts as long as the store. */
const FORGETFUL: DecodingMemory = { recall: () => undefined, keep: () => undefined };

export class DecodingStore {
  private live: DecodingSettings;
  private settings: DecodingSettings; // the settings.json values last taken in

  constructor(
    settings: DecodingSettings,
    private readonly memory: DecodingMemory = FORGETFUL,
  ) {
    const saved = parseWith(savedDecoding, memory.recall());
    this.live = saved.ok ? saved.value.live : settings;
    this.settings = saved.ok ? saved.value.settings : settings;
    this.adoptSettings(settings); // what was edited while VS Code was closed wins over what was saved
  }

  get value(): DecodingSettings {
    return this.live;
  }

  /** A control's change; a refused one leaves the value as it was and says why. */
  write(patch: DecodingPatch): Result<DecodingSettings> {
    const written = this.apply(patch);
    if (written.ok) this.save();
    return written;
  }

  /** settings.json changed: the fields edited there since they were last taken in are written. True when the value changed. */
  adoptSettings(settings: DecodingSettings): boolean {
    const edited = decodingChanges(this.settings, settings);
    this.settings = settings;
    const before = this.live;
    this.apply(edited); // refused only for values settings.ts would already have replaced by their defaults
    this.save();
    return Object.keys(decodingChanges(before, this.live)).length > 0;
  }

  /** The one check of every write: the merged settings must all be in range. */
  private apply(patch: DecodingPatch): Result<DecodingSettings> {
    try {
      this.live = applyDecoding(this.live, patch);
      return { ok: true, value: this.live };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  private save(): void {
    this.memory.keep({ live: this.live, settings: this.settings });
  }
}
