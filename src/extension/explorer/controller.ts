// The explorer's brain on the host side: it owns the session worker (through SessionClient), the
// model (through ModelKeeper), the live decoding values (through DecodingStore, their one writer), the
// current session and the last UI state the webview echoed. Commands, the panel and the lesson call it;
// it answers the panel with protocol messages and tells everyone else through onDidChangeState (the
// walkthrough marks lesson steps done from it, the status bar shows the temperature). No `vscode` import
// at run time: the notifications, progress and editor selections it needs come in through ControllerUi.

import type { Worker } from 'node:worker_threads';
import type * as vscode from 'vscode';
import type { DecodingPatch } from '../../protocol/decoding';
import type { ExplorerMessage, HostMessage, UiPatch, UiState } from '../../protocol/explorer';
import type { PresetView, SentenceView, SessionSnapshot } from '../../protocol/views';
import type { RequestOf, WorkerRequestType, WorkerResults } from '../../protocol/worker';
import { ModelKeeper } from '../model/keeper';
import type { ControllerUi, ExplorerState, TextOrigin } from '../ports';
import { Emitter } from '../shared/emitter';
import { explainFailure, panelAction, type Failure } from '../shared/failures';
import type { ExtensionSettings } from '../shared/settings';
import { emptyTextProblem, type TextSource } from './command-args';
import { DecodingStore, type DecodingMemory } from './decoding-store';
import { receiveExplorerMessage } from './panel-messages';
import { SessionClient } from './session-client';

export interface ControllerPorts {
  spawnWorker: () => Worker;
  presets: readonly PresetView[];
  settings: () => ExtensionSettings;
  /** Keeps the live decoding values across window reloads (workspaceState); left out, they last as long as the controller. */
  decodingMemory?: DecodingMemory;
  storageDir: string; // the model folder when gpt2Explorer.modelPath is empty
  ui: ControllerUi;
}

/** The protocol's limit on a sentence's length; longer texts keep their end (GPT-2 keeps the end too). */
export const MAX_TEXT_CHARS = 200_000;
/** A second crash this soon after a restart is not retried automatically. */
const RESTART_QUIET_MS = 30_000;

type SessionRequestType = 'analyze' | 'step' | 'sampleAppend' | 'setDecoding' | 'reset';

interface Sentence {
  view: SentenceView;
  defaults?: { layer: number; head: number };
  origin: TextOrigin | null;
}

export class ExplorerController {
  private readonly client: SessionClient;
  private readonly changed = new Emitter<ExplorerState>();
  /** Fires after the model state, the session, the UI echo or the tally changed. */
  readonly onDidChangeState: vscode.Event<ExplorerState> = this.changed.event;

  private readonly model: ModelKeeper;
  private snapshot: SessionSnapshot | null = null;
  private sentence: Sentence | null = null;
  private ui: UiState | null = null;
  private tallyTotal = 0;
  private panel: ((message: HostMessage) => void) | null = null;
  private panelReadyYet = false; // the webview has sent `ready`: it hears what is posted
  private panelEpoch = 0; // counts closed panels: an answer asked for under an older one is dropped
  private pendingUi: UiPatch = {}; // UI changes asked for before it was ready
  private readonly decoding: DecodingStore;
  private applied: ExtensionSettings;
  private lastRestart = -Infinity;

  constructor(private readonly ports: ControllerPorts) {
    this.applied = ports.settings();
    this.decoding = new DecodingStore(this.applied.decoding, ports.decodingMemory);
    this.client = new SessionClient({
      spawn: ports.spawnWorker,
      onBusy: (busy) => this.postStatus(busy),
      onCrash: (reason) => void this.recoverFromCrash(reason),
      log: (line) => ports.ui.log(line),
    });
    this.model = new ModelKeeper({
      client: this.client,
      settings: ports.settings,
      storageDir: ports.storageDir,
      ui: ports.ui,
      changed: () => (this.postStatus(this.client.busy), this.fire()),
      report: (failure) => this.report(failure),
    });
  }

  get state(): ExplorerState {
    return { model: this.model.state, session: this.snapshot?.session ?? null, ui: this.ui, tallyTotal: this.tallyTotal, decoding: this.decoding.value };
  }

  get presets(): readonly PresetView[] {
    return this.ports.presets;
  }

  get modelName(): string | null {
    return this.model.info?.name ?? null;
  }

  // ——— the panel ———

  /** The panel opened (or was revived): messages go to `post` from now on. */
  attachPanel(post: (message: HostMessage) => void): void {
    this.panel = post;
    this.panelReadyYet = false;
  }

  /** The panel closed: the worker ends, even mid-inference, and the model's memory is freed. */
  async detachPanel(): Promise<void> {
    this.panel = null;
    this.panelEpoch++;
    this.panelReadyYet = false;
    this.pendingUi = {};
    // Forgotten before the worker stops: a panel opened meanwhile must not be shown this session.
    this.snapshot = null;
    this.sentence = null;
    this.tallyTotal = 0;
    this.model.forget('none');
    await this.client.stop();
  }

