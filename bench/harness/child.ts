// Runs one case in a fresh Node process, so no two configurations share memory, thread pools or
// a warmed allocator, and the process's peak RSS belongs to that configuration alone.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { CaseContext, CaseResult } from './case';

const ENTRY = join(__dirname, 'child-entry.ts');

interface Reply {
  result?: CaseResult;
  error?: string;
}

export function runInChild(caseName: string, context: CaseContext): Promise<CaseResult> {
  return new Promise((resolve, reject) => {
    const child = fork(ENTRY, [caseName, JSON.stringify(context)], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let reply: Reply | undefined;
    child.on('message', (message) => (reply = message as Reply));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (reply?.result) resolve(reply.result);
      else reject(new Error(`case ${caseName} failed (exit ${code ?? signal}): ${reply?.error ?? 'no result'}`));
    });
  });
}
