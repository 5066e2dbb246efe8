// GPT-2: Show Token Surprise. The command scores the selection (or the whole document when nothing is
// selected) in the session worker and paints it; the same command, or Escape in that editor, takes it
// off again. A hover on a scored token says what the model made of it. While it is on, an edit clears
// the colours and hovers at once (they belong to the old text) and the text is scored again once typing
// pauses (live.ts). One document at a time: showing it on another document moves it there. Above the scored
// text a CodeLens sums it up (tokens, mean surprise, the most surprising token); the colours say the rank or,
// with the setting gpt2Explorer.surprise.colorBy, the probability.
import * as vscode from 'vscode';
import { MAX_SCORED_TEXT, surpriseSummary, type TextScores } from '../../protocol/surprise';
import { leaveMark, MARKS } from '../common/marks';
import type { CommandHandlers } from '../contributes';
import type { SurpriseScorer } from '../ports';
import { COLOR_BY, type ColorBy } from './buckets';
import { COLOR_BY_SETTING, SHOWN_CONTEXT, SURPRISE_COMMANDS } from './contributes';
import { SurpriseDecorations } from './decorations';
import { followEdit, type TextRange } from './follow-edit';
import { hoverMarkdown, summaryLens, summaryText, tokenAt } from './hover-text';
import { LiveScore, type ScoreTarget } from './live';

interface Shown {
  document: vscode.TextDocument;
  range: TextRange; // the scored part, following edits
  whole: boolean; // nothing was selected: the whole document, whatever its length becomes
  live: LiveScore;
  painted: { scores: TextScores; offset: number; text: string } | null; // what is on screen (and the text scored), for editors opened later and hovers
}

export class SurpriseFeature implements vscode.Disposable {
  private shown: Shown | null = null;
  private readonly decorations = new SurpriseDecorations();
  private readonly status = vscode.window.createStatusBarItem('gpt2Explorer.surprise', vscode.StatusBarAlignment.Right, 99);
  private readonly listeners: vscode.Disposable[];
  private readonly lensesChanged = new vscode.EventEmitter<void>();

