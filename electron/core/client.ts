/**
 * ChatClient: the connection core shared by the Electron main process and the CLI.
 * Pure Node — never imports `electron`. Clock, socket factory, outbox store and
 * randomness are injected; one composition root (main, CLI, tests) wires them.
 *
 * Responsibilities: the connection state machine, reconnect with backoff,
 * heartbeat, outbox flushing with acks, resume by seq, and the deduplicated log.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { deflateSync, inflateSync } from 'node:zlib';
import WebSocket from 'ws';
import type { LogEntry, MessageEntry, OlderEntries, SendResult, Snapshot } from '../common/contract';
import { CloseCodes, reason, reasonForClose, type Reason } from '../common/errors';
import {
  decodeServerFrame,
  encodeFrame,
  MAX_INBOUND_FRAME_BYTES,
  MAX_MESSAGE_BYTES,
  utf8Length,
  type ChatMessageIn,
  type ConnectionStatusIn,
  type ServerFrame,
} from '../common/protocol';
import { State, type ConnectionState, type MachineState, type Status } from '../common/state';
import { backoffDelay, defaultBackoff, type BackoffPolicy } from './backoff';
import { systemClock, type Clock, type TimerHandle } from './clock';
import { Emitter } from './emitter';
import { Heartbeat } from './heartbeat';
import { MessageLog } from './message-log';
import { MemoryOutboxStore, Outbox, type OutboxItem, type OutboxStore } from './outbox';
import { Pacer } from './pacer';
import { classifySocketError, redactUrl } from './socket-errors';

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

/**
 * permessage-deflate for chat-sized frames: ws applies its size threshold only when
 * no-context-takeover is negotiated; with context takeover every ~150-byte frame
 * goes through async zlib (a process-wide pool of 10), which made draining an
 * outbox of 10,000 messages 6× slower. Frames of 1 KiB and more are still compressed.
 */
export const PER_MESSAGE_DEFLATE = { threshold: 1024, clientNoContextTakeover: true, serverNoContextTakeover: true } as const;

export type SocketFactory = (url: string, options: WebSocket.ClientOptions) => WebSocket;
export const wsSocketFactory: SocketFactory = (url, options) => new WebSocket(url, options);

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

export interface TlsInfo {
  protocol: string | null;
  /** Leaf first, as the server presented it. */
  chain: Array<{ subject: string; issuer: string; validFrom: string; validTo: string; fingerprint256: string }>;
}

interface Conn {
  ws: WebSocket;
  tls?: TlsInfo;
  ready: boolean;
  error?: Reason;
  hello?: TimerHandle;
  features: Set<string>;
  /** Ids written on this connection and awaiting ack. */
  inFlight: Set<string>;
}

const ERROR_CODES: Record<string, Reason['code']> = {
  too_large: 'TOO_LARGE',
  rate_limited: 'RATE_LIMITED',
};

export class ChatClient extends Emitter<ClientEvents> {
  private config: ClientConfig;
  private readonly clock: Clock;
  private readonly socketFactory: SocketFactory;
  private readonly random: () => number;
  private readonly newId: () => string;
  private readonly outbox: Outbox;
  private readonly log: MessageLog;
  private readonly heartbeat: Heartbeat;
  private readonly pacer = new Pacer(Number.MAX_SAFE_INTEGER, 1);

  private state: ConnectionState = State.disconnected(reason('STOPPED'));
  private machine: MachineState = { network: 'unknown', powerSave: false };
  private conn: Conn | undefined;
  private attempt = 0;
  private connectedSince = 0;
  private retryTimer: TimerHandle | undefined;
  private flushTimer: TimerHandle | undefined;
  private started = false;
  private suspended = false;
  private lastSeq: number | undefined;
  /** Bumped when the server's seq numbering starts over, so id-less keys never collide across it. */
  private seqEpoch = 0;
  private me: string;
  private maxMessageBytes = MAX_MESSAGE_BYTES;

