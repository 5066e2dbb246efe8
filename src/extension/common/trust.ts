// Restricted Mode: an untrusted folder may not redirect the model. The settings that name a place to
// read a model from or write one to (a folder, and with the model family a repository, a cache, an
// endpoint) take the user's own value only; the workspace's is ignored, and the user hears of it once.
// Everything else (the editor's text, the decoding defaults, the explorer) works as in a trusted one.
// VS Code itself drops a restricted setting's workspace value (package.json's restrictedConfigurations),
// so inspect() may no longer show it: the workspace's settings file is read to tell the user. Pure.

/** The path- and host-like settings, under gpt2Explorer; package.json lists the same in restrictedConfigurations. */
export const RESTRICTED_SETTINGS: readonly string[] = ['modelPath', 'model'];

export function isRestricted(key: string): boolean {
  return RESTRICTED_SETTINGS.includes(key);
}

/** One setting's values as VS Code's inspect() gives them, and the value get() gives. */
export interface SettingLayers {
  effective: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/**
 * The value a restricted setting has: in a trusted workspace the usual one (a workspace's value wins);
 * in Restricted Mode the user's own value only. `ignored`: the workspace set a value that is not used.
 */
export function restrictedValue(layers: SettingLayers, trusted: boolean): { value: unknown; ignored: boolean } {
  if (trusted) return { value: layers.effective, ignored: false };
  const fromWorkspace = layers.workspaceValue !== undefined || layers.workspaceFolderValue !== undefined;
  return { value: layers.globalValue, ignored: fromWorkspace };
}

/**
 * The restricted settings a settings file sets: `.vscode/settings.json` (top level) or a
 * `.code-workspace` file (its "settings"). Both are JSON with comments and trailing commas.
 */
export function restrictedSettingsIn(text: string, kind: 'folder' | 'workspace'): string[] {
  const parsed = parseJsonc(text);
  const settings = kind === 'workspace' ? (parsed as { settings?: unknown } | undefined)?.settings : parsed;
  if (typeof settings !== 'object' || settings === null) return [];
  return RESTRICTED_SETTINGS.filter((key) => Object.hasOwn(settings, `gpt2Explorer.${key}`));
}

/** What the user is told, once, when an untrusted workspace sets restricted settings. */
export function restrictedNotice(keys: readonly string[]): string {
  const names = keys.map((key) => `gpt2Explorer.${key}`).join(', ');
  return `Restricted Mode: this workspace sets ${names}, which GPT-2 Explorer ignores until you trust it. The explorer works on your text with your own model (your user settings, or the one GPT-2: Download Model keeps).`;
}

/** JSON with line and block comments and trailing commas, as VS Code writes settings; undefined if it is not. */
export function parseJsonc(text: string): unknown {
  try {
    return JSON.parse(withoutTrailingCommas(withoutComments(text)));
  } catch {
    return undefined;
  }
}

function withoutComments(text: string): string {
  let plain = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') {
      const end = stringEnd(text, i);
      plain += text.slice(i, end);
      i = end - 1;
    } else if (text.startsWith('//', i)) {
      i = endOf(text, '\n', i) - 1; // keeps the line break
    } else if (text.startsWith('/*', i)) {
      i = endOf(text, '*/', i + 2) + 1;
    } else {
      plain += text[i];
    }
  }
  return plain;
}

function withoutTrailingCommas(text: string): string {
  const closing = /\s*[}\]]/y; // sticky: tested right after the comma, not on a copy of the rest
  let plain = '';
  for (let i = 0; i < text.length; i++) {
    closing.lastIndex = i + 1;
    if (text[i] === '"') {
      const end = stringEnd(text, i);
      plain += text.slice(i, end);
      i = end - 1;
    } else if (text[i] !== ',' || !closing.test(text)) {
      plain += text[i];
    }
  }
  return plain;
}

/** The index just past the string literal that starts at `start` (a quote), escapes included. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return Math.min(i + 1, text.length);
}

/** Where `mark` starts at or after `from`, or the end of the text. */
function endOf(text: string, mark: string, from: number): number {
  const at = text.indexOf(mark, from);
  return at === -1 ? text.length : at;
}
