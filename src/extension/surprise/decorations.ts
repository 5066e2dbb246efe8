// The surprise painted on an editor (which ranges each type gets: paint-plan.ts): each scored token tinted by its rank bucket (buckets.ts), underlined in the
// bucket's own line style (colour is never the only cue), and a bar
// where a chunk of a long text starts. One decoration type per bucket, made once and reused. The hovers
// come from a hover provider (feature.ts), built when asked: not thousands of Markdown strings up front,
// and readable by vscode.executeHoverProvider.
import * as vscode from 'vscode';
import type { TextScores } from '../../protocol/surprise';
import { RANK_BUCKETS, type ColorBy, type RankBucket } from './buckets';
import { CHUNK_START_COLOR } from './contributes';
import { paintPlan } from './paint-plan';

export class SurpriseDecorations implements vscode.Disposable {
  private readonly buckets = new Map<RankBucket['key'], vscode.TextEditorDecorationType>();
  private readonly chunkStart = vscode.window.createTextEditorDecorationType({
    borderStyle: 'none none none solid',
    borderWidth: '0 0 0 2px',
    borderColor: new vscode.ThemeColor(CHUNK_START_COLOR),
  });

  constructor() {
    for (const bucket of RANK_BUCKETS) {
      this.buckets.set(bucket.key, vscode.window.createTextEditorDecorationType({ backgroundColor: new vscode.ThemeColor(bucket.color), borderRadius: '2px', textDecoration: bucket.underline }));
    }
  }

  /** Paints `scores` of the text that starts at document offset `offset`, in buckets of rank or of probability. */
  paint(editor: vscode.TextEditor, scores: TextScores, offset: number, by: ColorBy): void {
    const document = editor.document;
    for (const [key, ranges] of paintPlan(scores, offset, by)) {
      const type = key === 'chunkStart' ? this.chunkStart : this.buckets.get(key)!;
      editor.setDecorations(type, ranges.map(([start, end]) => ({ range: new vscode.Range(document.positionAt(start), document.positionAt(end)) })));
    }
  }

  clear(editor: vscode.TextEditor): void {
    for (const type of this.all()) editor.setDecorations(type, []);
  }

  dispose(): void {
    for (const type of this.all()) type.dispose();
  }

  private all(): vscode.TextEditorDecorationType[] {
    return [...this.buckets.values(), this.chunkStart];
  }
}
