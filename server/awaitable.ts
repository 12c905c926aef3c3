/**
 * Steps that may or may not wait. The room store is allowed to answer now (the
 * in-process store) or later (a networked one, such as Redis); these helpers let
 * the server handle both without changing today's timing for the first kind:
 * a plain value is used at once, in the same tick, exactly as before the store
 * became an interface. Only a real Promise defers the step after it.
 */

/** A value a room store may hand back now or later. */
export type Awaitable<T> = T | PromiseLike<T>;

export function isPromiseLike<T>(value: Awaitable<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function';
}

/** Runs `next` with the value: at once when it is already here, once it resolves when it is a Promise. */
export function andThen<T, R>(value: Awaitable<T>, next: (value: T) => Awaitable<R>): Awaitable<R> {
  return isPromiseLike(value) ? Promise.resolve(value).then(next) : next(value);
}

/**
 * One connection's steps, in arrival order. A step runs at once when nothing is
 * pending (so a synchronous store behaves as it always did: a frame is acked in
 * the tick it arrived), and after the pending ones otherwise, so a frame never
 * overtakes an earlier one from the same client while the store is busy.
 */
export class SerialQueue {
  private pending: Promise<void> | undefined;

  /** `onError` hears about a step that failed while deferred (a synchronous failure still throws to the caller). */
  constructor(private readonly onError: (err: unknown) => void) {}

  run(step: () => Awaitable<void>): void {
    if (this.pending) {
      this.track(this.pending.then(step));
      return;
    }
    const result = step();
    if (isPromiseLike(result)) this.track(Promise.resolve(result));
  }

  private track(step: Promise<void>): void {
    const settled = step.catch(this.onError);
    this.pending = settled;
    void settled.then(() => {
      if (this.pending === settled) this.pending = undefined;
    });
  }
}

/** Every value, in order: at once when all are here, else once the last Promise resolves. */
export function allOf<T>(values: ReadonlyArray<Awaitable<T>>): Awaitable<T[]> {
  return values.some(isPromiseLike) ? Promise.all(values) : (values as T[]);
}
