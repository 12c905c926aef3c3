/**
 * Connection state as plain data: a discriminated union with factories.
 * It crosses IPC unchanged, so it holds only JSON-safe values.
 */
import type { Reason } from './errors';

export type ConnectionState =
  | { kind: 'connecting'; attempt: number }
  | { kind: 'connected'; features: string[]; since: number }
  | { kind: 'reconnecting'; attempt: number; retryAt: number; delayMs: number; reason: Reason }
  | { kind: 'offline'; reason: Reason }
  | { kind: 'auth-failed'; reason: Reason }
  | { kind: 'disconnected'; reason: Reason };

export type ConnectionKind = ConnectionState['kind'];

export const State = {
  connecting: (attempt: number): ConnectionState => ({ kind: 'connecting', attempt }),
  connected: (features: string[], since: number): ConnectionState => ({ kind: 'connected', features, since }),
  reconnecting: (attempt: number, retryAt: number, delayMs: number, why: Reason): ConnectionState => ({
    kind: 'reconnecting',
    attempt,
    retryAt,
    delayMs,
    reason: why,
  }),
  offline: (why: Reason): ConnectionState => ({ kind: 'offline', reason: why }),
  authFailed: (why: Reason): ConnectionState => ({ kind: 'auth-failed', reason: why }),
  disconnected: (why: Reason): ConnectionState => ({ kind: 'disconnected', reason: why }),
};

/** What the machine told us (D-Bus), shown beside the connection state. */
export interface MachineState {
  network: 'online' | 'offline' | 'unknown';
  powerSave: boolean;
}

export interface Status {
  connection: ConnectionState;
  machine: MachineState;
  /** Heartbeat interval in force, ms (30 s normally, 60 s in power save). */
  heartbeatMs: number;
  /** Largest message the server takes, in UTF-8 bytes (announced in its `connection_status`). */
  maxMessageBytes: number;
}
