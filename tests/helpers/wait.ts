/**
 * Await events with a timeout — never sleep in place of an event.
 */
import type { ChatClient, ClientEvents } from '../../electron/core/connection/client';
import type { ConnectionState, Status } from '../../electron/common/state';

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves with the first event value that satisfies `predicate` (checked on each event). */
export function nextEvent<K extends keyof ClientEvents>(
  client: ChatClient,
  event: K,
  predicate: (value: ClientEvents[K]) => boolean = () => true,
  ms = 5_000,
): Promise<ClientEvents[K]> {
  let off: () => void = () => {};
  const p = new Promise<ClientEvents[K]>((resolve) => {
    off = client.on(event, (value) => {
      if (predicate(value)) resolve(value);
    });
  });
  return withTimeout(p, ms, `${String(event)} event`).finally(off);
}

/** Waits until the connection is in `kind` (resolves at once if it already is). */
export function stateIs(client: ChatClient, kind: ConnectionState['kind'], ms = 5_000): Promise<Status> {
  const now = client.status();
  if (now.connection.kind === kind) return Promise.resolve(now);
  return nextEvent(client, 'status', (s) => s.connection.kind === kind, ms);
}

/** Waits until `check()` holds, re-checking whenever the client emits anything. */
export function until(client: ChatClient, check: () => boolean, ms = 5_000, what = 'condition'): Promise<void> {
  if (check()) return Promise.resolve();
  const offs: Array<() => void> = [];
  const p = new Promise<void>((resolve) => {
    const test = () => {
      if (check()) resolve();
    };
    for (const e of ['status', 'entries', 'frame', 'outbox'] as const) offs.push(client.on(e, test));
  });
  return withTimeout(p, ms, what).finally(() => offs.forEach((o) => o()));
}
