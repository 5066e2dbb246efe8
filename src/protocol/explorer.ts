// The messages between the extension host and the explorer webview. Every message is described once,
// as a runtime schema; its TypeScript type is inferred from it. Both sides check every message they
// receive with parseHostMessage / parseExplorerMessage and drop (and log) anything malformed.
//
// Host → explorer webview: HostMessage.   Explorer webview → host: ExplorerMessage.

import { compareView, PATCH_SITES, pairView, patchingView, patchProgress, patchSite } from './compare';
import { decodingPatch } from './decoding';
import { panelExport } from './export-format';
import { array, boolean, type Infer, literal, nullable, object, oneOf, optional, parseWith, type Result, string, union } from './schema';
import { textScores } from './surprise';
import { analysisProgress, attentionMap, attentionView, attributionPanelView, head, headsGridView, layer, lensView, MAX_HEADS, MAX_TEXT, MAX_TYPED_TOKEN, presetView, projectionUpdate, qkvView, sessionView, tallyView, tokenId, tokenIndex, tokenizedView, treeNodeId } from './views';

/** The largest panel image the host takes (base64 of a PNG): a 4096 × 4096 canvas compresses far below it. */
export const MAX_PNG_BASE64 = 32 * 2 ** 20;

/** A tab of the explorer panel. */
export const tab = oneOf(['tokens', 'attention', 'generation', 'compare'] as const);

/** What the explorer webview shows and remembers across reloads (kept with setState; echoed to the host). */
export const uiState = object({
  tab,
  layer, // Layer dropdown
  head, // Head dropdown
  slider: layer, // Token Positions Across Layers slider, 0..L
  token: nullable(tokenIndex), // the clicked chip
  showQkv: boolean, // the Q/K/V box is open
  lensLayer: layer, // layer the logit lens reads
  trackId: nullable(tokenId), // token whose probability is plotted across layers
});

/** Some of the UI state: what the walkthrough or a command asks the panel to change. */
export const uiPatch = object({
  tab: optional(tab),
  layer: optional(layer),
  head: optional(head),
  slider: optional(layer),
  token: optional(nullable(tokenIndex)),
  showQkv: optional(boolean),
  lensLayer: optional(layer),
  trackId: optional(nullable(tokenId)),
});

/** Where the model is: the status line, and whether Step/Sample can run. */
export const modelState = oneOf(['none', 'loading', 'ready', 'error'] as const);

/** Commands the webview may ask the host to run (its error line offers them as a button). */
export const commandAction = oneOf(['downloadModel', 'importModel', 'chooseModel', 'openSettings'] as const);

// ——— host → explorer webview ———

export const hostMessage = union({
  /** First message after `ready`: the Sentence dropdown's presets (and the Compare tab's minimal pairs). */
  init: object({ type: literal('init'), presets: array(presetView, 100), pairs: optional(array(pairView, 100)) }),
  /** Model state for the status line; `busy` disables Step/Sample while inference runs; readOnly: the file of an analysis shown without the model. */
  status: object({ type: literal('status'), model: modelState, busy: boolean, detail: string(1000), readOnly: optional(string(300)) }),
  /** A new or changed session: after Analyze, Step, Sample-and-append, Reset or a decoding change. */
  // projection: the whole projection, or what changed (views.ts); chipsFrom n: session.tokens holds the chips from n on, those
  // before being the panel's, unchanged (protocol/session-chips.ts); absent: every chip.
  session: object({ type: literal('session'), session: sessionView, projection: projectionUpdate, chipsFrom: optional(tokenIndex) }),
  /** A long Analyze under way (its chips, how far it is), or null once it was cancelled. */
  progress: object({ type: literal('progress'), progress: nullable(analysisProgress) }),
  attention: object({ type: literal('attention'), view: attentionView }),
  /** The head in view, packed (views.ts attentionMap): the webview unpacks it into the `attention` it draws. */
  attentionMap: object({ type: literal('attentionMap'), view: attentionMap }),
  /**
   * Other heads' patterns of the session on screen, read ahead in a pause (extension/explorer/attention-ahead.ts):
   * the webview keeps them until the next session, so a Layer or Head change draws without asking.
   */
  attentionAhead: object({ type: literal('attentionAhead'), maps: array(attentionMap, MAX_HEADS) }),
  qkv: object({ type: literal('qkv'), view: qkvView }),
  lens: object({ type: literal('lens'), view: lensView }),
  attribution: object({ type: literal('attribution'), view: attributionPanelView }),
  /** The answer to tokenizeText. */
  tokenized: object({ type: literal('tokenized'), view: tokenizedView }),
  headsGrid: object({ type: literal('headsGrid'), view: headsGridView }),
  /** The session's prompt beside a second one (the Compare tab); pair: the preset pair it came from, or null. */
  compare: object({ type: literal('compare'), view: compareView, pair: nullable(string(200)) }),
  /** A comparison that could not be made (e.g. a prompt longer than Compare takes): the tab says why instead of waiting. */
  compareRefused: object({ type: literal('compareRefused'), clean: string(MAX_TEXT), corrupt: string(MAX_TEXT), message: string(2000) }),
  /** A patching run under way (cells done of all), or null once it ended or was cancelled. */
  patchProgress: object({ type: literal('patchProgress'), progress: nullable(patchProgress) }),
  /** The patching grids of clean (the session's prompt) into corrupt, one per site asked. */
  patching: object({ type: literal('patching'), clean: string(MAX_TEXT), corrupt: string(MAX_TEXT), views: array(patchingView, PATCH_SITES.length) }),
  /** A Sample roll that was not appended (lesson, Generation step 5). */
  tally: object({ type: literal('tally'), tally: tallyView }),
  /** The host (walkthrough, commands) changes what the panel shows. */
  ui: object({ type: literal('ui'), patch: uiPatch }),
  /** GPT-2: Save Analysis wants the UI as it is now: post uiState at once, not after the echo's quiet time. */
  echoUi: object({ type: literal('echoUi') }),
  /** Token surprise over the sentence `text` (the answer to requestSurprise): the chips are underlined by rank. */
  surprise: object({ type: literal('surprise'), text: string(MAX_TEXT), scores: textScores }),
  /** Something failed; `action` names a command the webview offers as a button. */
  error: object({ type: literal('error'), message: string(2000), action: nullable(commandAction) }),
});