  constructor(deps: ClientDeps) {
    super();
    this.config = { ...defaultClientConfig, ...deps.config };
    this.clock = deps.clock ?? systemClock;
    this.socketFactory = deps.socketFactory ?? wsSocketFactory;
    this.random = deps.random ?? Math.random;
    this.newId = deps.newId ?? randomUUID;
    this.outbox = new Outbox(deps.outboxStore ?? new MemoryOutboxStore(), this.config.maxOutbox);
    this.log = new MessageLog(this.config.logLimit);
    this.me = this.config.user ?? 'me';
    this.heartbeat = new Heartbeat(
      this.clock,
      {
        intervalMs: this.config.heartbeatMs,
        timeoutMs: this.config.heartbeatTimeoutMs,
        jumpToleranceMs: Math.max(this.config.heartbeatTimeoutMs, 15_000),
      },
      {
        ping: () => {
          if (this.conn?.ws.readyState === WebSocket.OPEN) this.conn.ws.ping();
        },
        dead: (code) => this.dropConnection(reason(code)),
      },
    );
  }

  // ---- lifecycle ------------------------------------------------------------

  /** Loads the saved outbox (its pending messages show at once) and connects. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const problem = await this.outbox.load();
    if (problem) this.problem(problem);
    const restored = this.outbox.list().map((item) => this.pendingEntry(item));
    restored.forEach((e) => this.log.upsert(e));
    if (restored.length > 0) this.emit('entries', restored);
    this.connect();
  }

  /** Closes cleanly; queued messages stay in the outbox for next time. */
  async stop(): Promise<void> {
    this.started = false;
    this.cancelTimers();
    this.closeConn(CloseCodes.normal, 'client stopped');
    this.setState(State.disconnected(reason('STOPPED')));
    await this.outbox.persist().catch((err) => this.emitLog('error', `outbox write failed on stop: ${(err as Error).message}`));
  }

  /** Connect now, skipping any backoff wait (the status label's "reconnect now"). */
  reconnectNow(): void {
    if (!this.started || this.suspended) return;
    if (this.conn) {
      if (this.conn.ready) return;
      this.closeConn(CloseCodes.normal, 'reconnect now');
    }
    this.cancelRetry();
    this.connect();
  }

  /** New server URL, token or TLS trust (settings): applied without a restart. */
  reconfigure(patch: Partial<ClientConfig>): void {
    const serverChanged = patch.url !== undefined && patch.url !== this.config.url;
    this.config = { ...this.config, ...patch };
    if (serverChanged) this.lastSeq = undefined;
    if (!this.started) return;
    this.attempt = 0;
    this.cancelRetry();
    this.closeConn(CloseCodes.normal, 'reconfigured');
    this.connect();
  }

  // ---- what the machine says (D-Bus monitors) ---------------------------------

  setNetwork(network: MachineState['network']): void {
    const prev = this.machine.network;
    if (prev === network) return;
    this.machine = { ...this.machine, network };
    if (network === 'offline') {
      this.cancelRetry();
      this.closeConn(CloseCodes.goingAway, 'network down');
      if (this.started && !this.suspended) this.setState(State.offline(reason('NETWORK_DOWN')));
      else this.emitStatus();
      return;
    }
    this.emitStatus();
    // Back online (or "unknown", which may be online): connect at once, no backoff.
    if (prev === 'offline' && this.started && !this.suspended && !this.conn) {
      this.attempt = 0;
      this.cancelRetry();
      this.connect();
    }
  }

  setPowerSave(on: boolean): void {
    if (this.machine.powerSave === on) return;
    this.machine = { ...this.machine, powerSave: on };
    this.heartbeat.setInterval(on ? this.config.powerSaveHeartbeatMs : this.config.heartbeatMs);
    this.emitStatus();
  }

  /** Before sleep: close cleanly so the server is not left holding a dead socket. */
  suspend(): void {
    if (this.suspended) return;
    this.suspended = true;
    this.cancelRetry();
    this.closeConn(CloseCodes.goingAway, 'suspend');
    if (this.started) this.setState(State.disconnected(reason('SUSPENDED')));
  }

