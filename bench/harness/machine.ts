// The machine a run happened on, and how busy it was: the report must say when other processes
// were competing for the two cores.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  simd: string; // the vector extensions MLAS can use: they decide the matmul kernels
  memory_gb: number;
  node: string;
  onnxruntime_node: string;
  onnxruntime_web: string;
  date: string; // ISO, UTC
}

export interface Load {
  loadavg_1m: number;
  busiest: string[]; // "42% chromium" — other processes by ps %CPU (CPU time over their lifetime)
}

export function describeMachine(): Machine {
  return {
    cpu: cpuModel(),
    cores: cpus().length,
    simd: simdFlags(),
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    onnxruntime_node: packageVersion('onnxruntime-node'),
    onnxruntime_web: packageVersion('onnxruntime-web'),
    date: new Date().toISOString(),
  };
}

export function currentLoad(): Load {
  return { loadavg_1m: Math.round(loadavg()[0] * 100) / 100, busiest: busiestProcesses() };
}

function simdFlags(): string {
  const line = readFileSync('/proc/cpuinfo', 'utf8')
    .split('\n')
    .find((text) => text.startsWith('flags'));
  const flags = new Set((line ?? '').split(':')[1]?.trim().split(' ') ?? []);
  return ['avx2', 'fma', 'avx512f', 'avx512_vnni', 'avx512_bf16'].filter((flag) => flags.has(flag)).join(' ') || 'none listed';
}

function cpuModel(): string {
  const line = readFileSync('/proc/cpuinfo', 'utf8')
    .split('\n')
    .find((text) => text.startsWith('model name'));
  return line ? line.split(':')[1].trim() : cpus()[0]?.model ?? 'unknown';
}

/** Read from node_modules directly: onnxruntime-web's "exports" hide its package.json from require. */
function packageVersion(name: string): string {
  const file = join(__dirname, '..', '..', 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Processes other than this one above 5% CPU, by command name only (no arguments: they may hold paths). */
function busiestProcesses(): string[] {
  try {
    const output = execFileSync('ps', ['-eo', 'pid=,pcpu=,comm=', '--sort=-pcpu'], { encoding: 'utf8' });
    return output
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter(([pid, cpu]) => Number(pid) !== process.pid && Number(cpu) >= 5)
      .slice(0, 6)
      .map(([, cpu, ...command]) => `${cpu}% ${command.join(' ')}`);
  } catch {
    return []; // ps missing: the load average still tells the story
  }
}
