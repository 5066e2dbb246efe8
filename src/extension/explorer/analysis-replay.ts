// An analysis opened from a Save Analysis file, shown without the model (read-only): the panel gets
// the saved session and, for each view it asks for, the saved view when the file holds that very one
// (same layer, head, token …). Nothing reaches the worker: a Step, a draw, a decoding change or a view
// the file does not hold is answered with a note saying why. Picking a sentence ends it.

import type { AnalysisExport, PanelData } from '../../protocol/export-format';
import type { ExplorerMessage, HostMessage, UiPatch } from '../../protocol/explorer';
import type { SessionSnapshot } from '../../protocol/views';

type Panel<K extends PanelData['type']> = Extract<PanelData, { type: K }>;

export class AnalysisReplay {
  readonly snapshot: SessionSnapshot;

  private constructor(
    private readonly analysis: AnalysisExport,
    readonly name: string, // the file's name, for the status line
    projection: SessionSnapshot['projection'],
  ) {
    this.snapshot = { session: analysis.session, projection };
  }

  /** The replay of a file, or why it cannot be shown. */
  static of(analysis: AnalysisExport, name: string): AnalysisReplay | string {
    const positions = analysis.panels.find((panel): panel is Panel<'positions'> => panel.type === 'positions');
    if (!positions) return `${name} holds no token positions, so the explorer cannot draw it`;
    return new AnalysisReplay(analysis, name, positions.view);
  }

  /** What the panel shows first: the layer, head and token the saved views are at. */
  uiPatch(): UiPatch {
    const attention = this.panel('attention');
    const qkv = this.panel('qkv');
    const lens = this.panel('lens');
    return {
      ...(attention ? { layer: attention.view.layer, head: attention.view.head } : {}),
      ...(qkv || lens ? { token: (qkv ?? lens)!.view.token } : {}),
      ...(lens ? { lensLayer: lens.view.layer, trackId: lens.view.track?.id ?? null } : {}),
    };
  }

  /** The answer to a message from the panel, or null for those the controller handles as ever (ready, selectSentence …). */
  answer(message: ExplorerMessage): HostMessage | 'missing' | 'refused' | null {
    switch (message.type) {
      case 'requestAttention':
        return this.saved('attention', (v) => v.layer === message.layer && v.head === message.head);
      case 'requestQkv':
        return this.saved('qkv', (v) => v.layer === message.layer && v.head === message.head && v.token === message.token);
      case 'requestLens':
        return this.saved('lens', (v) => v.layer === message.layer && v.token === message.token && (message.trackId === null || v.track?.id === message.trackId));
      case 'requestHeadsGrid':
        return this.saved('headsGrid', (v) => v.token === message.token);
      case 'requestAttribution':
        return this.saved('attribution', (v) => v.attribution.position === message.token && v.attribution.target.id === message.target && (v.attribution.versus?.id ?? null) === message.versus);
      case 'tokenizeText': // the tokenizer comes with the model
      case 'step':
      case 'sample':
      case 'sampleAppend':
      case 'reset':
      case 'setDecoding':
      case 'forceToken':
      case 'selectNode':
      case 'requestCompare': // a comparison and patching run the model
      case 'requestPatch':
        return 'refused';
      default:
        return null;
    }
  }

  private panel<K extends PanelData['type']>(type: K): Panel<K> | undefined {
    return this.analysis.panels.find((panel): panel is Panel<K> => panel.type === type);
  }

  private saved<K extends 'attention' | 'qkv' | 'lens' | 'headsGrid' | 'attribution'>(type: K, same: (view: Panel<K>['view']) => boolean): HostMessage | 'missing' {
    const panel = this.panel(type) as { view: Panel<K>['view'] } | undefined;
    return panel && same(panel.view) ? ({ type, view: panel.view } as HostMessage) : 'missing';
  }
}
