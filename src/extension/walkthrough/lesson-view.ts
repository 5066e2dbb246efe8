// The side-panel walkthrough: a WebviewView in the GPT-2 activity-bar container that shows the lesson's
// steps (lesson.ts), sent as the first message after the view's `ready`. "Do it" does a step's actions in
// the explorer (lesson-actions.ts); the controller's onDidChangeState marks steps done, whether the
// learner pressed the button or did it by hand. Progress lives in globalState, so it survives a reload.

import * as vscode from 'vscode';
import { parseWalkthroughMessage, type WalkthroughHostMessage, type WalkthroughMessage } from '../../protocol/walkthrough';
import type { ExplorerController } from '../explorer/controller';
import { renderWebviewHtml } from '../common/webview-html';
import { FRESH_PROGRESS, findStep, lessonMessage, lessonPresetId, needsSentence, observe, restoreProgress, type LessonProgress, type LessonStep } from './lesson';
import { performLessonAction, type LessonHands } from './lesson-actions';

export const WALKTHROUGH_VIEW_ID = 'gpt2Explorer.lesson';
const PROGRESS_KEY = 'gpt2Explorer.lessonProgress';

/** The lesson as the integration tests see it: what the view shows, and its "Do it" button. */
export interface LessonApi {
  /** The view is shown and its page has been sent the lesson. */
  readonly visible: boolean;
  readonly progress: LessonProgress;
  /** What pressing a step's "Do it" does; resolves when its actions are done. */
  runStep(id: string): Promise<void>;
}

/** What the lesson reads and does of the explorer: also before its controller starts (explorer/lazy-explorer.ts). */
type LessonExplorer = Pick<ExplorerController, 'state' | 'presets' | 'onDidChangeState' | 'setDecoding'>;

export function registerWalkthroughView(context: vscode.ExtensionContext, controller: LessonExplorer, log: (line: string) => void = () => undefined): { lesson: LessonApi; disposable: vscode.Disposable } {
  const provider = new WalkthroughViewProvider(context, controller, log);
  return { lesson: provider, disposable: vscode.Disposable.from(provider, vscode.window.registerWebviewViewProvider(WALKTHROUGH_VIEW_ID, provider)) };
}

/** How long a lesson page may take to say `ready` before it is set again, doubling up to the last wait. */
const PAGE_RETRY_FIRST_MS = 2000;
const PAGE_RETRY_LAST_MS = 16_000;

