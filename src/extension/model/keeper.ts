// The model as the controller sees it: which folder it comes from, whether the worker holds it, whether
// the file is still the one that was loaded, and its state for the status bar and the panel. It loads
// the model on first need, once even when many requests need it at the same time.

import { dirname, join } from 'node:path';
import { readGpt2Config } from '../../engine/config';
import { availableMemory, memoryShortfall } from '../../engine/model-store';
import type { ModelState } from '../../protocol/explorer';
import type { ModelInfo } from '../../protocol/views';
import type { ControllerUi, SessionRequests } from '../ports';
import { explainFailure, MODEL_ACTIONS, type Failure, type UserAction } from '../common/failures';
import type { ExtensionSettings } from '../common/settings';
import { downloadSize } from './choices';
import { describeMissing, describeUncached, fingerprint, fingerprintChange, locateModel, type FileFingerprint } from './location';

export interface ModelKeeperPorts {
  client: SessionRequests;
  settings: () => ExtensionSettings;
  storageDir: string; // the model folder when gpt2Explorer.modelPath is empty
  ui: ControllerUi;
  /** The state, detail or info changed. */
  changed: () => void;
  /** Something the user must hear about (the state is already set). */
  report: (failure: Failure) => void;
}

export class ModelKeeper {
  private current: ModelState = 'none';
  private words = ''; // the status line's extra words (the panel names the model and shows errors itself)
  private loadedInfo: ModelInfo | null = null;
  private loaded: { dir: string; file: FileFingerprint } | null = null;
  private loading: Promise<boolean> | null = null;
  private generation = 0; // bumped by forget(): a load started before it no longer counts

  constructor(private readonly ports: ModelKeeperPorts) {}

  get state(): ModelState {
    return this.current;
  }

  get detail(): string {
    return this.words;
  }

  get info(): ModelInfo | null {
    return this.loadedInfo;
  }

  /** The folder of the loaded model, or null. */
  get dir(): string | null {
    return this.loaded?.dir ?? null;
  }

  /** True when the model is loaded and its file is still the one that was loaded; loads it if needed. */
  async ensure(): Promise<boolean> {
    if (this.loaded) {
      const change = await fingerprintChange(this.loaded.file);
      if (!change) return true;
      this.fail({ message: `${change}. Reload the model to go on exploring, or download or import it again.`, actions: ['reloadModel', ...MODEL_ACTIONS] }, 'error');
      return false;
    }
    if (!this.loading) {
      const loading = this.load().finally(() => {
        if (this.loading === loading) this.loading = null;
      });
      this.loading = loading;
    }
    return this.loading;
  }

  /** The worker no longer holds the model (closed, crashed, or about to load another). */
  forget(state?: ModelState): void {
    this.loaded = null;
    this.loading = null; // a load under way is for a worker that is going away
    this.generation++;
    if (state) this.set(state);
  }

  /** Sets the state and tells the user why. */
  fail(failure: Failure, state: ModelState): void {
    this.forget(state);
    this.ports.report(failure);
  }

  private async load(): Promise<boolean> {
    const generation = this.generation;
    const { modelPath, model, threads, weights, provider } = this.ports.settings();
    const location = await locateModel(modelPath, this.ports.storageDir, model);
    if (location.kind === 'uncached') {
      this.fail({ message: describeUncached(location), actions: ['chooseModel', 'openSettings'] }, 'none');
      return false;
    }
    if (location.kind === 'missing') {
      const actions: UserAction[] = location.fromSetting ? [...MODEL_ACTIONS, 'openSettings'] : MODEL_ACTIONS;
      this.fail({ message: describeMissing(location, downloadSize({ modelPath, model })), actions }, 'none');
      return false;
    }
    this.set('loading', `from ${location.dir}`);
    if (weights === 'float32') await this.warnIfTooBig(location.dir);
    try {
      const file = await fingerprint(location.dir);
      // 8-bit weights are quantized on the first load only and kept beside the model's storage (int8-cache.ts).
      const int8CacheDir = join(dirname(this.ports.storageDir), 'int8');
      const info = await this.ports.ui.progress(`GPT-2: loading the model from ${location.dir}`, (report) =>
        this.ports.client.request({ type: 'load', modelDir: location.dir, threads, weights, provider, int8CacheDir }, ({ done, total }) =>
          report?.(`quantizing to 8 bits, once for this model: ${Math.floor((100 * done) / total)}%`)),
      );
      if (generation !== this.generation) return false; // forgotten while loading (the panel closed)
      this.loaded = { dir: location.dir, file };
      this.loadedInfo = info;
      this.set('ready');
      this.ports.ui.log(`Loaded ${info.name} from ${location.dir} (${info.layers} layers, ${info.heads} heads, ${info.embd} wide) on ${info.provider ?? 'cpu'}`);
      return true;
    } catch (error) {
      if (generation !== this.generation) return false;
      const failure = explainFailure(error, location.dir);
      if (failure) this.fail(failure, 'error');
      else this.set('none'); // given up on purpose (the panel closed): nothing to tell
      return false;
    }
  }

  /** Said before loading: float32 weights that will not fit the free memory, with the 8-bit weights one click away. */
  private async warnIfTooBig(dir: string): Promise<void> {
    const config = await readGpt2Config(dir).catch(() => undefined); // a bad config is the load's to explain
    const shortfall = config && memoryShortfall(config, availableMemory());
    if (!shortfall) return;
    this.ports.ui.log(`Memory: ${shortfall}`);
    this.ports.ui.problem(`GPT-2 is loading from ${dir}, but ${shortfall}. Loading may fail or slow this window down: use the 8-bit weights instead.`, ['useInt8Weights']);
  }

  private set(state: ModelState, detail = ''): void {
    this.current = state;
    this.words = detail;
    if (state !== 'ready' && state !== 'loading') this.loadedInfo = null;
    this.ports.changed();
  }
}
