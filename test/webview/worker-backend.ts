// Answers the webview with the real thing: the session worker (dist/session-worker.js) driven through
// the extension's own SessionClient, on a model folder. Each webview message becomes the worker
// request the panel makes, and each answer the host message the panel posts.

import { join } from 'node:path';
import type { PresetView } from '../../src/protocol/views';
import { WorkerError, type WorkerResults } from '../../src/protocol/worker';
import { SessionClient } from '../../src/extension/explorer/session-client';
import type { ExplorerMessage, HostMessage } from '../../src/protocol/explorer';
import type { Backend } from './fake-host';

const WORKER_BUNDLE = join(__dirname, '..', '..', 'dist', 'session-worker.js');
const SETTINGS = { temperature: 1, topK: 0, topP: 1, maxNewTokens: 10, seed: 42 };

export class WorkerBackend implements Backend {
  private constructor(
    private readonly client: SessionClient,
    private readonly presets: PresetView[],
  ) {}

  static async start(modelDir: string, presets: PresetView[]): Promise<WorkerBackend> {
    const client = SessionClient.forBundle(WORKER_BUNDLE);
    await client.request({ type: 'load', modelDir, threads: 1, weights: 'float32' });
    return new WorkerBackend(client, presets);
  }

  dispose(): Promise<void> {
    return this.client.dispose();
  }

  async reply(message: ExplorerMessage): Promise<HostMessage[]> {
    try {
      return await this.answer(message);
    } catch (error) {
      // A view request replaced by a newer one of the same kind is dropped, as in the panel.
      if (error instanceof WorkerError && error.kind === 'superseded') return [];
      return [{ type: 'error', message: error instanceof Error ? error.message : String(error), action: null }];
    }
  }

  private async answer(message: ExplorerMessage): Promise<HostMessage[]> {
    const ask = this.client;
    switch (message.type) {
      case 'ready':
        return [{ type: 'init', presets: this.presets }, { type: 'status', model: 'ready', busy: false, detail: '' }, await this.analyze(this.presets[0].id)];
      case 'selectSentence':
        return [await this.analyze(message.id)];
      case 'step':
        return [snapshot(await ask.request({ type: 'step' }))];
      case 'sampleAppend':
        return [snapshot(await ask.request({ type: 'sampleAppend' }))];
      case 'reset':
        return [snapshot(await ask.request({ type: 'reset' }))];
      case 'forceToken':
        return [snapshot(await ask.request({ type: 'force', id: message.id }))];
      case 'selectNode':
        return [snapshot(await ask.request({ type: 'select', node: message.node }))];
      case 'setDecoding':
        return [snapshot(await ask.request({ type: 'setDecoding', patch: message.patch }))];
      case 'sample':
        return [{ type: 'tally', tally: await ask.request({ type: 'sample' }) }];
      case 'requestAttention':
        return [{ type: 'attention', view: await ask.request({ type: 'attention', layer: message.layer, head: message.head }) }];
      case 'requestQkv':
        return [{ type: 'qkv', view: await ask.request({ type: 'qkv', layer: message.layer, head: message.head, token: message.token }) }];
      case 'requestLens':
        return [{ type: 'lens', view: await ask.request({ type: 'lens', layer: message.layer, token: message.token, trackId: message.trackId }) }];
      default:
        return [];
    }
  }

  private async analyze(id: string): Promise<HostMessage> {
    const preset = this.presets.find((candidate) => candidate.id === id);
    if (!preset) throw new Error(`no preset "${id}"`);
    const sentence = { id: preset.id, text: preset.text, source: 'preset' as const };
    return snapshot(await this.client.request({ type: 'analyze', sentence, settings: SETTINGS }));
  }
}

function snapshot({ session, projection }: WorkerResults['analyze']): HostMessage {
  return { type: 'session', session, projection };
}
