/**
 * The ChatClient's configuration, its defaults, its events and what it is built from.
 */
import type { LogEntry } from '../common/contract';
import type { Reason } from '../common/errors';
import { MAX_INBOUND_FRAME_BYTES, type ServerFrame } from '../common/protocol';
import type { Status } from '../common/state';
import { defaultBackoff, type BackoffPolicy } from './backoff';
import type { Clock } from './clock';
import type { OutboxStore } from './outbox';
import type { ProxyResolver } from './proxy-decision';
import type { SocketFactory } from './transport';

export interface ClientConfig {
  /** ws:// or wss:// URL of the chat endpoint. */
  url: string;
  token?: string;
  /** Name for own messages until the server tells us our user id. */
  user?: string;
  heartbeatMs: number;
  powerSaveHeartbeatMs: number;
  heartbeatTimeoutMs: number;
  /** How long to wait after `open` for `connection_status` before assuming an old server. */
  helloTimeoutMs: number;
  handshakeTimeoutMs: number;
  /** A connection up this long resets the attempt counter. */
  stableAfterMs: number;
  backoff: BackoffPolicy;
  /**
   * `deflate`: negotiate permessage-deflate (default). `zlib`: the design notes'
   * binary frames of zlib-compressed JSON. `off`: plain text frames.
   */
  compression: 'deflate' | 'zlib' | 'off';
  maxInboundBytes: number;
  maxOutbox: number;
  /**
   * Entries kept in the core's log, for snapshots (a new or reloaded window) and dedup.
   * The renderer keeps its own, longer list while it lives; this bounds main's memory.
   */
  logLimit: number;
  /** Unacked messages in flight at once. */
  sendWindow: number;
  /** Trusted CAs for wss:// (see ca-bundle.ts: Node's roots are included). Verification is never disabled. */
  tls?: { ca?: Array<string | Buffer> };
  /** Which way to the server (direct or which proxies), decided afresh before each connection; none: direct. */
  proxy?: ProxyResolver;
}

export const defaultClientConfig: Omit<ClientConfig, 'url'> = {
  heartbeatMs: 30_000,
  powerSaveHeartbeatMs: 60_000,
  heartbeatTimeoutMs: 10_000,
  helloTimeoutMs: 2_000,
  handshakeTimeoutMs: 10_000,
  stableAfterMs: 10_000,
  backoff: defaultBackoff,
  compression: 'deflate',
  maxInboundBytes: MAX_INBOUND_FRAME_BYTES,
  maxOutbox: 50_000,
  logLimit: 5_000,
  sendWindow: 256,
};

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

export interface ClientEvents extends Record<string, unknown> {
  status: Status;
  /** Entries added or changed (upserts by key). */
  entries: LogEntry[];
  /** Every decoded server frame, for the CLI and diagnostics. */
  frame: ServerFrame;
  /** Problems that are not a connection state: a bad frame, a corrupt outbox. */
  problem: Reason;
  /** Messages still waiting for an ack, after each saved change of the outbox. */
  outbox: number;
  log: LogLine;
}

export interface ClientDeps {
  config: Partial<ClientConfig> & { url: string };
  clock?: Clock;
  socketFactory?: SocketFactory;
  outboxStore?: OutboxStore;
  random?: () => number;
  newId?: () => string;
}
