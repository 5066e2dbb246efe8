// When the engine's native binding cannot load. Only the session worker loads onnxruntime-node (the
// extension host never does), so a VSIX of another platform or a missing system library shows up as the
// worker dying at start-up; this turns that into one message naming the platform and what to do. Pure.

import NATIVE from '../../engine/native-targets.json';
import type { Failure } from './failures';

/** What the binaries need, read from them (glibc and libstdc++ symbol versions, the Mach-O minimum macOS, the DLLs onnxruntime.dll imports). */
const NEEDS: Record<string, (arch: string) => string> = {
  linux: () => 'glibc 2.28 or later and libstdc++ from GCC 6 or later (Ubuntu 20.04, Debian 10, RHEL 8 or newer; Alpine\'s musl will not do)',
  darwin: () => 'macOS 14 or later',
  win32: (arch) => `the Microsoft Visual C++ 2015–2022 Redistributable for ${arch} (from Microsoft's download site)`,
};

/** How a failed load of onnxruntime-node reads in the worker's dying words. */
const NATIVE_LOAD = /onnxruntime_binding\.node|libonnxruntime|onnxruntime\.dll|ERR_DLOPEN_FAILED/;
const NOT_SHIPPED = /Cannot find module[^\n]*onnxruntime_binding\.node/;

/** The VSIX targets, as VS Code names them (linux-x64 …). */
export const NATIVE_TARGETS: readonly string[] = Object.keys(NATIVE.targets);

/** The message for a worker that died of `reason`, or null when the native binding is not what failed. */
export function explainNativeFailure(reason: string, platform: string, arch: string): Failure | null {
  if (!NATIVE_LOAD.test(reason)) return null;
  const target = `${platform}-${arch}`;
  const still = 'The lesson and the commands still work; the explorer needs the engine.';
  if (!NATIVE_TARGETS.includes(target)) {
    return { message: `GPT-2 Explorer's engine, ONNX Runtime, has no build for ${target}: onnxruntime-node ships one for ${NATIVE_TARGETS.join(', ')} only. ${still}`, actions: [] };
  }
  if (NOT_SHIPPED.test(reason)) {
    return {
      message: `This copy of GPT-2 Explorer was built for another platform and has no ONNX Runtime for ${target}. Install the one for ${target}: from the Marketplace or Open VSX (they pick it for you), or the VSIX whose name ends in -${target}.vsix. ${still}`,
      actions: [],
    };
  }
  const needs = NEEDS[platform]?.(arch);
  const error = /(?:^|threw )\w*Error(?: \[\w+\])?: ([^\r\n]+)/m.exec(reason)?.[1] ?? reason.split('\n')[0]; // a dlopen error's stack starts with the loader's source line
  return {
    message: `ONNX Runtime, GPT-2 Explorer's engine, could not load on ${target}: ${error}.${needs ? ` It needs ${needs}.` : ''} ${still}`,
    actions: [],
  };
}
