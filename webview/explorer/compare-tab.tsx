// The Compare tab: the comparison of two prompts and, under it, activation patching between them.

import type { ExplorerMessage, UiPatch } from '../../src/protocol/explorer';
import { ComparePanel } from './compare';
import type { HostData } from './host-data';
import { PatchingPanel } from './patching';

interface CompareTabProps {
  data: HostData;
  post: (message: ExplorerMessage) => void;
  change: (patch: UiPatch, said?: string) => void;
}

export function CompareTab({ data, post, change }: CompareTabProps) {
  const view = data.compare?.view;
  // A new comparison (or other default tokens) starts the patching panel's choices afresh.
  const key = view && `${view.clean.text}\n${view.corrupt.text}\n${view.target.id}\n${view.versus.id}`;
  return (
    <ComparePanel session={data.session!} compare={data.compare} refused={data.compareRefused} presets={data.presets} pairs={data.pairs} post={post}>
      {view && <PatchingPanel key={key} view={view} patching={data.patching} progress={data.patchProgress} post={post} change={change} />}
    </ComparePanel>
  );
}