  /** The panel's receive path: checks, logs and never throws. */
  receive(raw: unknown): boolean {
    return receiveExplorerMessage(raw, { log: (line) => this.ports.ui.log(line), handle: (message) => this.handle(message) });
  }

  private async handle(message: ExplorerMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.panelReady();
      case 'selectSentence':
        return this.selectSentence(message.id);
      case 'step':
        return this.step();
      case 'sample':
        return this.sample();
      case 'sampleAppend':
        return this.sampleAppend();
      case 'reset':
        return this.reset();
      case 'setDecoding':
        await this.setDecoding(message.patch);
        return;
      case 'requestAttention':
        return this.view({ type: 'attention', layer: message.layer, head: message.head }, (view) => ({ type: 'attention', view }));
      case 'requestQkv':
        return this.view({ type: 'qkv', layer: message.layer, head: message.head, token: message.token }, (view) => ({ type: 'qkv', view }));
      case 'requestLens':
        return this.view({ type: 'lens', layer: message.layer, token: message.token, trackId: message.trackId }, (view) => ({ type: 'lens', view }));
      case 'revealToken':
        return this.revealToken(message.index);
      case 'uiState':
        this.ui = message.ui;
        return this.fire();
      case 'runCommand':
        return this.ports.ui.run(message.command);
    }
  }

  /** The webview (re)loaded: it gets everything it needs to draw, or the lesson sentence to start with. */
  private async panelReady(): Promise<void> {
    this.panelReadyYet = true;
    this.post({ type: 'init', presets: [...this.ports.presets] });
    this.postStatus(this.client.busy);
    if (this.snapshot) this.post({ type: 'session', ...this.snapshot });
    else if (!this.sentence && this.ports.presets.length > 0) await this.choosePreset(this.ports.presets[0]);
    // UI changes asked for while the panel was opening come after its first session, which resets the dropdowns.
    if (Object.keys(this.pendingUi).length > 0) this.post({ type: 'ui', patch: this.pendingUi });
    this.pendingUi = {};
  }

  // ——— what commands and the panel ask for ———

  /** Analyzes text from an editor, a CodeLens or a command; false when nothing was sent. */
  async analyze(text: string, source: TextSource, origin: TextOrigin | null = null): Promise<boolean> {
    const empty = emptyTextProblem(text, source === 'selection' ? 'The selection' : 'The text');
    if (empty) {
      this.ports.ui.problem(empty, []);
      return false;
    }
    const cut = Math.max(0, text.length - MAX_TEXT_CHARS);
    if (cut > 0) this.ports.ui.note(`The text has ${text.length.toLocaleString('en')} characters; only its last ${MAX_TEXT_CHARS.toLocaleString('en')} were sent to GPT-2.`);
    const shifted = origin && cut > 0 ? { select: (start: number, end: number) => origin.select(start + cut, end + cut) } : origin;
    return this.start({ view: { id: source, text: text.slice(cut), source }, origin: shifted });
  }

  async choosePreset(preset: PresetView): Promise<boolean> {
    return this.start({ view: { id: preset.id, text: preset.text, source: 'preset' }, defaults: { layer: preset.layer, head: preset.head }, origin: null });
  }

  async step(): Promise<void> {
    await this.session({ type: 'step' });
  }

  async sample(): Promise<void> {
    const tally = await this.request({ type: 'sample' });
    if (!tally) return;
    this.tallyTotal = tally.total;
    this.post({ type: 'tally', tally });
    this.fire();
  }

  async sampleAppend(): Promise<void> {
    await this.session({ type: 'sampleAppend' });
  }

  async reset(): Promise<void> {
    await this.session({ type: 'reset' });
  }

  /**
   * The one way the decoding values change, from the panel, a command or the lesson: the store takes the
   * patch, then the live session. Resolves once the worker has it; false when the patch was refused.
   */
  async setDecoding(patch: DecodingPatch): Promise<boolean> {
    const written = this.decoding.write(patch);
    if (!written.ok) {
      this.ports.ui.log(`A decoding change was refused: ${written.error}`);
      return false;
    }
    await this.syncDecoding();
    return true;
  }

  /** Forwards a UI change (from the walkthrough or a command) to the panel, once it listens. */
  applyUi(patch: UiPatch): void {
    if (this.panelReadyYet) this.post({ type: 'ui', patch });
    else this.pendingUi = { ...this.pendingUi, ...patch };
  }

  /** Loads the model again (after it was replaced, or a failure) and re-analyzes the current sentence. */
  async reloadModel(): Promise<void> {
    this.model.forget();
    const sentence = this.sentence;
    if (!(await this.model.ensure())) return;
    if (sentence) await this.start(sentence);
    else if (this.panel && this.ports.presets.length > 0) await this.choosePreset(this.ports.presets[0]);
  }

  /** gpt2Explorer.* changed: a new model folder, thread count or weights mode reloads; edited decoding settings are written to the store. */
  async settingsChanged(): Promise<void> {
    const next = this.ports.settings();
    const previous = this.applied;
    this.applied = next;
    const decodingMoved = this.decoding.adoptSettings(next.decoding); // before a reload: the new sentence starts from it
    const modelMoved = next.modelPath !== previous.modelPath || next.threads !== previous.threads || next.weights !== previous.weights;
    if (modelMoved && (this.model.dir || this.panel)) return this.reloadModel();
    if (decodingMoved) await this.syncDecoding();
  }

  async dispose(): Promise<void> {
    this.panel = null;
    this.changed.dispose();
    await this.client.dispose();
  }

  // ——— sessions ———

  private async selectSentence(id: string): Promise<void> {
    if (this.sentence?.view.id === id) return this.reset(); // the selection's own entry: start it over
    const preset = this.ports.presets.find((candidate) => candidate.id === id);
    if (preset) await this.choosePreset(preset);
    else this.ports.ui.log(`The explorer asked for sentence "${id}", which is neither a preset nor the current text`);
  }

  private async start(sentence: Sentence): Promise<boolean> {
    this.sentence = sentence;
    const settings = this.decoding.value;
    const result = await this.session({ type: 'analyze', sentence: sentence.view, settings, ...(sentence.defaults ? { defaults: sentence.defaults } : {}) });
    if (result && this.decoding.value !== settings) await this.syncDecoding(); // changed while the sentence was analyzed
    if (result && result.session.truncated > 0) {
      const { truncated, tokens, model } = result.session;
      const room = model.positions - tokens.length;
      this.ports.ui.note(`GPT-2 reads at most ${model.positions} tokens: the first ${truncated} tokens of the text were cut, the last ${tokens.length} analyzed, leaving room for ${room} new ones.`);
    }
    return result !== null;
  }

  /**
   * Gives the live session the store's whole value (a request still queued may carry an older one, so
   * no difference is taken here); without a session, the listeners still hear of it (the status bar).
   */
  private async syncDecoding(): Promise<void> {
    const synced = this.snapshot && (await this.session({ type: 'setDecoding', patch: this.decoding.value }));
    if (!synced) this.fire();
  }

  /** A request that changes the session: the panel gets the new session and token positions. */
  private async session<K extends SessionRequestType>(request: RequestOf<K>): Promise<SessionSnapshot | null> {
    const snapshot = (await this.request(request)) as SessionSnapshot | null;
    if (!snapshot) return null;
    this.snapshot = snapshot;
    this.tallyTotal = snapshot.session.tally.total;
    this.post({ type: 'session', ...snapshot });
    this.fire();
    return snapshot;
  }

  private async view<K extends 'attention' | 'qkv' | 'lens'>(request: RequestOf<K>, message: (view: WorkerResults[K]) => HostMessage): Promise<void> {
    const view = await this.request(request);
    if (view) this.post(message(view));
  }

  /** Runs one request after making sure the model is there; failures are explained, never thrown. */
  private async request<K extends WorkerRequestType>(request: RequestOf<K>): Promise<WorkerResults[K] | null> {
    const epoch = this.panelEpoch;
    if (!(await this.model.ensure()) || epoch !== this.panelEpoch) return null;
    try {
      const result = await this.client.request(request);
      return epoch === this.panelEpoch ? result : null; // asked for under a panel that has closed since
    } catch (error) {
      const failure = explainFailure(error, this.model.dir);
      if (failure) this.report(failure);
      return null;
    }
  }

  private revealToken(index: number): void {
    const chip = this.snapshot?.session.tokens[index];
    if (!chip || chip.start < 0) return; // a generated token is in no editor
    this.sentence?.origin?.select(chip.start, chip.end);
  }

  // ——— a crashed worker ———

  private async recoverFromCrash(reason: string): Promise<void> {
    this.ports.ui.log(reason);
    this.model.forget();
    const again = Date.now() - this.lastRestart < RESTART_QUIET_MS;
    if (again || !this.panel) {
      this.model.fail({ message: `${reason}. Reload the model to go on.`, actions: ['reloadModel'] }, 'error');
      return;
    }
    this.lastRestart = Date.now();
    this.ports.ui.note(`${reason}. GPT-2 Explorer restarted it and analyzes the sentence again (generated tokens are lost).`);
    await this.reloadModel();
  }

  // ——— telling the panel and the listeners ———

  /** Logs a failure, shows it in the panel and, unless it is quiet, as a notification with its fixes. */
  private report(failure: Failure): void {
    this.ports.ui.log(failure.message);
    this.post({ type: 'error', message: failure.message.slice(0, 2000), action: panelAction(failure.actions) });
    if (!failure.quiet) this.ports.ui.problem(failure.message, failure.actions);
  }

  private postStatus(busy: boolean): void {
    this.post({ type: 'status', model: this.model.state, busy, detail: this.model.detail.slice(0, 1000) });
  }

  private post(message: HostMessage): void {
    this.panel?.(message);
  }

  private fire(): void {
    this.changed.fire(this.state, (error) => this.ports.ui.log(`A state listener failed: ${String(error)}`));
  }
}
