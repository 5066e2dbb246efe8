// GPT-2: Save Analysis — the whole analysis in one JSON file (protocol/export.ts, analysisExport): the
// session as the explorer shows it, its projection, and each panel's data at what the panel shows now
// (the chosen layer and head, the chosen chip or the last token, the lens layer, the top candidate
// against the runner-up). A panel the worker cannot answer just now is left out, never invented.

import { analysisOf, exportText, type PanelData } from '../../protocol/export-format';
import type { UiState } from '../../protocol/explorer';
import type { SessionSnapshot } from '../../protocol/views';
import type { RequestOf, WorkerResults } from '../../protocol/worker';
import type { ControllerUi } from '../ports';

type Asked = 'attention' | 'headsGrid' | 'lens' | 'qkv' | 'attribution';
/** One view request to the worker; null when it could not be answered. */
export type AskView = <K extends Asked>(request: RequestOf<K>) => Promise<WorkerResults[K] | null>;

export async function collectPanels(snapshot: SessionSnapshot, ui: UiState | null, ask: AskView): Promise<PanelData[]> {
  const { session, projection } = snapshot;
  const last = session.tokens.length - 1;
  const { layer, head } = ui ?? session.defaults;
  const token = ui?.token ?? last;
  const [first, second] = session.next.top;
  const panels: PanelData[] = [{ type: 'generation', next: session.next, tally: session.tally }, { type: 'positions', view: projection }];
  const attention = await ask({ type: 'attention', layer, head });
  if (attention) panels.push({ type: 'attention', view: attention });
  const grid = await ask({ type: 'headsGrid', token });
  if (grid) panels.push({ type: 'headsGrid', view: grid });
  const lens = await ask({ type: 'lens', layer: ui?.lensLayer ?? session.model.layers, token, trackId: ui?.trackId ?? first?.id ?? null });
  if (lens) panels.push({ type: 'lens', view: lens });
  const qkv = await ask({ type: 'qkv', layer, head, token });
  if (qkv) panels.push({ type: 'qkv', view: qkv });
  const attribution = first ? await ask({ type: 'attribution', token: last, target: first.id, versus: second?.id ?? null }) : null;
  if (attribution) panels.push({ type: 'attribution', view: attribution });
  return panels;
}

/** Collects the analysis and saves it through the save dialog; says where it went, or that there is nothing yet. */
export async function saveAnalysis(snapshot: SessionSnapshot | null, ui: UiState | null, ask: AskView, port: ControllerUi): Promise<string | null> {
  if (!snapshot) {
    port.note('Nothing is analyzed yet: pick a sentence or analyze a selection, then run GPT-2: Save Analysis.');
    return null;
  }
  const analysis = analysisOf(snapshot.session, await collectPanels(snapshot, ui, ask), new Date());
  try {
    const path = await port.save({ name: 'gpt2-analysis.json', kind: 'json', bytes: new TextEncoder().encode(exportText(analysis)) });
    if (path) port.note(`Saved the analysis to ${path}`);
    return path;
  } catch (error) {
    port.problem(`Could not save the analysis: ${error instanceof Error ? error.message : String(error)}`, []);
    return null;
  }
}
