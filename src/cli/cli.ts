// gpt2-explorer's command line: `gpt2-explorer <command> [options]`. Results go to stdout (JSON,
// or a table where a command offers one); errors go to stderr with a non-zero exit code.
import { Streamed, type Command } from './command';
import { UsageError } from './args';

/** The subcommands. To add one: write src/cli/<name>.ts exporting `command`, and add a line here. */
const COMMANDS: Record<string, () => Promise<{ command: Command }>> = {
  analyze: () => import('./analyze'),
  attribute: () => import('./attribute'),
  'make-test-model': () => import('./make-test-model'),
  generate: () => import('./generate'),
  patch: () => import('./patch'),
  sample: () => import('./sample'),
  score: () => import('./score'),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(await globalHelp());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(await globalHelp());
    return 0;
  }
  const load = COMMANDS[name];
  if (load === undefined) {
    process.stderr.write(`gpt2-explorer: unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}\n`);
    return 2;
  }
  const { command } = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.usage);
    return 0;
  }
  try {
    const result = await command.run(rest);
    if (result instanceof Streamed) await result.write(process.stdout);
    else process.stdout.write(typeof result === 'string' ? result : JSON.stringify(result) + '\n');
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`gpt2-explorer ${name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    process.stderr.write(`gpt2-explorer ${name}: ${(error as Error).message}\n`);
    return 1;
  }
}

async function globalHelp(): Promise<string> {
  const lines = await Promise.all(
    Object.entries(COMMANDS).map(async ([name, load]) => `  ${name.padEnd(16)} ${(await load()).command.summary}`),
  );
  return `Usage: gpt2-explorer <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun gpt2-explorer <command> --help for its options.\n`;
}

// Exit once stdout has drained: process.exit() straight away could cut a large JSON answer short.
main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error) => {
    process.stderr.write(`gpt2-explorer: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  },
);
