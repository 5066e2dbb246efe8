// The panel link's UI echo for GPT-2: Save Analysis: asked of a listening webview, it waits for the echo,
// or for its patience when the panel does not answer (hidden), and never for a panel that is not there.

import assert from 'node:assert/strict';
import type { HostMessage } from '../../../src/protocol/explorer';
import { PanelLink } from '../../../src/extension/explorer/panel-link';

/** A link with a listening webview that records what it is sent. */
function listeningLink(): { link: PanelLink; sent: HostMessage[] } {
  const link = new PanelLink();
  const sent: HostMessage[] = [];
  link.attach((message) => sent.push(message));
  link.ready();
  return { link, sent };
}

const settled = (promise: Promise<void>) => Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setImmediate(() => resolve(false)))]);

describe('PanelLink.askUiEcho', () => {
  it('asks a listening webview to echo and resolves when it has', async () => {
    const { link, sent } = listeningLink();
    const asked = link.askUiEcho(60_000);
    assert.deepEqual(sent, [{ type: 'echoUi' }]);
    assert.equal(await settled(asked), false, 'it waits for the echo');
    link.echoed();
    assert.equal(await settled(asked), true);
  });

  it('takes the last echo after its patience when the webview does not answer', async () => {
    const { link } = listeningLink();
    const started = Date.now();
    await link.askUiEcho(30);
    assert.ok(Date.now() - started >= 25, 'it waited its patience');
  });

  it('does not wait for a webview that is not listening, nor for one that closes', async () => {
    const link = new PanelLink();
    assert.equal(await settled(link.askUiEcho(60_000)), true, 'no panel');
    const sent: HostMessage[] = [];
    link.attach((message) => sent.push(message));
    assert.equal(await settled(link.askUiEcho(60_000)), true, 'a panel that has not said ready');
    assert.deepEqual(sent, [], 'nothing is posted to a webview that does not listen');
    link.ready();
    const asked = link.askUiEcho(60_000);
    link.detach();
    assert.equal(await settled(asked), true, 'a panel closed while asked');
  });
});
