// When a file of the extension itself will not load: the explorer bundle, dist/explorer.js, required the first time
// it is needed (explorer/lazy-explorer.ts), gone from a VSIX unpacked half-way, deleted, or damaged on disk. Node's
// own words ("Cannot find module …", a SyntaxError) tell the user nothing to do; this says what broke and how to
// mend it, and what still works. Pure, like native-runtime.ts, its sibling for an engine that cannot load here.

/** The notification's button: GPT-2 Explorer in the Extensions view, where it is uninstalled and installed again. */
export const SHOW_IN_EXTENSIONS = 'Show in Extensions';

/** The Extensions view's search for one extension by its id (publisher.name), as VS Code's own "show extension" runs it. */
export const extensionsQuery = (extensionId: string) => `@id:${extensionId}`;

/** Node's words for the failure, on one line, without the require stack: "Cannot find module '…'", "SyntaxError: …". */
function firstLine(error: unknown): string {
  const words = error instanceof Error ? (error.name === 'Error' ? error.message : `${error.name}: ${error.message}`) : String(error);
  return words.split('\n')[0].trim();
}

/** The message for the extension's own `file` (relative to its folder, e.g. dist/explorer.js) that failed to load with `error`. */
export function explainIncompleteInstall(file: string, error: unknown): string {
  return `GPT-2 Explorer's files are incomplete: ${file} could not be loaded (${firstLine(error)}). Reinstall the extension ` +
    '(uninstall it in the Extensions view, install it again, then reload the window). The lesson and the status bar still work; the explorer and its commands need that file.';
}
