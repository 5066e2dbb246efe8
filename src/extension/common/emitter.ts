// A minimal event emitter whose `event` has the shape of vscode.Event, so pure modules (the
// controller) can expose events that VS Code code subscribes to, without importing `vscode`.

import type * as vscode from 'vscode';

export class Emitter<T> {
  private listeners: ((value: T) => void)[] = [];

  readonly event: vscode.Event<T> = (listener, thisArgs?, disposables?) => {
    const bound = (value: T) => listener.call(thisArgs, value);
    this.listeners.push(bound);
    const subscription = { dispose: () => (this.listeners = this.listeners.filter((l) => l !== bound)) };
    disposables?.push(subscription);
    return subscription;
  };

  /** Calls every listener; one that throws does not stop the others (its error is handed to onError). */
  fire(value: T, onError: (error: unknown) => void = () => undefined): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        onError(error);
      }
    }
  }

  dispose(): void {
    this.listeners = [];
  }
}
