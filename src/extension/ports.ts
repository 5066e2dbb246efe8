// The shapes the extension's rooms meet through, so none of them imports another's class to learn a type:
// the model keeper and the explorer controller both speak ControllerUi, the walkthrough and the status bar
// read ExplorerState, the CodeLens hands the explorer's commands a PromptPlace. Types only.

import type { DecodingSettings } from '../protocol/decoding';
import type { ModelState, UiState } from '../protocol/explorer';
import type { TextScores } from '../protocol/surprise';
import type { SessionView } from '../protocol/views';
import type { ProgressOf, RequestOf, WorkerRequestType, WorkerResults } from '../protocol/worker';
import type { UserAction } from './common/failures';

/** What the rest of the extension may know about the explorer. */
export interface ExplorerState {
  model: ModelState;
  session: SessionView | null;
  ui: UiState | null; // the webview's last echo; null until it sends one
  tallyTotal: number; // Sample rolls since the distribution last changed
  decoding: DecodingSettings; // what the next sentence, Step and Sample use: the one live value
}

/** Where an analyzed text came from: selecting text[start, end) selects it in its editor. */
export interface TextOrigin {
  select(start: number, end: number): void;
}

/** Token surprise, scored in the session worker (the explorer controller does it; the surprise feature asks). */
export interface SurpriseScorer {
  score(text: string): Promise<TextScores | null>;
  /** The lens layer of token `index` of `text`, the text scored last (asked on hover): null when no layer ranks it first, undefined when it could not be read. */
  lensLayer(text: string, index: number): Promise<number | null | undefined>;
}

/** The notifications, progress and log the controller and the model keeper need (vscode-ui.ts shows them). */
export interface ControllerUi {
  log(line: string): void;
  /** A notification with buttons; the UI runs the chosen action's command. */
  problem(message: string, actions: UserAction[]): void;
  /** A plain note (long text cut, worker restarted). */
  note(message: string): void;
  /** Runs the command behind a button (the explorer's error offers one). */
  run(action: UserAction): void;
  /** Runs a long task under a progress notification; the task may say how far it is (a line under the title). */
  progress<T>(title: string, task: (report?: (message: string) => void) => Promise<T>): Promise<T>;
  /** Asks where (VS Code's save dialog, offering `file.name`) and writes the bytes; the path written, or null if cancelled. */
  save(file: SavedFile): Promise<string | null>;
}

/** A file the explorer offers to save: a panel's data (JSON) or its image (PNG). */
export interface SavedFile {
  name: string;
  kind: 'json' | 'png';
  bytes: Uint8Array;
}

/** The session worker, one request at a time (explorer/session-client.ts). */
export interface SessionRequests {
  request<K extends WorkerRequestType>(request: RequestOf<K>, onProgress?: (progress: ProgressOf<K>) => void): Promise<WorkerResults[K]>;
}

/** What the model commands ask of the explorer once the model's files changed. */
export interface ModelReloader {
  reloadModel(): Promise<void>;
}

/** The third argument of gpt2Explorer.analyzeText: which document, and each character's offset in it. */
export interface PromptPlace {
  uri: string;
  offsets: number[];
}