  /** After resume: reconnect at once. */
  resume(): void {
    if (!this.suspended) return;
    this.suspended = false;
    this.attempt = 0;
    if (this.started) this.connect();
  }

  // ---- sending ----------------------------------------------------------------

  async send(text: string): Promise<SendResult> {
    if (text.trim() === '') return { ok: false, reason: reason('EMPTY_MESSAGE') };
    const bytes = utf8Length(text);
    if (bytes > this.maxMessageBytes) {
      return { ok: false, reason: reason('TOO_LARGE', `${bytes} bytes, limit ${this.maxMessageBytes}`) };
    }
    const item: OutboxItem = { id: this.newId(), text, createdAt: new Date(this.clock.now()).toISOString() };
    return this.enqueue(item);
  }

  /** Send a failed message again, under the same id (the server dedups by id). */
  async retry(key: string): Promise<SendResult> {
    const entry = this.log.get(key);
    if (!entry || entry.kind !== 'message' || !entry.own || entry.delivery !== 'failed' || !entry.id) {
      return { ok: false, reason: reason('REJECTED', 'no failed message with that key') };
    }
    return this.enqueue({ id: entry.id, text: entry.text, createdAt: entry.timestamp });
  }

  private async enqueue(item: OutboxItem): Promise<SendResult> {
    try {
      await this.outbox.add(item);
    } catch (err) {
      const why = isReason(err) ? err : reason('OUTBOX_WRITE_FAILED', (err as Error)?.message);
      this.emitLog('error', `message not queued: ${why.code} ${why.detail ?? ''}`);
      return { ok: false, reason: why };
    }
    const entry = this.pendingEntry(item);
    this.log.upsert(entry);
    this.emit('entries', [entry]);
    this.emit('outbox', this.outbox.size);
    this.flush();
    return { ok: true, entry };
  }

  // ---- read side ----------------------------------------------------------------

  status(): Status {
    return { connection: this.state, machine: this.machine, heartbeatMs: this.heartbeat.intervalMs };
  }

  /** The status and the log: all of it, or the newest `limit` entries (a window's first page). */
  snapshot(limit?: number): Snapshot {
    const page = limit === undefined ? { entries: this.log.all(), hasOlder: false } : this.log.latest(limit);
    return { status: this.status(), ...page, limits: { maxMessageBytes: this.maxMessageBytes } };
  }

  /** Entries older than `before` (an entry's `order`), at most `limit`, oldest first. */
  olderEntries(before: number, limit: number): OlderEntries {
    return this.log.before(before, limit);
  }

