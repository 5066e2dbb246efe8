// The UI state the host heard last, once it holds what a test waits for: the page tells the host its UI
// state only once the UI has been still for a moment (webview/explorer/app.tsx), not on every change.

import type { UiState } from '../../src/protocol/explorer';

export async function echoed(host: { last(type: 'uiState'): { ui: UiState } | undefined }, done: (ui: UiState) => boolean, what: string): Promise<UiState> {
  for (let waited = 0; waited <= 10_000; waited += 20) {
    const ui = host.last('uiState')?.ui;
    if (ui && done(ui)) return ui;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the host never heard ${what}`);
}
