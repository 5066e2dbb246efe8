// A model store's byte counts as a VS Code progress notification.
import type * as vscode from 'vscode';
import type { DownloadProgress } from '../../engine/model-store';

/**
 * Turns byte counts into the notification's bar (it adds increments up) and a readable line. The bar
 * follows the weights file only (config.json is tiny): 0–90 % while downloading it (or checking its
 * tensors, on import), 90–100 % while hashing it.
 */
export function reporter(progress: vscode.Progress<{ message?: string; increment?: number }>): (update: DownloadProgress) => void {
  let shown = 0;
  return (update) => {
    const fraction = update.total > 0 ? update.bytes / update.total : 0;
    const bar = update.file !== 'model.safetensors' ? shown : update.phase === 'verify' ? 90 + 10 * fraction : 90 * fraction;
    const mb = (bytes: number) => (bytes / 1e6).toFixed(0);
    const speed = update.bytesPerSecond > 0 ? `, ${mb(update.bytesPerSecond)} MB/s` : '';
    const verb = { download: 'downloading', verify: 'checking', check: 'checking the tensors of' }[update.phase];
    progress.report({ increment: Math.max(0, bar - shown), message: `${verb} ${update.file}: ${mb(update.bytes)} of ${mb(update.total)} MB${speed}` });
    shown = Math.max(shown, bar);
  };
}

