/**
 * One way to let go of things (VS Code's idiom): whatever holds a listener, a timer or a subscription
 * returns a Disposable, and an owner keeps them in a DisposableStore that lets go of all at once.
 */
export interface Disposable {
  dispose(): void;
}

export function toDisposable(dispose: () => void): Disposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      dispose();
    },
  };
}

export class DisposableStore implements Disposable {
  private readonly held = new Set<Disposable>();
  private disposed = false;

  /** Keeps `d` until dispose(); after that, `d` is disposed at once (nothing outlives its owner). */
  add<T extends Disposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.held.add(d);
    return d;
  }

  /** Disposes everything held, newest first; one that throws does not keep the others alive. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    for (const d of [...this.held].reverse()) {
      try {
        d.dispose();
      } catch (err) {
        errors.push(err);
      }
    }
    this.held.clear();
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} disposables failed`);
  }
}
