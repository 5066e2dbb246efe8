// The side-panel walkthrough: a WebviewView in the GPT-2 activity-bar container that shows the lesson's
// steps (lesson.ts). "Do it" runs a step's commands in the explorer panel; the controller's
// onDidChangeState marks steps done, whether the learner pressed the button or did it by hand. Progress
// lives in globalState, so it survives a window reload.

import * as vscode from 'vscode';
import { parseWalkthroughMessage, type WalkthroughHostMessage, type WalkthroughMessage } from '../../protocol/walkthrough';
import type { ExplorerController } from '../explorer/controller';
import { renderWebviewHtml } from '../shared/webview-html';
import { FRESH_PROGRESS, findStep, lessonPresetId, needsSentence, observe, restoreProgress, type LessonAction, type LessonProgress, type LessonStep } from './lesson';

export const WALKTHROUGH_VIEW_ID = 'gpt2Explorer.lesson';
const PROGRESS_KEY = 'gpt2Explorer.lessonProgress';

export function registerWalkthroughView(context: vscode.ExtensionContext, controller: ExplorerController, log: (line: string) => void = () => undefined): vscode.Disposable {
  const provider = new WalkthroughViewProvider(context, controller, log);
  return vscode.Disposable.from(provider, vscode.window.registerWebviewViewProvider(WALKTHROUGH_VIEW_ID, provider));
}

class WalkthroughViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | null = null;
  private progress: LessonProgress;
  private running: string | null = null; // the step whose actions are running: a second press waits for it
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly controller: ExplorerController,
    private readonly log: (line: string) => void,
  ) {
    this.progress = restoreProgress(context.globalState.get(PROGRESS_KEY));
    // Followed even while the view is hidden, so steps done by hand count.
    this.disposables.push(controller.onDidChangeState(() => this.follow()));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const root = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview');
    view.webview.options = { enableScripts: true, localResourceRoots: [root] };
    const asset = (file: string) => view.webview.asWebviewUri(vscode.Uri.joinPath(root, file)).toString();
    view.webview.html = renderWebviewHtml({ title: 'GPT-2 Lesson', cspSource: view.webview.cspSource, scriptUri: asset('walkthrough.js'), styleUris: [asset('walkthrough.css')] });
    view.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw), null, this.disposables);
    view.onDidDispose(() => (this.view = null), null, this.disposables);
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
        return this.post();
      case 'goto':
        return this.moveTo(message.id);
      case 'runStep': {
        const step = findStep(message.id);
        if (!step) return this.log(`Walkthrough: there is no lesson step "${message.id}"`);
        await this.moveTo(step.id);
        return this.run(step);
      }
      case 'resetProgress':
        return this.save(FRESH_PROGRESS);
    }
  }

  private async moveTo(id: string): Promise<void> {
    if (!findStep(id)) return this.log(`Walkthrough: there is no lesson step "${id}"`);
    await this.save({ ...this.progress, current: id });
  }

  /** Runs the step's actions in order; the commands resolve when their work is done. */
  private async run(step: LessonStep): Promise<void> {
    if (this.running) return this.log(`Walkthrough: "${step.id}" ignored while "${this.running}" is running`);
    this.running = step.id;
    try {
      const presetId = lessonPresetId(this.controller.presets);
      if (needsSentence(step, this.controller.state)) await vscode.commands.executeCommand('gpt2Explorer.choosePreset', presetId);
      // Computed after the sentence is there: the slider stops and the last token depend on it.
      for (const action of step.actions(this.controller.state, presetId)) await this.perform(action);
    } finally {
      this.running = null;
    }
  }

  private async perform(action: LessonAction): Promise<void> {
    if ('pauseMs' in action) return new Promise((wake) => setTimeout(wake, action.pauseMs));
    for (let i = 0; i < (action.times ?? 1); i++) {
      if (action.untilStopped && this.controller.state.session?.stop != null) return;
      await vscode.commands.executeCommand(action.command, ...(action.args ?? []));
    }
  }

  private follow(): void {
    const next = observe(this.progress, this.controller.state);
    const changed = next.current !== this.progress.current || next.done.length !== this.progress.done.length || JSON.stringify(next.memory) !== JSON.stringify(this.progress.memory);
    if (changed) void this.save(next);
    else this.post(); // the model's readiness may have changed
  }

  private async save(progress: LessonProgress): Promise<void> {
    this.progress = progress;
    this.post();
    await this.context.globalState.update(PROGRESS_KEY, progress);
  }

  private post(): void {
    const message: WalkthroughHostMessage = {
      type: 'progress',
      current: this.progress.current,
      done: this.progress.done,
      modelReady: this.controller.state.model === 'ready',
    };
    void this.view?.webview.postMessage(message).then(undefined, () => undefined);
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