  /** Application-level ping (the design notes' `ping` → `pong`); resolves with the round trip in ms. */
  ping(timeoutMs = 5_000): Promise<number> {
    const conn = this.conn;
    if (!conn?.ready || conn.ws.readyState !== WebSocket.OPEN) return Promise.reject(reason('CONNECTION_LOST', 'not connected'));
    const started = performance.now();
    return new Promise<number>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        off();
        reject(reason('TIMEOUT', `no pong within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.on('frame', (f) => {
        if (f.type !== 'pong') return;
        timer.cancel();
        off();
        resolve(performance.now() - started);
      });
      this.write(conn, encodeFrame({ type: 'ping', timestamp: new Date(this.clock.now()).toISOString() }));
    });
  }

  /** Resolves once the outbox on disk matches memory (after the writes in flight). */
  saveOutbox(): Promise<void> {
    return this.outbox.persist();
  }

  /** Messages still waiting for the server's ack. */
  pendingCount(): number {
    return this.outbox.size;
  }

  /** Diagnostics: negotiated extensions and server features of the current connection. */
  diagnostics(): { url: string; compression: ClientConfig['compression']; extensions: string; features: string[]; lastSeq: number | undefined; tls?: TlsInfo } {
    return {
      url: redactUrl(this.config.url),
      compression: this.config.compression,
      extensions: this.conn?.ws.extensions ?? '',
      features: this.conn ? [...this.conn.features] : [],
      lastSeq: this.lastSeq,
      ...(this.conn?.tls ? { tls: this.conn.tls } : {}),
    };
  }

  // ---- connection machinery -------------------------------------------------------

  private connect(): void {
    if (!this.started || this.suspended || this.conn) return;
    if (this.machine.network === 'offline') {
      this.setState(State.offline(reason('NETWORK_DOWN')));
      return;
    }
    this.attempt += 1;
    this.setState(State.connecting(this.attempt));
    if (!this.started || this.suspended || this.conn) return; // a status listener stopped or suspended us
    const url = this.connectUrl();
    this.emitLog('info', `connecting to ${redactUrl(url)} (attempt ${this.attempt})`);
    let ws: WebSocket;
    try {
      ws = this.socketFactory(url, {
        handshakeTimeout: this.config.handshakeTimeoutMs,
        perMessageDeflate: this.config.compression === 'deflate' ? PER_MESSAGE_DEFLATE : false,
        maxPayload: this.config.maxInboundBytes,
        ...(this.config.tls?.ca ? { ca: this.config.tls.ca } : {}),
      });
    } catch (err) {
      this.scheduleReconnect(classifySocketError(err));
      return;
    }
    const conn: Conn = { ws, ready: false, features: new Set(), inFlight: new Set() };
    this.conn = conn;

    ws.on('unexpected-response', (req, res) => {
      const code = res.statusCode ?? 0;
      const why =
        code === 401 || code === 403
          ? reason('AUTH_FAILED', `HTTP ${code} on upgrade`)
          : reason(code >= 500 ? 'SERVER_ERROR' : 'CONNECTION_LOST', `HTTP ${code} on upgrade`);
      req.destroy();
      this.onClosed(conn, why);
    });
    ws.on('upgrade', (res: IncomingMessage) => {
      const socket = res.socket as TLSSocket;
      if (typeof socket.getPeerCertificate === 'function') conn.tls = tlsInfo(socket);
    });
    ws.on('open', () => {
      if (conn !== this.conn) return;
      this.heartbeat.start();
      conn.hello = this.clock.setTimeout(() => this.onHello(conn, undefined), this.config.helloTimeoutMs);
    });
    ws.on('message', (data, isBinary) => this.onMessage(conn, data, isBinary));
    ws.on('pong', () => {
      if (conn === this.conn) this.heartbeat.alive();
    });
    ws.on('error', (err) => {
      conn.error ??= classifySocketError(err);
    });
    ws.on('close', (code, buf) => {
      const text = buf.toString('utf8').slice(0, 200);
      const byCode = reasonForClose(code, text);
      // A deliberate close code from the server outranks a generic socket error;
      // our own receiver's verdict (ws: frame too large, bad UTF-8) outranks the echo of it.
      const ours = conn.error && (conn.error.code === 'FRAME_TOO_LARGE' || conn.error.code === 'BAD_FRAME');
      const why = ours ? conn.error! : byCode.code !== 'CONNECTION_LOST' ? byCode : (conn.error ?? byCode);
      this.onClosed(conn, why);
    });
  }

  private connectUrl(): string {
    const u = new URL(this.config.url);
    if (this.config.token) u.searchParams.set('token', this.config.token);
    if (this.lastSeq !== undefined) u.searchParams.set('since', String(this.lastSeq));
    // Ask the server for zlib frames too (our extension; old servers ignore it).
    if (this.config.compression === 'zlib') u.searchParams.set('compression', 'zlib');
    return u.toString();
  }

  private onHello(conn: Conn, frame: ConnectionStatusIn | undefined): void {
    if (conn !== this.conn || conn.ready) return;
    conn.hello?.cancel();
    conn.ready = true;
    if (frame) {
      frame.features.forEach((f) => conn.features.add(f));
      if (frame.user_id) this.me = frame.user_id;
      if (frame.seq !== undefined && (this.lastSeq === undefined || frame.seq < this.lastSeq)) {
        // First contact, or a server whose numbering went backwards (it restarted without its
        // history): resume from where it is now. It flags the gap itself (`since` > its seq).
        if (this.lastSeq !== undefined) this.seqEpoch += 1;
        this.lastSeq = frame.seq;
      }
      if (frame.max_message_bytes) this.maxMessageBytes = Math.min(MAX_MESSAGE_BYTES, frame.max_message_bytes);
      if (frame.gap) {
        const marker = this.log.addMarker('gap', new Date(this.clock.now()).toISOString());
        this.emit('entries', [marker]);
      }
      // Stay under the announced limit with margins: the server counts in fixed windows by
      // arrival time, we count by send time, so latency jitter can shift a few messages
      // into the next window. 90% of the messages over a window 10% + 250 ms longer.
      const rl = frame.rate_limit;
      if (rl) this.pacer.configure(Math.max(1, Math.floor(rl.messages * 0.9)), rl.window_s * 1100 + 250);
      else this.pacer.configure(Number.MAX_SAFE_INTEGER, 1);
    } else {
      this.emitLog('warn', 'no connection_status from the server: treating it as a server without acks');
    }
    this.connectedSince = this.clock.now();
    this.setState(State.connected([...conn.features], this.connectedSince));
    this.flush();
  }

  private onMessage(conn: Conn, data: WebSocket.RawData, isBinary: boolean): void {
    if (conn !== this.conn) return;
    this.heartbeat.alive();
    const raw = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    let text: string;
    if (isBinary) {
      // The design notes' zlib frames. Inflate with a hard cap: a zip bomb stops at the cap.
      try {
        text = inflateSync(raw, { maxOutputLength: this.config.maxInboundBytes }).toString('utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
          const why = reason('FRAME_TOO_LARGE', `zlib frame inflates past ${this.config.maxInboundBytes} bytes`);
          this.problem(why);
          this.dropConnection(why, CloseCodes.tooBig);
        } else {
          this.problem(reason('BAD_FRAME', `binary frame is not zlib data: ${(err as Error).message}`));
        }
        return;
      }
    } else {
      text = raw.toString('utf8');
    }
    const decoded = decodeServerFrame(text, this.config.maxInboundBytes);
    if (!decoded.ok) {
      this.problem(reason('BAD_FRAME', `${decoded.error.code}: ${decoded.error.detail}`));
      return;
    }
    const frame = decoded.frame;
    this.emit('frame', frame);
    switch (frame.type) {
      case 'connection_status':
        this.onHello(conn, frame);
        break;
      case 'chat_message':
        this.onChat(frame);
        break;
      case 'chat_response': {
        const entry: MessageEntry = {
          kind: 'message',
          key: this.log.nextServerKey(),
          user: 'server',
          text: frame.message,
          timestamp: frame.timestamp ?? new Date(this.clock.now()).toISOString(),
          own: false,
          fromServer: true,
          delivery: 'sent',
        };
        this.log.upsert(entry);
        this.emit('entries', [entry]);
        break;
      }
      case 'ack':
        conn.inFlight.delete(frame.id);
        this.markDelivered(frame.id, frame.seq);
        this.flush();
        break;
      case 'error':
        this.onServerError(conn, frame.message, frame.code, frame.id);
        break;
      case 'pong':
        break;
    }
  }

  private onChat(frame: ChatMessageIn): void {
    if (frame.seq !== undefined) this.lastSeq = Math.max(this.lastSeq ?? 0, frame.seq);
    // Deduplicate by message id; by seq only for frames without one (within one numbering epoch):
    // a seq alone is not an identity once a server has started its numbering over.
    const key = frame.id ?? (frame.seq !== undefined ? `seq:${this.seqEpoch}:${frame.seq}` : this.log.nextServerKey());
    const existing = this.log.get(key);
    if (existing?.kind === 'message' && existing.own) {
      // Our own message coming back (another device of ours, or a replay): it was delivered.
      this.markDelivered(key, frame.seq);
      return;
    }
    if (existing) return;
    const entry: MessageEntry = {
      kind: 'message',
      key,
      user: frame.user ?? 'server',
      text: frame.message,
      timestamp: frame.timestamp ?? new Date(this.clock.now()).toISOString(),
      own: false,
      delivery: 'sent',
    };
    if (frame.id !== undefined) entry.id = frame.id;
    if (frame.seq !== undefined) entry.seq = frame.seq;
    this.log.upsert(entry);
    this.emit('entries', [entry]);
  }

  private markDelivered(id: string, seq: number | undefined): void {
    if (seq !== undefined) this.lastSeq = Math.max(this.lastSeq ?? 0, seq);
    const patch: Partial<MessageEntry> = { delivery: 'sent', failure: undefined };
    if (seq !== undefined) patch.seq = seq;
    const updated = this.log.update(id, patch);
    if (updated) this.emit('entries', [updated]);
    this.removeFromOutbox(id);
  }

  private onServerError(conn: Conn, message: string, code: string | undefined, id: string | undefined): void {
    this.emitLog('warn', `server error: ${message}`);
    // The close code that follows (4001) carries this; reporting it twice would only add noise.
    if (code === 'unauthenticated') return;
    if (id && this.outbox.has(id)) {
      conn.inFlight.delete(id);
      const failure = reason(code ? (ERROR_CODES[code] ?? 'REJECTED') : 'REJECTED', message);
      const updated = this.log.update(id, { delivery: 'failed', failure });
      if (updated) this.emit('entries', [updated]);
      this.removeFromOutbox(id);
      this.flush();
      return;
    }
    this.problem(reason(code === 'too_large' || /too large/i.test(message) ? 'TOO_LARGE' : 'REJECTED', message));
  }

  /**
   * Sends queued messages in order, within the server's rate limit and a window
   * of unacked messages: after a reconnect only the window is resent blind,
   * not the whole outbox, and acks pull the rest through.
   */
  private flush(): void {
    const conn = this.conn;
    if (!conn?.ready || conn.ws.readyState !== WebSocket.OPEN) return;
    const acked = conn.features.has('ack');
    for (const item of this.outbox.list()) {
      if (conn.inFlight.size >= this.config.sendWindow) return;
      if (conn.inFlight.has(item.id)) continue;
      // Not saved yet: its send() has not returned, so the log has no entry to mark delivered.
      // Saves complete in order, so nothing after it is saved either. enqueue() flushes again.
      if (!this.outbox.isDurable(item.id)) return;
      const wait = this.pacer.waitMs(this.clock.now());
      if (wait > 0) {
        this.flushTimer?.cancel();
        this.flushTimer = this.clock.setTimeout(() => this.flush(), wait);
        return;
      }
      this.pacer.record(this.clock.now());
      conn.inFlight.add(item.id);
      const frame = encodeFrame({ type: 'chat_message', id: item.id, message: item.text, timestamp: item.createdAt });
      this.write(conn, frame, (err) => {
        // Servers without acks (the design notes' Django service): delivered once written.
        if (!err && !acked && conn === this.conn) {
          conn.inFlight.delete(item.id);
          this.markDelivered(item.id, undefined);
          this.flush();
        }
      });
    }
  }

  private onClosed(conn: Conn, why: Reason): void {
    if (conn !== this.conn) return;
    if (why.detail) why = { ...why, detail: this.scrub(why.detail) };
    this.detach(conn);
    if (conn.ready && this.clock.now() - this.connectedSince >= this.config.stableAfterMs) this.attempt = 0;
    this.emitLog(why.code === 'STOPPED' ? 'info' : 'warn', `connection closed: ${why.code}${why.detail ? ` (${why.detail})` : ''}`);
    if (!this.started) return;
    if (this.suspended) return this.setState(State.disconnected(reason('SUSPENDED')));
    if (this.machine.network === 'offline') return this.setState(State.offline(reason('NETWORK_DOWN')));
    // A bad token will not get better by retrying: one attempt, then wait for the person.
    if (why.code === 'AUTH_FAILED') return this.setState(State.authFailed(why));
    this.scheduleReconnect(why);
  }

  private scheduleReconnect(why: Reason): void {
    this.cancelRetry();
    const delayMs = backoffDelay(Math.max(this.attempt, 1), why.code, this.config.backoff, this.random);
    const retryAt = this.clock.now() + delayMs;
    // Timer first, then the status: a listener may call stop() while we emit, and must find the timer to cancel.
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, delayMs);
    this.setState(State.reconnecting(this.attempt + 1, retryAt, delayMs, why));
  }

  private write(conn: Conn, text: string, cb?: (err?: Error) => void): void {
    if (this.config.compression === 'zlib') conn.ws.send(deflateSync(Buffer.from(text, 'utf8')), { binary: true }, cb);
    else conn.ws.send(text, cb);
  }

  /**
   * The link is unusable (dead heartbeat, a bomb): reconnect. With a close
   * code the server is told why; without one the socket is just dropped.
   */
  private dropConnection(why: Reason, closeCode?: number): void {
    const conn = this.conn;
    if (!conn) return;
    this.onClosed(conn, why);
    if (closeCode !== undefined && conn.ws.readyState === WebSocket.OPEN) conn.ws.close(closeCode, why.detail?.slice(0, 120));
    else conn.ws.terminate();
  }

  private closeConn(code: number, text: string): void {
    const conn = this.conn;
    if (!conn) return;
    this.detach(conn);
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.close(code, text);
    else conn.ws.terminate();
  }

  private detach(conn: Conn): void {
    conn.hello?.cancel();
    this.flushTimer?.cancel();
    this.heartbeat.stop();
    if (this.conn === conn) this.conn = undefined;
  }

  private cancelRetry(): void {
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
  }

  private cancelTimers(): void {
    this.cancelRetry();
    this.flushTimer?.cancel();
    this.heartbeat.stop();
  }

  private removeFromOutbox(id: string): void {
    this.outbox.remove(id).then(
      () => this.emit('outbox', this.outbox.size),
      (err) => this.emitLog('error', `outbox write failed: ${(err as Error).message}`),
    );
  }

  private pendingEntry(item: OutboxItem): MessageEntry {
    return { kind: 'message', key: item.id, id: item.id, user: this.me, text: item.text, timestamp: item.createdAt, own: true, delivery: 'pending' };
  }

  private setState(next: ConnectionState): void {
    this.state = next;
    this.emitStatus();
  }

  private emitStatus(): void {
    this.emit('status', this.status());
  }

  private problem(why: Reason): void {
    if (why.detail) why = { ...why, detail: this.scrub(why.detail) };
    this.emitLog('warn', `${why.code}${why.detail ? `: ${why.detail}` : ''}`);
    this.emit('problem', why);
  }

  private emitLog(level: LogLine['level'], message: string): void {
    this.emit('log', { level, message: this.scrub(message) });
  }

  /** A hostile or careless server may echo our request URL (close reason, error frame): our token is never logged or shown. */
  private scrub(text: string): string {
    const t = this.config.token;
    if (!t) return text;
    for (const form of new Set([t, encodeURIComponent(t), new URLSearchParams({ t }).toString().slice(2)])) text = text.split(form).join('***');
    return text;
  }
}

function isReason(v: unknown): v is Reason {
  return typeof v === 'object' && v !== null && typeof (v as Reason).code === 'string';
}

function tlsInfo(socket: TLSSocket): TlsInfo {
  const chain: TlsInfo['chain'] = [];
  let cert = socket.getPeerCertificate(true);
  const seen = new Set<string>();
  // Bounded walk: a chain is a handful of certificates; a self-signed root points at itself.
  for (let i = 0; i < 10 && cert && cert.fingerprint256 && !seen.has(cert.fingerprint256); i++) {
    seen.add(cert.fingerprint256);
    chain.push({
      subject: String(cert.subject?.CN ?? JSON.stringify(cert.subject)),
      issuer: String(cert.issuer?.CN ?? JSON.stringify(cert.issuer)),
      validFrom: cert.valid_from,
      validTo: cert.valid_to,
      fingerprint256: cert.fingerprint256,
    });
    cert = cert.issuerCertificate;
  }
  return { protocol: socket.getProtocol(), chain };
}
