// ORT maps external-data weights straight out of model.safetensors into memory. Deleting or
// renaming the file while a model is loaded is harmless (the mapping keeps the old file alive),
// but truncating or rewriting it in place would kill the process with SIGBUS on the next run, or
// silently change the weights. The guard holds the file open and notices such a change first.
import { closeSync, fstatSync, openSync } from 'node:fs';

export class WeightsGuard {
  private fd: number | undefined;
  private readonly size: number;
  private readonly mtimeMs: number;
  private readonly ctimeMs: number; // changes with every write, even when the mtime is set back (cp -p, utimes)

  /** Starts watching `file` as it is now; call before the sessions map it. */
  constructor(private readonly file: string) {
    this.fd = openSync(file, 'r');
    const stats = fstatSync(this.fd);
    this.size = stats.size;
    this.mtimeMs = stats.mtimeMs;
    this.ctimeMs = stats.ctimeMs;
  }

  /** Throws if the file the sessions mapped has been truncated or written to since. */
  check(): void {
    if (this.fd === undefined) return;
    const now = fstatSync(this.fd);
    const unlinked = now.nlink === 0; // deleted or renamed over: harmless, the mapping keeps the old bytes (and unlinking sets the ctime)
    if (now.size !== this.size || now.mtimeMs !== this.mtimeMs || (!unlinked && now.ctimeMs !== this.ctimeMs)) {
      throw new Error(
        `${this.file} was changed on disk while the model was loaded (size ${this.size} → ${now.size} bytes); ` +
          'load the model again. (Replace weights by writing a new file and renaming it over the old one.)',
      );
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
