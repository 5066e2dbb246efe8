// gpt2-explorer's command line as a function: `runCli(argv, io)` answers one command line on the streams it is
// given and resolves with the exit code. cli.ts runs it on the process's own streams; the CLI tests run it on
// captured ones too (the same code, without a process start and module load per command).
import { Streamed, type CliIo, type Command } from './command';
import { UsageError } from './args';

/**
 * The subcommands, each read on first use. To add one: write src/cli/<name>.ts exporting `command`, and add a line
 * here. `require`, not `import()`: the CLI tests run runCli under a CommonJS loader, where `import()` of a .ts file fails.
 */
const COMMANDS: Record<string, () => { command: Command }> = {
  analyze: () => require('./analyze') as typeof import('./analyze'),
  attribute: () => require('./attribute') as typeof import('./attribute'),
  'make-test-model': () => require('./make-test-model') as typeof import('./make-test-model'),
  generate: () => require('./generate') as typeof import('./generate'),
  patch: () => require('./patch') as typeof import('./patch'),
  sample: () => require('./sample') as typeof import('./sample'),
  score: () => require('./score') as typeof import('./score'),
};

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(globalHelp());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(globalHelp());
    return 0;
  }
  const load = COMMANDS[name];
  if (load === undefined) {
    io.stderr.write(`gpt2-explorer: unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}\n`);
    return 2;
  }
  const { command } = load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.usage);
    return 0;
  }
  try {
    const result = await command.run(rest, io);
    if (result instanceof Streamed) await result.write(io.stdout);
    else io.stdout.write(typeof result === 'string' ? result : JSON.stringify(result) + '\n');
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`gpt2-explorer ${name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    io.stderr.write(`gpt2-explorer ${name}: ${(error as Error).message}\n`);
    return 1;
  }
}

function globalHelp(): string {
  const lines = Object.entries(COMMANDS).map(([name, load]) => `  ${name.padEnd(16)} ${load().command.summary}`);
  return `Usage: gpt2-explorer <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun gpt2-explorer <command> --help for its options.\n`;
}
