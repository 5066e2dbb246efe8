// The HTML shell of every webview, as in vscode-extension-samples' webview-sample: a strict CSP where
// scripts run only with this load's nonce, styles and fonts come only from the extension's own files,
// and nothing remote is allowed. Pure (no `vscode` import) so the browser tests serve the very same page.

import { randomBytes } from 'node:crypto';

export interface WebviewPage {
  title: string;
  cspSource: string; // webview.cspSource: the origin of asWebviewUri() URLs
  scriptUri: string; // the app bundle, through asWebviewUri
  styleUris: string[]; // stylesheets, through asWebviewUri
  nonce?: string; // fresh for every load; generated when left out
  /** Theme class names for <body> in the browser tests, e.g. "vscode-dark" (inside VS Code, VS Code sets its own). */
  bodyClass?: string;
}

/** A fresh 128-bit nonce, base64: unguessable by content injected into the page. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    // The toolkit (FAST) injects one <style> to probe :focus-visible; it takes the nonce from the
    // csp-nonce meta tag below, so no 'unsafe-inline' is needed.
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function renderWebviewHtml(page: WebviewPage): string {
  const nonce = page.nonce ?? makeNonce();
  const styles = page.styleUris.map((uri) => `<link rel="stylesheet" href="${escapeAttribute(uri)}">`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(page.cspSource, nonce))}">
    <meta property="csp-nonce" content="${escapeAttribute(nonce)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>${escapeText(page.title)}</title>
  </head>
  <body${page.bodyClass ? ` class="${escapeAttribute(page.bodyClass)}"` : ''}>
    <div id="root"></div>
    <script nonce="${escapeAttribute(nonce)}" src="${escapeAttribute(page.scriptUri)}"></script>
  </body>
</html>`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
