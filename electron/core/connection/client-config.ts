/**
 * The ChatClient's configuration, its defaults, its events and what it is built from.
 */
import type { LogEntry } from '../../common/contract';
import type { Reason } from '../../common/errors';
import { MAX_INBOUND_FRAME_BYTES, type ServerFrame } from '../../../protocol/codec';
import { REQUESTED_FEATURES } from '../../../protocol/features';
import type { Status } from '../../common/state';
import { defaultBackoff, type BackoffPolicy } from './backoff';
import type { Clock } from '../base/clock';
import type { OutboxStore } from '../store/outbox';
import type { ProxyResolver } from '../network/proxy-decision';
import type { AccountStores } from '../store/accounts';
import type { ProxyReport } from '../network/proxy-agent';
import type { SocketFactory, TlsInfo, TransportOptions } from './transport';

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
  /**
   * A first connection (nothing stored) asks for the room's newest messages (`history=N`):
   * by default 200 with a history store, none without (a window would show them; the CLI prints only what is new).
   */
  firstContactHistory?: number;
  /** Share read status with the members of each conversation (feature `receipts`); off: see none either. Default on. */
  readReceipts?: boolean;
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

/** Facts for diagnostics: negotiated extensions and server features of the current connection. */
export interface ClientDiagnostics {
  url: string;
  compression: ClientConfig['compression'];
  extensions: string;
  features: string[];
  lastSeq: number | undefined;
  tls?: TlsInfo;
  /**
   * The proxy decision of the last connection attempt: where it came from, the route used,
   * the proxy's answer, the time (no credentials).
   */
  proxy?: ProxyReport;
}

/** The account the client's stores belong to (accounts.ts), as the `account` event tells it. */
export interface AccountView {
  key: string;
  server: string;
  identity: string;
  room: string;
}

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
  /** The stores of this account are in use (at start, and after a change of server or token): a window fetches its snapshot again. */
  account: AccountView;
  /** A recall took these attachments (and thumbnails) back: the files' copies kept for the window go too. */
  filesRecalled: string[];
}

export interface ClientDeps {
  config: Partial<ClientConfig> & { url: string };
  clock?: Clock;
  socketFactory?: SocketFactory;
  /** One outbox for every server and token (tests, doctor); `accounts` replaces it with one per account. */
  outboxStore?: OutboxStore;
  /** Outbox and history per account (server, identity, room): the app and the CLI with a data dir. */
  accounts?: AccountStores;
  random?: () => number;
  newId?: () => string;
}

export function transportOptions(c: ClientConfig): TransportOptions {
  return {
    heartbeatMs: c.heartbeatMs,
    heartbeatTimeoutMs: c.heartbeatTimeoutMs,
    helloTimeoutMs: c.helloTimeoutMs,
    handshakeTimeoutMs: c.handshakeTimeoutMs,
    compression: c.compression,
    maxInboundBytes: c.maxInboundBytes,
    ...(c.tls ? { tls: c.tls } : {}),
    ...(c.proxy ? { proxy: c.proxy } : {}),
  };
}

/**
 * The connection URL: token, resume point (or the first contact's history), the zlib request
 * and our receivable extensions are query parameters.
 */
export function connectUrl(c: ClientConfig, lastSeq: number | undefined, history: 'stored' | 'memory'): string {
  const u = new URL(c.url);
  if (c.token) u.searchParams.set('token', c.token);
  if (lastSeq !== undefined) u.searchParams.set('since', String(lastSeq));
  const firstContact = c.firstContactHistory ?? (history === 'stored' ? 200 : 0);
  if (lastSeq === undefined && firstContact > 0) u.searchParams.set('history', String(firstContact));
  // Ask the server for zlib frames too (our extension; old servers ignore it).
  if (c.compression === 'zlib') u.searchParams.set('compression', 'zlib');
  // Our extensions we can receive (docs/PROTOCOL.md); the server uses each only if it announces it too.
  u.searchParams.set('features', REQUESTED_FEATURES.join(','));
  return u.toString();
}