  constructor(private readonly scorer: SurpriseScorer) {
    this.status.name = 'GPT-2 Token Surprise';
    this.status.command = SURPRISE_COMMANDS.hide;
    this.listeners = [
      this.status,
      vscode.workspace.onDidChangeTextDocument((event) => this.edited(event)),
      vscode.workspace.onDidCloseTextDocument((document) => document === this.shown?.document && this.hide()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.repaint()),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateContext()),
      vscode.languages.registerHoverProvider('*', { provideHover: (document, position) => this.hover(document, position) }),
      vscode.languages.registerCodeLensProvider('*', { provideCodeLenses: (document) => this.lenses(document), onDidChangeCodeLenses: this.lensesChanged.event }),
      vscode.workspace.onDidChangeConfiguration((event) => event.affectsConfiguration(`gpt2Explorer.${COLOR_BY_SETTING}`) && this.repaint()),
      this.lensesChanged,
    ];
  }

  /** The summary above the scored text, while its scores are on screen; a click hides the surprise. */
  private lenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const shown = this.shown?.document === document ? this.shown : null;
    if (!shown?.painted) return [];
    const at = document.positionAt(shown.painted.offset);
    const title = summaryLens(surpriseSummary(shown.painted.scores.tokens));
    return [new vscode.CodeLens(new vscode.Range(at, at), { title, command: SURPRISE_COMMANDS.hide, tooltip: 'GPT-2 Token Surprise of the text below. Click to hide it.' })];
  }

  /** What the colours say: the setting, rank when it holds anything else. */
  private colorBy(): ColorBy {
    const value = vscode.workspace.getConfiguration('gpt2Explorer').get<string>(COLOR_BY_SETTING);
    return COLOR_BY.find((by) => by === value) ?? 'rank';
  }

  /** The hover of the token under the mouse, while its scores are on screen; its lens layer is asked of the worker now. */
  private async hover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const painted = this.shown?.document === document ? this.shown.painted : null;
    if (!painted) return undefined;
    const { scores, offset, text } = painted;
    const index = tokenAt(scores.tokens, document.offsetAt(position) - offset);
    if (index < 0) return undefined;
    const scored = scores.tokens[index];
    const lensLayer = scored.lensLayer !== undefined || index === 0 ? scored.lensLayer : await this.scorer.lensLayer(text, index);
    if (this.shown?.painted !== painted) return undefined; // edited or hidden meanwhile
    const token = { ...scored, lensLayer };
    const markdown = hoverMarkdown(token, { layers: scores.layers, overlap: scores.overlap, first: index === 0 });
    return new vscode.Hover(new vscode.MarkdownString(markdown), new vscode.Range(document.positionAt(offset + token.start), document.positionAt(offset + token.end)));
  }

  /** The command: on for the active editor's selection or document, or off when it is on there. */
  async toggle(): Promise<boolean> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showWarningMessage('Open a file first (and select a prompt, or nothing for the whole file), then run GPT-2: Show Token Surprise.');
      return false;
    }
    if (this.shown?.document === editor.document) return (this.hide(), false);
    this.hide();
    const document = editor.document;
    const whole = editor.selection.isEmpty;
    const range = whole ? { start: 0, end: document.getText().length } : { start: document.offsetAt(editor.selection.start), end: document.offsetAt(editor.selection.end) };
    if (range.end - range.start > MAX_SCORED_TEXT) {
      range.end = range.start + MAX_SCORED_TEXT;
      void vscode.window.showInformationMessage(`GPT-2: Token Surprise scores the first ${MAX_SCORED_TEXT.toLocaleString('en-US')} characters.`);
    }
    if (range.end === range.start) {
      void vscode.window.showWarningMessage('There is no text to score here.');
      return false;
    }
    const shown: Shown = { document, range, whole, painted: null, live: new LiveScore(this.ports(document)) };
    this.shown = shown;
    this.updateContext();
    const version = document.version;
    const painted = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'GPT-2: scoring tokens' }, () => shown.live.now());
    // Not painted and not outrun by an edit: the score failed (the failure was reported), so it is not left on.
    if (!painted && this.shown === shown && document.version === version) this.hide();
    return painted;
  }

  /** Off: the colours go and nothing scored later is shown. */
  hide(): void {
    const shown = this.shown;
    if (!shown) return;
    this.shown = null;
    shown.live.stop();
    this.status.hide();
    for (const editor of this.editorsOf(shown.document)) this.decorations.clear(editor);
    this.lensesChanged.fire();
    this.updateContext();
  }

  dispose(): void {
    this.hide();
    this.decorations.dispose();
    for (const listener of this.listeners) listener.dispose();
  }

  private ports(document: vscode.TextDocument) {
    return {
      score: (text: string) => this.scorer.score(text),
      read: (): ScoreTarget | null => {
        const shown = this.shown;
        if (shown?.document !== document) return null;
        const { start, end } = shown.range;
        const text = document.getText(new vscode.Range(document.positionAt(start), document.positionAt(end)));
        return text === '' ? null : { text, offset: start, version: document.version };
      },
      version: () => document.version,
      show: (scores: TextScores, target: ScoreTarget) => {
        if (this.shown?.document !== document) return;
        this.shown.painted = { scores, offset: target.offset, text: target.text };
        Object.assign(this.status, summaryText(surpriseSummary(scores.tokens))).show();
        this.repaint();
        leaveMark(MARKS.surprisePainted, { tokens: scores.tokens.length }); // the host's part is done: the window draws the rest
      },
    };
  }

  private edited(event: vscode.TextDocumentChangeEvent): void {
    const shown = this.shown;
    if (!shown || event.document !== shown.document || event.contentChanges.length === 0) return;
    shown.painted = null; // the old scores belong to the old text: never shown on the new one
    this.status.hide();
    this.lensesChanged.fire();
    for (const editor of this.editorsOf(shown.document)) this.decorations.clear(editor);
    let range: TextRange | null = shown.range;
    // Each change's offset is in the text before the event: applied from the last one back, the earlier offsets still hold.
    for (const change of [...event.contentChanges].sort((a, b) => b.rangeOffset - a.rangeOffset)) {
      range = range && followEdit(range, { offset: change.rangeOffset, length: change.rangeLength, inserted: change.text.length });
    }
    if (shown.whole) range = { start: 0, end: Math.min(shown.document.getText().length, MAX_SCORED_TEXT) };
    if (range === null || range.end === range.start) return this.hide();
    shown.range = { start: range.start, end: Math.min(range.end, range.start + MAX_SCORED_TEXT) };
    shown.live.edited();
  }

  private repaint(): void {
    const painted = this.shown?.painted;
    if (!this.shown || !painted) return;
    const by = this.colorBy();
    for (const editor of this.editorsOf(this.shown.document)) this.decorations.paint(editor, painted.scores, painted.offset, by);
    this.lensesChanged.fire();
  }

  private editorsOf(document: vscode.TextDocument): vscode.TextEditor[] {
    return vscode.window.visibleTextEditors.filter((editor) => editor.document === document);
  }

  private updateContext(): void {
    const on = this.shown !== null && vscode.window.activeTextEditor?.document === this.shown.document;
    void vscode.commands.executeCommand('setContext', SHOWN_CONTEXT, on);
  }
}

/** The two commands' handlers: the toggle, and the hide that Escape runs (activate() registers them). */
export function surpriseCommands(feature: SurpriseFeature): CommandHandlers<(typeof SURPRISE_COMMANDS)[keyof typeof SURPRISE_COMMANDS]> {
  return {
    [SURPRISE_COMMANDS.toggle]: () => feature.toggle(),
    [SURPRISE_COMMANDS.hide]: () => feature.hide(),
  };
}
