// The explorer's panels as app.tsx lays them out, each memoized on the few fields of the state it draws
// from: every host message and UI change makes a new state, and without this each one re-rendered every
// panel of the tab (a Layer change diffed the chips, the plot, the lens and the Generation panel: ≈ 12 ms
// of Preact's diff a change on a loaded two-core machine, issue 19). A panel gets the stamped view as it
// is held (a reference that changes only when its answer does) and the session count, and works out
// what to show itself; the callbacks it gets are stable (app.tsx).

import type { ExplorerMessage, UiPatch } from '../../src/protocol/explorer';
import type { AttentionView, AttributionPanelView, HeadsGridView, LensView, ProjectionView, QkvView, SessionView, TokenizedView } from '../../src/protocol/views';
import { Button } from '../ui/toolkit';
import { AttentionHeatmap, LayerHeadPickers } from './attention';
import { AttributionPanel } from './attribution';
import { TokenChips } from './chips';
import { ExportButtons } from './export-buttons';
import { GenerationPanel } from './generation';
import { HeadsGridPanel } from './heads-grid';
import { shown, type Stamped } from './host-data';
import { LensPanel } from './lens';
import { memo } from './memo';
import { PositionsPanel } from './positions';
import { QkvBox } from './qkv';
import { DecodingTreePanel } from './tree';

type Post = (message: ExplorerMessage) => void;
type Change = (patch: UiPatch) => void;

interface Chosen {
  layer: number;
  head: number;
  token: number | null;
}

export const ChipsSection = memo(TokenChips);

export const GenerationSection = memo(GenerationPanel);

export const TreeSection = memo(DecodingTreePanel);

export const AttributionSection = memo(function AttributionSection({ attribution, sessions, ...rest }: { session: SessionView; sessions: number; attribution: Stamped<AttributionPanelView> | null; tokenized: TokenizedView | null; post: Post; change: Change }) {
  const drawn = shown({ sessions }, attribution, () => true, () => true); // the panel tells an answer to another ask itself
  return <AttributionPanel {...rest} sessions={sessions} attribution={drawn} />;
});

export const AttentionSection = memo(function AttentionSection({ session, attention, sessions, layer, head, token, change, post }: Chosen & { session: SessionView; attention: Stamped<AttentionView> | null; sessions: number; change: Change; post: Post }) {
  const drawn = shown({ sessions }, attention, () => true, (view) => view.layer === layer && view.head === head);
  return (
    <section class="panel" aria-labelledby="attention-title">
      <h2 id="attention-title">Attention</h2>
      <LayerHeadPickers layers={session.model.layers} heads={session.model.heads} layer={layer} head={head} onChange={change} />
      <AttentionHeatmap attention={drawn} tokens={session.tokens} selected={token} />
      <ExportButtons session={session} data={drawn && { type: 'attention', view: drawn.view }} post={post} />
    </section>
  );
});

export const HeadsGridSection = memo(function HeadsGridSection({ session, grid, sessions, layer, head, token, change, post }: Chosen & { session: SessionView; grid: Stamped<HeadsGridView> | null; sessions: number; change: Change; post: Post }) {
  const drawn = shown({ sessions }, grid, () => true, (view) => view.token === (token ?? session.tokens.length - 1));
  return <HeadsGridPanel session={session} tokens={session.tokens} sessions={sessions} grid={drawn} chosen={{ layer, head, token }} post={post} change={change} />;
});

export const PositionsSection = memo(function PositionsSection({ session, projection, slider, change, post }: { session: SessionView; projection: ProjectionView; slider: number; change: Change; post: Post }) {
  return (
    <PositionsPanel projection={projection} tokens={session.tokens} embd={session.model.embd} slider={slider} onSlider={(value) => change({ slider: value })}>
      <ExportButtons session={session} data={{ type: 'positions', view: projection }} post={post} />
    </PositionsPanel>
  );
});

export const QkvSection = memo(function QkvSection({ session, qkv, sessions, layer, head, token, showQkv, change, post }: Chosen & { session: SessionView; qkv: Stamped<QkvView> | null; sessions: number; showQkv: boolean; change: Change; post: Post }) {
  const drawn = shown({ sessions }, qkv, (view) => view.token === token, (view) => view.layer === layer && view.head === head);
  return (
    <section class="panel">
      <Button appearance="secondary" pressed={showQkv} onClick={() => change({ showQkv: !showQkv })}>
        {showQkv ? 'Hide Q / K / V Vectors' : 'Show Q / K / V Vectors'}
      </Button>
      {showQkv && <QkvBox qkv={drawn} token={token === null ? null : session.tokens[token]} layer={layer} head={head} />}
      {showQkv && <ExportButtons session={session} data={drawn && { type: 'qkv', view: drawn.view }} post={post} image="dom" />}
    </section>
  );
});

export const LensSection = memo(function LensSection({ session, lens, sessions, token, lensLayer, trackId, change, post }: { session: SessionView; lens: Stamped<LensView> | null; sessions: number; token: number | null; lensLayer: number; trackId: number | null; change: Change; post: Post }) {
  const drawn = shown({ sessions }, lens, (view) => view.token === token, (view) => view.layer === lensLayer && view.track?.id === (trackId ?? view.track?.id));
  return (
    <LensPanel
      lens={drawn}
      token={token === null ? null : session.tokens[token]}
      layers={session.model.layers}
      lensLayer={lensLayer}
      trackId={trackId}
      onLayer={(layer) => change({ lensLayer: layer })}
      onTrack={(id) => change({ trackId: id })}
    >
      <ExportButtons session={session} data={lens ? { type: 'lens', view: lens.view } : null} post={post} />
    </LensPanel>
  );
});

