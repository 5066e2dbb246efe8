// The explorer's brain on the host side: it owns the session worker and its model (SessionRunner), the
// live decoding values (DecodingStore, their one writer), the current sentence and session, and the last
// UI state the webview echoed. Commands, the panel and the lesson call it; it answers the panel through
// PanelLink with protocol messages and tells everyone else through onDidChangeState (the walkthrough
// marks lesson steps done from it, the status bar shows the temperature). No `vscode` import at run
// time: the notifications, progress and editor selections it needs come in through ControllerUi.

import type { Worker } from 'node:worker_threads';
import type * as vscode from 'vscode';
import type { DecodingPatch } from '../../protocol/decoding';
import type { ExplorerMessage, HostMessage, UiPatch, UiState } from '../../protocol/explorer';
import type { AnalysisProgress, ModelInfo, PresetView, SessionSnapshot } from '../../protocol/views';
import type { ProgressOf, RequestOf, WorkerRequestType, WorkerResults } from '../../protocol/worker';
import type { PairView } from '../../protocol/compare';
import type { ControllerUi, ExplorerState, TextOrigin } from '../ports';
import { Emitter } from '../common/emitter';
import { panelAction, type Failure } from '../common/failures';
import type { ExtensionSettings } from '../common/settings';
import type { TextSource } from './command-args';
import { DecodingStore, type DecodingMemory } from './decoding-store';
import { PanelLink } from './panel-link';
import { receiveExplorerMessage } from './panel-messages';
import { presetSentence, textSentence, truncationNote, type Sentence } from './sentences';
import type { TextScores } from '../../protocol/surprise';
import type { AnalysisExport } from '../../protocol/export-format';
import { saveAnalysis } from './analysis-file';
import { AnalysisReplay } from './analysis-replay';
import { CompareRunner } from './compare-runner';
import { saveFromPanel } from './saving';
import { BusySignal } from './busy-signal';
import { SessionRunner } from './session-runner';
import { PanelProjection } from './panel-projection';
import { AttentionAhead } from './attention-ahead';

export interface ControllerPorts {
  spawnWorker: () => Worker;
  presets: readonly PresetView[];
  pairs?: readonly PairView[]; // the Compare tab's minimal pairs
  settings: () => ExtensionSettings;
  /** Keeps the live decoding values across window reloads (workspaceState); left out, they last as long as the controller. */
  decodingMemory?: DecodingMemory;
  storageDir: string; // the model folder when gpt2Explorer.modelPath is empty
  ui: ControllerUi;
}

type SessionRequestType = 'analyze' | 'step' | 'sampleAppend' | 'setDecoding' | 'reset' | 'force' | 'select';

export class ExplorerController {
  private readonly worker: SessionRunner;
  private readonly changed = new Emitter<ExplorerState>();
  /** Fires after the model state, the session, the UI echo or the tally changed. */
  readonly onDidChangeState: vscode.Event<ExplorerState> = this.changed.event;

  private snapshot: SessionSnapshot | null = null;
  private sentence: Sentence | null = null; // the one being analyzed or shown: what a reload analyzes again
  private readonly panelProjection = new PanelProjection(); // what projection the panel holds
  private shownSentence: Sentence | null = null; // the one whose session is on screen: a cancel goes back to it
  private ui: UiState | null = null;
  private replay: AnalysisReplay | null = null; // an analysis opened from a file, shown without the model
  private filesShown = 0; // a session answer asked for before the latest file was shown is dropped: the file stays
  private tallyTotal = 0;
  private readonly panel = new PanelLink();
  private readonly decoding: DecodingStore;
  private readonly busy = new BusySignal((busy) => this.postStatus(busy)); // what the panel is told of the worker's queue
  private applied: ExtensionSettings;
  private readonly comparing: CompareRunner;
  private readonly ahead: AttentionAhead; // the patterns of the heads not shown yet, read in the pauses

