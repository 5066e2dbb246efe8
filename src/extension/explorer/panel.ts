// The explorer panel, with the lifecycle of vscode-extension-samples' webview-sample: one panel,
// reused (createOrShow), revived after a window reload by the WebviewPanelSerializer registered in
// activate (revive), and a dispose that releases everything. The webview restores its own UI state
// and sends `ready`; the controller answers with the presets, the model status and the session.

import * as vscode from 'vscode';
import type { HostMessage } from '../../protocol/explorer';
import { renderWebviewHtml } from '../common/webview-html';
import { EXPLORER_VIEW_TYPE } from '../contributes';
import type { ExplorerController } from './controller';

export class ExplorerPanel {
  static readonly viewType = EXPLORER_VIEW_TYPE;
  private static current: ExplorerPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  /** Shows the panel, creating it if needed; `column` places a new one (beside the editor by default). */
  static createOrShow(extensionUri: vscode.Uri, controller: ExplorerController, column = vscode.ViewColumn.Beside): ExplorerPanel {
    if (ExplorerPanel.current) {
      ExplorerPanel.current.panel.reveal(undefined, true);
      return ExplorerPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(ExplorerPanel.viewType, 'GPT-2 Explorer', { viewColumn: column, preserveFocus: true }, webviewOptions(extensionUri));
    return ExplorerPanel.revive(panel, extensionUri, controller);
  }

  /** Takes over a panel VS Code restored after a reload (or one createOrShow just made). */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, controller: ExplorerController): ExplorerPanel {
    ExplorerPanel.current?.panel.dispose(); // only one explorer: a second restored panel replaces the first
    ExplorerPanel.current = new ExplorerPanel(panel, extensionUri, controller);
    return ExplorerPanel.current;
  }

  static get isOpen(): boolean {
    return ExplorerPanel.current !== undefined;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    controller: ExplorerController,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icons', 'gpt2.svg');
    panel.webview.html = html(panel.webview, extensionUri);
    controller.attachPanel((message) => this.post(message));
    // Every message goes through the protocol check in controller.receive: malformed ones are logged, never thrown.
    panel.webview.onDidReceiveMessage((raw: unknown) => controller.receive(raw), null, this.disposables);
    panel.onDidDispose(() => this.dispose(controller), null, this.disposables);
  }

  private post(message: HostMessage): void {
    // A hidden webview without retained context drops messages; it sends `ready` when shown and gets everything again.
    void this.panel.webview.postMessage(message).then(undefined, () => undefined);
  }

  private dispose(controller: ExplorerController): void {
    if (ExplorerPanel.current?.panel === this.panel) ExplorerPanel.current = undefined;
    void controller.detachPanel();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

/** Scripts on; files only from the bundles and media. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

function html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', file)).toString();
  return renderWebviewHtml({ title: 'GPT-2 Explorer', cspSource: webview.cspSource, scriptUri: asset('explorer.js'), styleUris: [asset('explorer.css')] });
}
