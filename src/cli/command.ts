// What a CLI subcommand is. main.ts lists them; each lives in its own file and exports `command`.

/** The streams a run reads and writes: the process's own when run as a program, captured ones in a test. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
}

export interface Command {
  summary: string; // one line for the global --help
  usage: string; // the full help text of the command
  /**
   * Runs with the arguments after the subcommand name. A returned string is printed as is, a
   * Streamed answer writes itself, anything else is printed as JSON. Throws UsageError for bad arguments, Error for everything else.
   */
  run(argv: string[], io: CliIo): Promise<unknown>;
}

/** An answer too large for one string (analyze --full at 1,024 tokens): it writes itself to stdout. */
export class Streamed {
  constructor(readonly write: (out: NodeJS.WritableStream) => Promise<void>) {}
}
