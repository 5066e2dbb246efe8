// Debian packages for the tests' set-up, installed only where this can: as root, with apt-get.
import { spawnSync } from 'node:child_process';

/** True when this process may install Debian packages itself. */
export function canApt() {
  return process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** apt-get update, then install `packages`; throws with apt-get's last lines when either step fails. */
export function aptInstall(packages) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...packages]]) {
    const result = spawnSync('apt-get', args, { env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ')}`);
  }
}
