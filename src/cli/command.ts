// What a CLI subcommand is. cli.ts lists them; each lives in its own file and exports `command`.

export interface Command {
  summary: string; // one line for the global --help
  usage: string; // the full help text of the command
  /**
   * Runs with the arguments after the subcommand name. A returned string is printed as is,
   * anything else as JSON. Throws UsageError for bad arguments, Error for everything else.
   */
  run(argv: string[]): Promise<unknown>;
}
