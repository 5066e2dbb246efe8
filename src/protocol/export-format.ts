// The export format: what a panel's "Save Data" writes (and, later, what Save Analysis writes and the
// explorer reads back). Defined once, as a runtime schema like every other payload, so a file written
// by one version is checked, field by field, before anything shows it. Bad files get a clear message.

import { decodingSettings } from './decoding';
import { array, type Infer, literal, nullable, object, parseWith, type Result, type Schema, string, union } from './schema';
import { attentionView, attributionPanelView, decodingTreeView, headsGridView, lensView, MAX_TEXT, MAX_TOKENS, modelInfo, nextTokenView, projectionView, qkvView, sessionView, tallyView, tokenChip } from './views';

export const EXPORT_FORMAT = 'gpt2-explorer/panel';
/** GPT-2: Save Analysis writes this one: the session and every panel's data in one file. */
export const ANALYSIS_FORMAT = 'gpt2-explorer/analysis';
export const EXPORT_VERSION = 1 as const;

/** The model a panel's numbers came from. revision and checksum: the model's own (engine/provenance.ts), null while not known (a folder whose weights are still being hashed, a view recorded before they were told). */
export const exportModel = object({
  info: modelInfo, // name, shape, float32 or 8-bit weights
  revision: nullable(string(100)),
  checksum: nullable(string(100)), // sha256 of model.safetensors
});

/** One panel's numbers, keyed by the panel: the very view it was drawn from. */
export const panelData = union({
  attention: object({ type: literal('attention'), view: attentionView }),
  headsGrid: object({ type: literal('headsGrid'), view: headsGridView }),
  attribution: object({ type: literal('attribution'), view: attributionPanelView }),
  lens: object({ type: literal('lens'), view: lensView }),
  qkv: object({ type: literal('qkv'), view: qkvView }),
  positions: object({ type: literal('positions'), view: projectionView }),
  generation: object({ type: literal('generation'), next: nextTokenView, tally: tallyView }),
  /** The decoding tree: every branch with its tokens and probabilities, the node shown and why its token came out. */
  tree: object({ type: literal('tree'), view: decodingTreeView }),
});

/** The prompt's text and its tokens (the prompt's and the generated ones). */
const exportPrompt = object({ text: string(MAX_TEXT), tokens: array(tokenChip, MAX_TOKENS) });

export const panelExport = object({
  format: literal(EXPORT_FORMAT),
  version: literal(EXPORT_VERSION),
  exported: string(40), // ISO time
  prompt: exportPrompt,
  model: exportModel,
  decoding: decodingSettings,
  panel: panelData,
});

/** The whole analysis: what the explorer showed (the session, its projection) and the panels' data, one of each at most. */
export const analysisExport = object({
  format: literal(ANALYSIS_FORMAT),
  version: literal(EXPORT_VERSION),
  exported: string(40),
  prompt: exportPrompt,
  model: exportModel,
  decoding: decodingSettings,
  session: sessionView,
  panels: array(panelData, 16),
});

export type ExportModel = Infer<typeof exportModel>;
export type AnalysisExport = Infer<typeof analysisExport>;
export type PanelData = Infer<typeof panelData>;
export type PanelExport = Infer<typeof panelExport>;
export type PanelName = PanelData['type'];

/** The file's text: indented, so it reads in an editor; ends with a newline. */
export function exportText(data: PanelExport | AnalysisExport): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

/** Reads a panel export file's text; never throws: a file that is not JSON, or not this format, says which. */
export function readExport(text: string): Result<PanelExport> {
  return readFormat(text, EXPORT_FORMAT, panelExport);
}

/** Reads a Save Analysis file's text, with the same messages. */
export function readAnalysis(text: string): Result<AnalysisExport> {
  return readFormat(text, ANALYSIS_FORMAT, analysisExport);
}

function readFormat<T>(text: string, expected: string, schema: Schema<T>): Result<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not a GPT-2 Explorer export: the file is not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const format = (raw as { format?: unknown } | null)?.format;
  if (format !== expected) return { ok: false, error: `not a GPT-2 Explorer export: its "format" is ${JSON.stringify(format) ?? 'missing'}, not "${expected}"` };
  const version = (raw as { version?: unknown }).version;
  if (version !== EXPORT_VERSION) return { ok: false, error: `a GPT-2 Explorer export of version ${JSON.stringify(version)}; this explorer reads version ${EXPORT_VERSION}` };
  const parsed = parseWith(schema, raw);
  return parsed.ok ? parsed : { ok: false, error: `a damaged GPT-2 Explorer export: ${parsed.error}` };
}

/** The file name a panel's data is offered under: "gpt2-attention-l5h1.json" and the like. */
export function exportFileName(panel: PanelData, extension: 'json' | 'png'): string {
  const view = 'view' in panel ? (panel.view as { layer?: number; head?: number; token?: number }) : {};
  const where = [view.layer !== undefined ? `l${view.layer}` : '', view.head !== undefined ? `h${view.head}` : '', view.token !== undefined ? `t${view.token}` : ''].join('');
  return `gpt2-${panel.type.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}${where ? `-${where}` : ''}.${extension}`;
}

/** What a session view tells of itself in an export (SessionView has it all). */
type ExportedSession = { sentence: { text: string }; tokens: PanelExport['prompt']['tokens']; model: ExportModel['info']; settings: PanelExport['decoding'] };

/** A panel's export: its numbers with the prompt, the model and the decoding settings they came from. */
export function exportOf(session: ExportedSession, panel: PanelData, exported: Date): PanelExport {
  return { format: EXPORT_FORMAT, ...exportHeader(session, exported), panel };
}

/** The whole analysis: the session as the explorer shows it and the panels' data. */
export function analysisOf(session: Infer<typeof sessionView>, panels: PanelData[], exported: Date): AnalysisExport {
  return { format: ANALYSIS_FORMAT, ...exportHeader(session, exported), session, panels };
}

function exportHeader(session: ExportedSession, exported: Date) {
  return {
    version: EXPORT_VERSION,
    exported: exported.toISOString(),
    prompt: { text: session.sentence.text, tokens: session.tokens },
    model: { info: session.model, revision: session.model.revision ?? null, checksum: session.model.checksum ?? null },
    decoding: session.settings,
  };
}
