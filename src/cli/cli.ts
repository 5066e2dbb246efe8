// gpt2-explorer's command line: `gpt2-explorer <command> [options]`. Results go to stdout (JSON,
// or a table where a command offers one); errors go to stderr with a non-zero exit code.
import { runCli } from './main';

// Exit once stdout has drained: process.exit() straight away could cut a large JSON answer short.
runCli(process.argv.slice(2), process).then(
  (code) => (process.exitCode = code),
  (error) => {
    process.stderr.write(`gpt2-explorer: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  },
);
