/**
 * A typed event in VS Code's shape: `onDidX(listener)` returns a Disposable. The owner keeps an
 * EventSource and exposes only its `event`, so only the owner can fire it.
 */
import { toDisposable, type Disposable } from './disposables';

export type Event<T> = (listener: (value: T) => void) => Disposable;

export class EventSource<T> {
  private readonly listeners = new Set<(value: T) => void>();
  /**
   * `onListenerError`: where a failing listener is reported, so one broken subscriber does not stop the
   * others. Without it the others still run, then the first error is thrown to whoever fired the event.
   */
  constructor(private readonly onListenerError?: (err: unknown) => void) {}

  readonly event: Event<T> = (listener) => {
    // A wrapper per subscription, so the same function subscribed twice is two subscriptions.
    const wrapped = (value: T) => listener(value);
    this.listeners.add(wrapped);
    return toDisposable(() => this.listeners.delete(wrapped));
  };

  fire(value: T): void {
    const errors: unknown[] = [];
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (err) {
        if (this.onListenerError) this.onListenerError(err);
        else errors.push(err);
      }
    }
    if (errors.length > 0) throw errors[0];
  }
}