// ——— explorer webview → host ———

export const explorerMessage = union({
  ready: object({ type: literal('ready') }),
  selectSentence: object({ type: literal('selectSentence'), id: string(200) }),
  step: object({ type: literal('step') }),
  sample: object({ type: literal('sample') }),
  sampleAppend: object({ type: literal('sampleAppend') }),
  reset: object({ type: literal('reset') }),
  /** The decoding tree: append this candidate instead (a branch), or show another node (null: the prompt). */
  forceToken: object({ type: literal('forceToken'), id: tokenId }),
  selectNode: object({ type: literal('selectNode'), node: nullable(treeNodeId) }),
  /** Stop the Analyze under way (the previous session, if any, stays). */
  cancel: object({ type: literal('cancel') }),
  /** The learner moved a decoding control: the one writer of decoding settings takes it. */
  setDecoding: object({ type: literal('setDecoding'), patch: decodingPatch }),
  requestAttention: object({ type: literal('requestAttention'), layer, head }),
  requestQkv: object({ type: literal('requestQkv'), layer, head, token: tokenIndex }),
  /** trackId null: the token's top guess at the last layer is tracked (the answer's track says which). */
  requestLens: object({ type: literal('requestLens'), layer, token: tokenIndex, trackId: nullable(tokenId) }),
  /** Asked only while the Attribution panel is open: a Step costs nothing more while it is closed. */
  requestAttribution: object({ type: literal('requestAttribution'), token: tokenIndex, target: tokenId, versus: nullable(tokenId) }),
  /** How a typed target splits into tokens (the Attribution panel takes text that is exactly one). */
  tokenizeText: object({ type: literal('tokenizeText'), text: string(MAX_TYPED_TOKEN) }),
  /** Asked only while the heads grid is open: every head's pattern, reduced, read at `token`. */
  requestHeadsGrid: object({ type: literal('requestHeadsGrid'), token: tokenIndex }),
  /** Token surprise over the session's sentence, for the Tokens tab's toggle. */
  requestSurprise: object({ type: literal('requestSurprise') }),
  /** Compare the session's prompt with `corrupt` (a preset pair's `pair` id starts its clean prompt first, if it is not the session's). */
  requestCompare: object({ type: literal('requestCompare'), corrupt: string(MAX_TEXT), pair: nullable(string(200)) }),
  /** Patch the session's prompt into `corrupt`: the grids of `what`, metric logit(target) − logit(versus). */
  requestPatch: object({ type: literal('requestPatch'), corrupt: string(MAX_TEXT), what: array(patchSite, PATCH_SITES.length), target: tokenId, versus: tokenId }),
  /** Stop the patching under way (the grids shown before stay). */
  cancelPatch: object({ type: literal('cancelPatch') }),
  /** Select the token's characters in the editor it came from. */
  revealToken: object({ type: literal('revealToken'), index: tokenIndex }),
  /** The webview's UI state changed (the walkthrough follows progress through it). */
  uiState: object({ type: literal('uiState'), ui: uiState }),
  runCommand: object({ type: literal('runCommand'), command: commandAction }),
  /** A panel's Save Data: the host asks where (VS Code's save dialog) and writes it as JSON. */
  saveData: object({ type: literal('saveData'), fileName: string(200), data: panelExport }),
  /** A panel's image as PNG (base64), saved through the host when the clipboard refuses it. */
  saveImage: object({ type: literal('saveImage'), fileName: string(200), png: string(MAX_PNG_BASE64) }),
});

export type Tab = Infer<typeof tab>;
export type UiState = Infer<typeof uiState>;
export type UiPatch = Infer<typeof uiPatch>;
export type ModelState = Infer<typeof modelState>;
export type CommandAction = Infer<typeof commandAction>;
export type HostMessage = Infer<typeof hostMessage>;
export type ExplorerMessage = Infer<typeof explorerMessage>;

/** Checks a message from the explorer webview, in the host; never throws. */
export const parseExplorerMessage = (raw: unknown): Result<ExplorerMessage> => parseWith(explorerMessage, raw);
/** Checks a message from the host, in the webview; never throws. */
export const parseHostMessage = (raw: unknown): Result<HostMessage> => parseWith(hostMessage, raw);
/** Checks a saved or echoed UI state; never throws. */
export const parseUiState = (raw: unknown): Result<UiState> => parseWith(uiState, raw);
/** Checks a UI patch (the applyUi command's argument); never throws. */
export const parseUiPatch = (raw: unknown): Result<UiPatch> => parseWith(uiPatch, raw);
