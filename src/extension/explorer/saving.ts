// A panel's Save Data and Save Image, on the host side: the webview sends what to save (already
// checked against the protocol), VS Code's save dialog asks where, and the UI port writes it. The
// name the webview offers is cut to a plain file name, so a page cannot aim the dialog elsewhere.

import { exportText } from '../../protocol/export-format';
import type { ExplorerMessage } from '../../protocol/explorer';
import type { ControllerUi, SavedFile } from '../ports';

type SaveMessage = Extract<ExplorerMessage, { type: 'saveData' | 'saveImage' }>;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The file a save message asks for, or the reason it cannot be one. */
export function savedFile(message: SaveMessage): SavedFile | string {
  const kind = message.type === 'saveData' ? 'json' : 'png';
  const name = plainName(message.fileName, kind);
  if (message.type === 'saveData') return { name, kind, bytes: new TextEncoder().encode(exportText(message.data)) };
  const bytes = Uint8Array.from(Buffer.from(message.png, 'base64'));
  if (!PNG_SIGNATURE.every((byte, i) => bytes[i] === byte)) return 'the panel image is not a PNG';
  return { name, kind, bytes };
}

/** Saves what the message carries; says where it went, or why not (a failed write is a problem, not a throw). */
export async function saveFromPanel(message: SaveMessage, ui: ControllerUi): Promise<void> {
  const file = savedFile(message);
  if (typeof file === 'string') return ui.log(`save: ${file}`);
  try {
    const path = await ui.save(file);
    if (path) ui.note(`Saved ${path}`);
  } catch (error) {
    ui.problem(`Could not save ${file.name}: ${error instanceof Error ? error.message : String(error)}`, []);
  }
}

/** The last part of `offered`, without characters file systems refuse, ending in `.kind`. */
function plainName(offered: string, kind: 'json' | 'png'): string {
  const last = offered.split(/[\\/]/).pop() ?? '';
  const clean = last.replace(/[^\w.\- ]/g, '_').replace(/^\.+/, '').slice(0, 120) || `gpt2-explorer`;
  return clean.toLowerCase().endsWith(`.${kind}`) ? clean : `${clean}.${kind}`;
}
