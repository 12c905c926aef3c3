/**
 * The connections-per-token cap needs a count that every server process sharing the
 * rooms agrees on. This is the seam: the local counter (one process, the default)
 * and redis-connection-counter.ts (`--redis`). server.ts picks one.
 */
import type { Awaitable } from './awaitable';

/** One admitted connection's place in the count, given back when it closes. */
export interface ConnectionLease {
  release(): void;
}

export interface ConnectionCounter {
  /** A place for one more connection of this token, or undefined when it already has `max`. */
  acquire(token: string, max: number): Awaitable<ConnectionLease | undefined>;
  close(): Awaitable<void>;
}

/** Counts in this process: answers at once, as the server always did. */
export class LocalConnectionCounter implements ConnectionCounter {
  private readonly perToken = new Map<string, number>();

  acquire(token: string, max: number): ConnectionLease | undefined {
    const count = this.perToken.get(token) ?? 0;
    if (count >= max) return undefined;
    this.perToken.set(token, count + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const left = (this.perToken.get(token) ?? 1) - 1;
        if (left > 0) this.perToken.set(token, left);
        else this.perToken.delete(token);
      },
    };
  }

  close(): void {}
}