  constructor(private readonly ports: ControllerPorts) {
    this.applied = ports.settings();
    this.decoding = new DecodingStore(this.applied.decoding, ports.decodingMemory);
    this.worker = new SessionRunner({
      spawnWorker: ports.spawnWorker,
      settings: ports.settings,
      storageDir: ports.storageDir,
      ui: ports.ui,
      busyChanged: (busy) => this.busy.changed(busy),
      modelChanged: () => (this.postStatus(this.busy.shown), this.fire()),
      report: (failure) => this.report(failure),
      panelOpen: () => this.panel.open,
      resume: () => this.reloadModel(),
    });
    this.comparing = new CompareRunner(
      {
        request: (request, onProgress, wanted, failed) => this.request(request, onProgress, wanted, failed),
        post: (message) => this.post(message),
        cleanText: () => this.snapshot?.session.sentence.text ?? null,
        startPair: (pair) => this.start({ view: { id: pair.id, text: pair.clean, source: 'preset' }, origin: null }),
        cancelPatch: () => this.worker.cancel('patch'),
        note: (message) => this.ports.ui.note(message),
      },
      ports.pairs ?? [],
    );
    this.ahead = new AttentionAhead({
      idle: () => !this.worker.busy && this.worker.model.state === 'ready', // never a load for it
      shown: () => (this.snapshot && !this.replay ? { of: this.snapshot, layers: this.snapshot.session.model.layers, heads: this.snapshot.session.model.heads, size: this.snapshot.session.tokens.length } : null),
      read: (layer) => {
        const ticket = this.panel.ticket();
        return this.worker.requestUnasked({ type: 'layerAttentionMaps', layer }, () => this.panel.stillOpen(ticket));
      },
      post: (maps) => this.post({ type: 'attentionAhead', maps }),
    });
  }

  get state(): ExplorerState {
    return { model: this.worker.model.state, session: this.snapshot?.session ?? null, ui: this.ui, tallyTotal: this.tallyTotal, decoding: this.decoding.value };
  }

  get presets(): readonly PresetView[] {
    return this.ports.presets;
  }

  /** The loaded model as the status bar names it (its repository or folder, its shape), null before one is. */
  get modelInfo(): ModelInfo | null {
    return this.worker.model.info;
  }

  // ——— the panel ———

  /** The panel opened (or was revived): messages go to `post` from now on. */
  attachPanel(post: (message: HostMessage) => void): void {
    this.panel.attach(post);
  }

  /** The panel closed: the worker ends, even mid-inference, and the model's memory is freed. */
  async detachPanel(): Promise<void> {
    this.panel.detach();
    this.ahead.forget();
    // Forgotten before the worker stops: a panel opened meanwhile must not be shown this session.
    this.snapshot = null;
    this.sentence = this.shownSentence = null;
    this.tallyTotal = 0;
    this.comparing.forget();
    this.worker.model.forget('none');
    await this.worker.stop();
  }

  /** The panel's receive path: checks, logs and never throws. */
  receive(raw: unknown): boolean {
    return receiveExplorerMessage(raw, { log: (line) => this.ports.ui.log(line), handle: (message) => this.handle(message) });
  }

