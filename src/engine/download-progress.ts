// What the model store reports while it works, how it fails, and the file hash both the download
// and the import use.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

export interface DownloadProgress {
  file: string; // file name, e.g. "model.safetensors"
  phase: 'download' | 'verify' | 'check'; // transferring; hashing the finished file; checking tensor values
  bytes: number; // bytes done in this phase, counting those kept from an earlier attempt
  total: number; // bytes in the file; 0 while unknown
  bytesPerSecond: number; // average since this call started the phase
}

/** What went wrong, for callers that react differently (a cancel needs no error dialog). */
export type DownloadErrorCode =
  | 'cancelled' // the caller's AbortSignal fired; partial downloads are kept
  | 'interrupted' // the network failed; run again to resume
  | 'http' // the server refused (404, 403, 5xx…)
  | 'redirect' // a redirect to a host the policy does not allow, or too many
  | 'size' // the file is not as long as the pinned one
  | 'checksum' // the sha256 differs from the pinned one
  | 'busy' // another download into the same folder is running
  | 'disk' // out of disk space
  | 'readonly' // the folder (the Hugging Face cache) cannot be written
  | 'offline' // HF_HUB_OFFLINE is set and the model is not on this machine
  | 'invalid'; // a file is there but is not a usable GPT-2 (bad config, tensor, URL…)

/** A failure whose message tells the user what happened and what to do next. */
export class DownloadError extends Error {
  constructor(readonly code: DownloadErrorCode, message: string) {
    super(message);
    this.name = 'DownloadError';
  }
}

/** "312 MB" (decimal megabytes, as download tools show them), "12 kB", "512 bytes". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e6) return `${Math.floor(bytes / 1e6)} MB`;
  if (bytes >= 1e3) return `${Math.floor(bytes / 1e3)} kB`;
  return `${bytes} bytes`;
}

const PROGRESS_INTERVAL_MS = 100;

/** Calls onProgress at most every PROGRESS_INTERVAL_MS while `report` is called, and always on `done`. */
export function progressMeter(
  onProgress: ((progress: DownloadProgress) => void) | undefined,
  { file, phase, total, startBytes = 0 }: { file: string; phase: DownloadProgress['phase']; total: number; startBytes?: number },
) {
  const started = Date.now();
  let last = 0;
  const emit = (bytes: number) => {
    const seconds = (Date.now() - started) / 1000;
    const bytesPerSecond = seconds > 0 ? (bytes - startBytes) / seconds : 0;
    onProgress?.({ file, phase, bytes, total, bytesPerSecond });
  };
  return {
    report(bytes: number) {
      if (Date.now() - last < PROGRESS_INTERVAL_MS) return;
      last = Date.now();
      emit(bytes);
    },
    done: emit,
  };
}

/** The file's sha256 (lower-case hex), reported as the 'verify' phase of `file`. Rejects with an AbortError on cancel. */
export async function sha256File(
  path: string,
  file: string,
  options: { signal?: AbortSignal; onProgress?: (progress: DownloadProgress) => void } = {},
): Promise<string> {
  const hash = createHash('sha256');
  const meter = progressMeter(options.onProgress, { file, phase: 'verify', total: (await stat(path)).size });
  let bytes = 0;
  for await (const chunk of createReadStream(path, { signal: options.signal }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
    meter.report(bytes);
  }
  meter.done(bytes);
  return hash.digest('hex');
}
