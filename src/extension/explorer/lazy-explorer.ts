// The explorer before anyone asks for it. The extension activates on eight languages, so in nearly every window:
// the controller and everything it pulls in live in a second bundle, dist/explorer.js (explorer-bundle.ts), required the first
// time a command runs, the panel is restored or setDecoding is called. Until then the status bar and the lesson read
// the state a controller started now would have (no model, no session, the live decoding values), and a settings
// change only tells them; from then on everything is the controller's. Should the bundle not load (a broken install),
// the start port tells the user once per attempt and gives null: the commands do nothing more, and the status bar and
// the lesson go on reading the state above.

import type * as vscode from 'vscode';
import type { DecodingPatch } from '../../protocol/decoding';
import type { ModelInfo, PresetView } from '../../protocol/views';
import { Emitter } from '../common/emitter';
import type { ExtensionSettings } from '../common/settings';
import type { ExplorerState } from '../ports';
import { DecodingStore, type DecodingMemory } from './decoding-store';
import type { Explorer } from '../explorer-bundle';

export interface LazyExplorerPorts {
  start: () => Explorer | null; // requires the explorer bundle and starts it; null, the user told why, when the bundle will not load
  settings: () => ExtensionSettings;
  decodingMemory: DecodingMemory;
  presets: readonly PresetView[];
}

export class LazyExplorer {
  private started: Explorer | null = null;
  private readonly changed = new Emitter<ExplorerState>();
  /** The controller's onDidChangeState once it is started; a settings change before. */
  readonly onDidChangeState: vscode.Event<ExplorerState> = this.changed.event;

  constructor(private readonly ports: LazyExplorerPorts) {}

  /** The explorer, required and started on the first call; null while its bundle will not load (tried again at each call). */
  get explorer(): Explorer | null {
    if (!this.started) {
      this.started = this.ports.start();
      this.started?.controller.onDidChangeState((state) => this.changed.fire(state));
    }
    return this.started;
  }

  get isStarted(): boolean {
    return this.started !== null;
  }

  get state(): ExplorerState {
    if (this.started) return this.started.controller.state;
    // What the controller's own store will start from; read without writing the memory, which is the store's.
    const decoding = new DecodingStore(this.ports.settings().decoding, { recall: () => this.ports.decodingMemory.recall(), keep: () => undefined }).value;
    return { model: 'none', session: null, ui: null, tallyTotal: 0, decoding };
  }

  get modelInfo(): ModelInfo | null {
    return this.started?.controller.modelInfo ?? null;
  }

  get presets(): readonly PresetView[] {
    return this.ports.presets;
  }

  setDecoding(patch: DecodingPatch): Promise<boolean> {
    return this.explorer?.controller.setDecoding(patch) ?? Promise.resolve(false);
  }

  /** The settings moved: the controller takes them in; before it runs, the status bar and the lesson hear of it. */
  settingsChanged(): void {
    if (this.started) void this.started.controller.settingsChanged();
    else this.changed.fire(this.state);
  }

  async dispose(): Promise<void> {
    this.changed.dispose();
    await this.started?.dispose();
  }
}