  private async handle(message: ExplorerMessage): Promise<void> {
    const replayed = this.replay?.answer(message) ?? null;
    if (replayed === 'refused') return this.ports.ui.note(`${this.replay!.name} is shown read-only, without the model: pick a sentence or analyze a selection to run GPT-2 again.`);
    if (replayed === 'missing') return; // a view the file does not hold: the panel keeps what it shows
    if (replayed) return this.post(replayed);
    if (message.type === 'selectSentence') this.replay = null;
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
      case 'forceToken':
        return void (await this.session({ type: 'force', id: message.id }));
      case 'selectNode':
        return void (await this.session({ type: 'select', node: message.node }));
      case 'cancel': // the panel shows the session before it again; the analyze fails quietly as 'cancelled'
        this.sentence = this.shownSentence; // a reload, a chip's reveal and the sentence list follow what is on screen
        return this.cancelAnalysis();
      case 'setDecoding':
        await this.setDecoding(message.patch);
        return;
      case 'requestAttention':
        await this.view({ type: 'attentionMap', layer: message.layer, head: message.head }, (view) => ({ type: 'attentionMap', view })); // packed: 2.8 MB, not 19, at 1,024 tokens
        return this.ahead.answered(message.layer); // the other heads, in the pause that follows
      case 'requestQkv':
        return this.view({ type: 'qkv', layer: message.layer, head: message.head, token: message.token }, (view) => ({ type: 'qkv', view }));
      case 'requestLens':
        return this.view({ type: 'lens', layer: message.layer, token: message.token, trackId: message.trackId }, (view) => ({ type: 'lens', view }));
      case 'requestAttribution':
        return this.view({ type: 'attribution', token: message.token, target: message.target, versus: message.versus }, (view) => ({ type: 'attribution', view }));
      case 'tokenizeText':
        return this.view({ type: 'tokenize', text: message.text }, (view) => ({ type: 'tokenized', view }), false);
      case 'requestHeadsGrid':
        return this.view({ type: 'headsGrid', token: message.token }, (view) => ({ type: 'headsGrid', view }));
      case 'requestCompare':
      case 'requestPatch':
      case 'cancelPatch':
        return this.comparing.handle(message);
      case 'revealToken':
        return this.revealToken(message.index);
      case 'requestSurprise':
        return this.surpriseOfSentence();
      case 'uiState':
        this.ui = message.ui;
        this.panel.echoed();
        return this.fire();
      case 'runCommand':
        return this.ports.ui.run(message.command);
      case 'saveData':
      case 'saveImage':
        return saveFromPanel(message, this.ports.ui);
    }
  }

  /** GPT-2: Open Analysis: shows a saved analysis without the model, read-only; null, or why it cannot. */
  showAnalysis(analysis: AnalysisExport, name: string): string | null {
    const replay = AnalysisReplay.of(analysis, name);
    if (typeof replay === 'string') return replay;
    [this.replay, this.snapshot] = [replay, replay.snapshot];
    this.filesShown++;
    this.sentence = this.shownSentence = null; // the file is on screen: a reload shows it, a sentence picked starts afresh
    this.cancelAnalysis(); // an analysis under way would only be dropped
    this.postSession(replay.snapshot);
    this.panel.applyUi(replay.uiPatch()); // held until the panel listens, if it is still opening
    this.postStatus(false);
    return null;
  }

  /** GPT-2: Save Analysis: the session and every panel's data at what they show now, in one JSON file. */
  async saveAnalysis(): Promise<string | null> {
    await this.panel.askUiEcho(); // a change the panel has not echoed yet is what it shows
    return saveAnalysis(this.snapshot, this.ui, (request) => this.worker.requestAlone(request), this.ports.ui);
  }

  /** The webview (re)loaded: it gets everything it needs to draw, or the lesson sentence to start with. */
  private async panelReady(): Promise<void> {
    this.panel.ready();
    this.post({ type: 'init', presets: [...this.ports.presets], pairs: [...(this.ports.pairs ?? [])] });
    this.postStatus(this.busy.shown);
    this.panelProjection.forget(); // a webview that (re)loads holds none: it gets the whole projection
    this.ahead.forget(); // nor any pattern read ahead
    if (this.snapshot) this.postSession(this.snapshot);
    else if (!this.sentence && this.ports.presets.length > 0) await this.choosePreset(this.ports.presets[0]);
    // UI changes asked for while the panel was opening come after its first session, which resets the dropdowns.
    this.panel.flushUi();
  }

  // ——— what commands and the panel ask for ———

  /** Token surprise over a text of its own, in the session worker (the session stays); null when it did not run (a failure is reported). */
  score(text: string): Promise<TextScores | null> {
    return this.worker.request({ type: 'score', text }, () => true);
  }

  /** The lens layer of a token of the text scored last, for its hover; undefined when it did not run (a newer hover or score replaced it). */
  async lensLayer(text: string, index: number): Promise<number | null | undefined> {
    return (await this.worker.request({ type: 'lensLayer', text, index }, () => true))?.layer;
  }

  /** Analyzes text from an editor, a CodeLens or a command; false when nothing was sent. */
  async analyze(text: string, source: TextSource, origin: TextOrigin | null = null): Promise<boolean> {
    const made = textSentence(text, source, origin);
    if (!made.ok) {
      this.ports.ui.problem(made.problem, []);
      return false;
    }
    if (made.note) this.ports.ui.note(made.note);
    return this.start(made.sentence);
  }

  async choosePreset(preset: PresetView): Promise<boolean> {
    return this.start(presetSentence(preset));
  }

  /** GPT-2: Compare With…: the session's prompt beside `text`, on the Compare tab. */
  async compareWith(text: string): Promise<void> {
    this.applyUi({ tab: 'compare' });
    await this.comparing.compare(text);
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
    this.panel.applyUi(patch);
  }

  /** Loads the model again (after it was replaced, or a failure) and re-analyzes the current sentence. */
  async reloadModel(): Promise<void> {
    this.worker.model.forget();
    const sentence = this.sentence;
    if (!(await this.worker.model.ensure())) return;
    if (sentence) await this.start(sentence);
    else if (this.panel.open && this.ports.presets.length > 0) await this.choosePreset(this.ports.presets[0]);
  }

  /** gpt2Explorer.* changed: a new model folder, thread count or weights mode reloads; edited decoding settings are written to the store. */
  async settingsChanged(): Promise<void> {
    const next = this.ports.settings();
    const previous = this.applied;
    this.applied = next;
    const decodingMoved = this.decoding.adoptSettings(next.decoding); // before a reload: the new sentence starts from it
    const modelMoved = next.modelPath !== previous.modelPath || next.model !== previous.model || next.provider !== previous.provider || next.threads !== previous.threads || next.weights !== previous.weights;
    if (modelMoved && (this.worker.model.dir || this.panel.open)) return this.reloadModel();
    if (decodingMoved) await this.syncDecoding();
  }

  async dispose(): Promise<void> {
    this.panel.detach();
    this.ahead.dispose();
    this.busy.dispose();
    this.changed.dispose();
    await this.worker.dispose();
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
    const request: RequestOf<'analyze'> = { type: 'analyze', sentence: sentence.view, settings, ...(sentence.defaults ? { defaults: sentence.defaults } : {}) };
    const result = await this.session(request, (progress) => this.post({ type: 'progress', progress })); // long prompts: chips first
    if (result) this.shownSentence = sentence;
    if (result) void this.comparing.sessionStarted(); // the Compare tab follows the new prompt
    if (result && this.decoding.value !== settings) await this.syncDecoding(); // changed while the sentence was analyzed
    const note = result && truncationNote(result.session);
    if (note) this.ports.ui.note(note);
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
  private async session<K extends SessionRequestType>(request: RequestOf<K>, onProgress?: (progress: AnalysisProgress) => void): Promise<SessionSnapshot | null> {
    const filesShown = this.filesShown;
    const snapshot = (await this.request(request, onProgress)) as SessionSnapshot | null;
    if (!snapshot || filesShown !== this.filesShown) return null;
    [this.snapshot, this.replay] = [snapshot, null];
    this.tallyTotal = snapshot.session.tally.total;
    this.postSession(snapshot);
    this.fire();
    return snapshot;
  }

  /**
   * A view of the session on screen; its answer is dropped once another session is (a Step, a sentence, a file
   * shown), whose views the panel asks anew — a late one would replace the view it holds. `ofSession` false: a
   * view of no session (how a typed text tokenizes).
   */
  private async view<K extends 'attention' | 'attentionMap' | 'qkv' | 'lens' | 'attribution' | 'headsGrid' | 'tokenize'>(request: RequestOf<K>, message: (view: WorkerResults[K]) => HostMessage, ofSession = true): Promise<void> {
    const asked = this.snapshot;
    const view = await this.request(request, undefined, () => !ofSession || this.snapshot === asked);
    if (view) this.post(message(view));
  }

  /** Runs one request for the panel open now: its answer is dropped once that panel has closed. */
  private request<K extends WorkerRequestType>(request: RequestOf<K>, onProgress?: (progress: ProgressOf<K>) => void, wanted = () => true, failed?: (failure: Failure) => void): Promise<WorkerResults[K] | null> {
    const ticket = this.panel.ticket();
    return this.worker.request(request, () => this.panel.stillOpen(ticket) && wanted(), onProgress, failed);
  }

  /** The Tokens tab's toggle: the session's sentence scored (score.ts), for its chips. */
  private async surpriseOfSentence(): Promise<void> {
    const text = this.snapshot?.session.sentence.text;
    const scores = text ? await this.score(text) : null;
    if (text && scores) this.post({ type: 'surprise', text, scores });
  }

  /** Stops the analysis under way (it fails quietly as 'cancelled') and takes its progress down. */
  private cancelAnalysis(): void {
    this.worker.cancel();
    this.post({ type: 'progress', progress: null });
  }

  private revealToken(index: number): void {
    const chip = this.snapshot?.session.tokens[index];
    if (!chip || chip.start < 0) return; // a generated token is in no editor
    this.sentence?.origin?.select(chip.start, chip.end);
  }

  // ——— telling the panel and the listeners ———

  /** Logs a failure, shows it in the panel and, unless it is quiet, as a notification with its fixes. */
  private report(failure: Failure): void {
    this.ports.ui.log(failure.message);
    this.post({ type: 'error', message: failure.message.slice(0, 2000), action: panelAction(failure.actions) });
    if (!failure.quiet) this.ports.ui.problem(failure.message, failure.actions);
  }

  private postStatus(busy: boolean): void {
    const readOnly = this.replay ? { readOnly: this.replay.name.slice(0, 300) } : {};
    this.post({ type: 'status', model: this.worker.model.state, busy, detail: this.worker.model.detail.slice(0, 1000), ...readOnly });
  }

  /** The session and, of its projection, what the panel does not hold yet (panel-projection.ts). */
  private postSession({ session, projection }: SessionSnapshot): void {
    this.post(this.panelProjection.message(session, projection));
  }

  private post(message: HostMessage): void {
    this.panel.send(message);
  }

  private fire(): void {
    this.changed.fire(this.state, (error) => this.ports.ui.log(`A state listener failed: ${String(error)}`));
  }
}