class WalkthroughViewProvider implements vscode.WebviewViewProvider, vscode.Disposable, LessonApi {
  private view: vscode.WebviewView | null = null;
  private pageReady = false; // the page has sent `ready` and has the lesson: progress may follow
  private learner: LessonProgress; // where the learner is, kept in globalState
  private running: string | null = null; // the step whose actions are running: a second press waits for it
  private readonly disposables: vscode.Disposable[] = [];
  private readonly hands: LessonHands;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly controller: LessonExplorer,
    private readonly log: (line: string) => void,
  ) {
    this.learner = restoreProgress(context.globalState.get(PROGRESS_KEY));
    this.hands = {
      explorer: controller,
      run: (command, ...args) => vscode.commands.executeCommand(command, ...args),
      pause: (ms) => new Promise((wake) => setTimeout(wake, ms)),
    };
    // Followed even while the view is hidden, so steps done by hand count.
    this.disposables.push(controller.onDidChangeState(() => this.follow()));
  }

  get visible(): boolean {
    return this.pageReady && this.view?.visible === true;
  }

  get progress(): LessonProgress {
    return this.learner;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.pageReady = false;
    const root = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview');
    view.webview.options = { enableScripts: true, localResourceRoots: [root] };
    const asset = (file: string) => view.webview.asWebviewUri(vscode.Uri.joinPath(root, file)).toString();
    const page = () => renderWebviewHtml({ title: 'GPT-2 Lesson', cspSource: view.webview.cspSource, scriptUri: asset('walkthrough.js'), styleUris: [asset('walkthrough.css')] });
    view.webview.html = page();
    view.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw), null, this.disposables);
    const retry = this.offerPageUntilReady(view, page);
    view.onDidDispose(() => {
      clearTimeout(retry.timer);
      if (this.view !== view) return; // an older view going away must not unhook the one that replaced it
      this.view = null;
      this.pageReady = false;
    }, null, this.disposables);
  }

  /**
   * A view restored visible after a window reload sometimes shows nothing: VS Code (seen in code-server 1.100) has
   * the page but leaves the webview empty for 25 s or more. Set again, the page comes at once. So until the page
   * says `ready`, it is set again after 2, 4, 8 and 16 s (each time with a fresh nonce, so it is a new page).
   */
  private offerPageUntilReady(view: vscode.WebviewView, page: () => string): { timer?: NodeJS.Timeout } {
    const retry: { timer?: NodeJS.Timeout } = {};
    const schedule = (waitMs: number) => {
      retry.timer = setTimeout(() => {
        if (this.pageReady || this.view !== view) return;
        this.log(`Walkthrough: the lesson view showed no page after ${waitMs / 1000} s; setting it again`);
        view.webview.html = page();
        if (waitMs < PAGE_RETRY_LAST_MS) schedule(waitMs * 2);
      }, waitMs);
    };
    schedule(PAGE_RETRY_FIRST_MS);
    return retry;
  }

  /** Checks every message; a malformed one is logged and dropped, never thrown. */
  private receive(raw: unknown): void {
    const parsed = parseWalkthroughMessage(raw);
    if (!parsed.ok) return this.log(`Walkthrough: dropped a malformed message: ${parsed.error}`);
    void this.handle(parsed.value).catch((error) => this.log(`Walkthrough: ${parsed.value.type} failed: ${String(error)}`));
  }

  private async handle(message: WalkthroughMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.sendLesson();
      case 'goto':
        return this.moveTo(message.id);
      case 'runStep':
        return this.runStep(message.id);
      case 'resetProgress':
        return this.save(FRESH_PROGRESS);
    }
  }

  async runStep(id: string): Promise<void> {
    const step = findStep(id);
    if (!step) return this.log(`Walkthrough: there is no lesson step "${id}"`);
    await this.moveTo(step.id);
    return this.run(step);
  }

  /** The page (re)loaded: it gets the steps to draw, then where the learner is. */
  private sendLesson(): void {
    this.pageReady = true;
    this.postMessage(lessonMessage());
    this.post();
  }

  private async moveTo(id: string): Promise<void> {
    if (!findStep(id)) return this.log(`Walkthrough: there is no lesson step "${id}"`);
    await this.save({ ...this.learner, current: id });
  }

  /** Runs the step's actions in order; the commands resolve when their work is done. */
  private async run(step: LessonStep): Promise<void> {
    if (this.running) return this.log(`Walkthrough: "${step.id}" ignored while "${this.running}" is running`);
    this.running = step.id;
    try {
      const presetId = lessonPresetId(this.controller.presets);
      if (needsSentence(step, this.controller.state)) await performLessonAction({ do: 'choosePreset', presetId }, this.hands);
      // Computed after the sentence is there: the slider stops and the last token depend on it.
      for (const action of step.actions(this.controller.state, presetId)) await performLessonAction(action, this.hands);
    } finally {
      this.running = null;
    }
  }

  private follow(): void {
    const next = observe(this.learner, this.controller.state);
    const changed = next.current !== this.learner.current || next.done.length !== this.learner.done.length || JSON.stringify(next.memory) !== JSON.stringify(this.learner.memory);
    if (changed) void this.save(next);
    else this.post(); // the model's readiness may have changed
  }

  private async save(progress: LessonProgress): Promise<void> {
    this.learner = progress;
    this.post();
    await this.context.globalState.update(PROGRESS_KEY, progress);
  }

  /** Where the learner is; only once the page has the lesson. */
  private post(): void {
    if (!this.pageReady) return;
    this.postMessage({ type: 'progress', current: this.learner.current, done: this.learner.done, modelReady: this.controller.state.model === 'ready' });
  }

  private postMessage(message: WalkthroughHostMessage): void {
    void this.view?.webview.postMessage(message).then(undefined, () => undefined);
  }

  dispose(): void {
    this.view = null; // a page retry still waiting finds no view and stops
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
