// Records real protocol messages for the webview tests: a learner's walk through the lesson, sent
// to the session worker on the GPT-2-small-shaped test model (seeded random weights, real tokenizer),
// and every host message the panel would post back. Writes test/webview/fixtures/recorded-lesson.json.
// Run: npm run build && npx tsx test/webview/record-fixtures.ts   (first run generates the ≈ 550 MB model)

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PRESETS } from '../../src/explorer/presets';
import type { ExplorerMessage, HostMessage } from '../../src/protocol/explorer';
import { FULL_SIZE, testModel } from '../engine/models';
import { WorkerBackend } from './worker-backend';

export const RECORDING = join(__dirname, 'fixtures', 'recorded-lesson.json');

export interface Exchange {
  sent: ExplorerMessage; // what the webview posted
  replies: HostMessage[]; // what the host posted back, in order
}

/** The lesson's Self-Attention and Generation steps, as the webview would post them. */
const WALK: ExplorerMessage[] = [
  { type: 'ready' },
  { type: 'requestAttention', layer: 6, head: 0 },
  { type: 'requestAttention', layer: 11, head: 0 },
  { type: 'requestLens', layer: 12, token: 11, trackId: null },
  { type: 'requestQkv', layer: 11, head: 0, token: 11 },
  { type: 'sample' },
  { type: 'sample' },
  { type: 'sample' },
  { type: 'step' },
  { type: 'requestAttention', layer: 11, head: 0 },
  { type: 'requestLens', layer: 12, token: 11, trackId: null },
];

async function main() {
  const backend = await WorkerBackend.start(await testModel(FULL_SIZE), [...PRESETS]);
  try {
    const exchanges: Exchange[] = [];
    const record = async (sent: ExplorerMessage) => {
      const replies = await backend.reply(sent);
      exchanges.push({ sent, replies });
      return replies;
    };
    for (const sent of WALK) {
      const replies = await record(sent);
      // The webview then tracks the top token across layers (webview/explorer/store.ts): record that too.
      const lens = replies.find((reply) => reply.type === 'lens');
      if (sent.type === 'requestLens' && sent.trackId === null && lens?.type === 'lens') await record({ ...sent, trackId: lens.view.top[0].id });
    }
    await writeFile(RECORDING, JSON.stringify({ model: 'test model, GPT-2 small shape, seed 1', exchanges }) + '\n');
    console.log(`wrote ${exchanges.length} exchanges to ${RECORDING}`);
  } finally {
    await backend.dispose();
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
