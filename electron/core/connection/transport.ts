/**
 * Transport: one WebSocket connection at a time. Opening it (URL, TLS trust,
 * compression), the upgrade and its TLS facts, the hello (`connection_status`, or
 * a timeout for servers that send none), decoding frames (zlib inflate capped by
 * framing.ts), the heartbeat and the application ping, writing, and every way a
 * connection ends, reduced to one `closed(why)` report.
 *
 * It decides nothing about reconnecting or state: ChatClient does, from the reports.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import WebSocket from 'ws';
import { CloseCodes } from '../../../protocol/close-codes';
import { reason, reasonForClose, type Reason } from '../../common/errors';
import { decodeServerFrames, encodeFrame, type ConnectionStatus, type ServerFrame } from '../../../protocol/codec';
import { Features } from '../../../protocol/features';
import type { Clock, TimerHandle } from '../base/clock';
import {
  FrameBatcher,
  frameEncoder,
  inboundText,
  outboundFrame,
  PER_MESSAGE_DEFLATE,
  type OutboundFrame,
  type RawFrameData,
} from '../../../protocol/framing';
import { Heartbeat } from './heartbeat';
import { ProxyChainAgent, type ProxyReport } from '../network/proxy-agent';
import type { ProxyResolver } from '../network/proxy-decision';
import { classifySocketError } from './socket-errors';

export type SocketFactory = (url: string, options: WebSocket.ClientOptions) => WebSocket;
export const wsSocketFactory: SocketFactory = (url, options) => new WebSocket(url, options);

export interface TlsInfo {
  protocol: string | null;
  /** Leaf first, as the server presented it. */
  chain: Array<{ subject: string; issuer: string; validFrom: string; validTo: string; fingerprint256: string }>;
}

export interface TransportOptions {
  heartbeatMs: number;
  heartbeatTimeoutMs: number;
  /** How long to wait after `open` for `connection_status` before assuming an old server. */
  helloTimeoutMs: number;
  handshakeTimeoutMs: number;
  compression: 'deflate' | 'zlib' | 'off';
  maxInboundBytes: number;
  tls?: { ca?: Array<string | Buffer> };
  /** Which way each connection goes (direct, or through which proxies); asked again for every connection. */
  proxy?: ProxyResolver;
}

/** What the transport reports to its owner (ChatClient). */
export interface TransportHost {
  /** The connection can carry chat: after `connection_status`, or its timeout (`hello` undefined). */
  ready(hello: ConnectionStatus | undefined): void;
  /** Every decoded frame, `connection_status` included, before `ready`. */
  frame(frame: ServerFrame): void;
  /** The connection ended; `wasReady` tells whether it ever carried chat. */
  closed(why: Reason, wasReady: boolean): void;
  /** A bad frame that does not end the connection. */
  problem(why: Reason): void;
}

export interface TransportDeps {
  clock: Clock;
  socketFactory: SocketFactory;
  /** For the first connection; `configure` replaces them for the next one. */
  options: TransportOptions;
  host: TransportHost;
}

interface Conn {
  ws: WebSocket;
  tls?: TlsInfo;
  ready: boolean;
  error?: Reason;
  hello?: TimerHandle;
  features: Set<string>;
  /** The server announced `batch`: writes of one turn go out as one frame (framing.ts). */
  batcher?: FrameBatcher;
  /** The server announced `zdict1` (and we compress): our zlib frames use the preset dictionary. */
  zdict?: boolean;
}

export class Transport {
  private conn: Conn | undefined;
  private readonly heartbeat: Heartbeat;
  /** How the last connection attempt went through the proxy decision (kept after it ends, for doctor). */
  private lastProxy: ProxyReport | undefined;

  private readonly clock: Clock;
  private readonly socketFactory: SocketFactory;
  private readonly host: TransportHost;
  private options: TransportOptions;

  constructor(deps: TransportDeps) {
    ({ clock: this.clock, socketFactory: this.socketFactory, host: this.host, options: this.options } = deps);
    const { options } = deps;
    this.heartbeat = new Heartbeat({
      clock: deps.clock,
      options: {
        intervalMs: options.heartbeatMs,
        timeoutMs: options.heartbeatTimeoutMs,
        jumpToleranceMs: Math.max(options.heartbeatTimeoutMs, 15_000),
      },
      target: {
        ping: () => {
          if (this.conn?.ws.readyState === WebSocket.OPEN) this.conn.ws.ping();
        },
        dead: (code) => this.drop(reason(code)),
      },
    });
  }

  /** A connection exists (opening or open). */
  get active(): boolean {
    return this.conn !== undefined;
  }

  /** The current connection has had its hello (or its timeout). */
  get helloDone(): boolean {
    return this.conn?.ready === true;
  }

  /** The connection carries chat: hello done and the socket open. */
  get isReady(): boolean {
    return this.conn?.ready === true && this.conn.ws.readyState === WebSocket.OPEN;
  }

  get heartbeatMs(): number {
    return this.heartbeat.intervalMs;
  }

  /** New settings (compression, TLS trust) for the next connection. */
  configure(options: TransportOptions): void {
    this.options = options;
  }

  /** Power save: a longer heartbeat, picked up by a running one at once. */
  setHeartbeatInterval(ms: number): void {
    this.heartbeat.setInterval(ms);
  }

  /** Facts about the current connection, for diagnostics. */
  info(): { extensions: string; features: string[]; tls?: TlsInfo; proxy?: ProxyReport } {
    const conn = this.conn;
    return {
      extensions: conn?.ws.extensions ?? '',
      features: conn ? [...conn.features] : [],
      ...(conn?.tls ? { tls: conn.tls } : {}),
      ...(this.lastProxy ? { proxy: this.lastProxy } : {}),
    };
  }

  /** Opens a connection to `url`. A factory that throws (a malformed URL) returns the reason instead. */
  open(url: string): Reason | undefined {
    let ws: WebSocket;
    try {
      ws = this.socketFactory(url, {
        handshakeTimeout: this.options.handshakeTimeoutMs,
        perMessageDeflate: this.options.compression === 'deflate' ? PER_MESSAGE_DEFLATE : false,
        maxPayload: this.options.maxInboundBytes,
        ...(this.options.tls?.ca ? { ca: this.options.tls.ca } : {}),
        ...(this.options.proxy ? { agent: this.proxyAgent(url, this.options.proxy) } : {}),
      });
    } catch (err) {
      return classifySocketError(err);
    }
    const conn: Conn = { ws, ready: false, features: new Set() };
    this.conn = conn;
    this.listen(conn);
    return undefined;
  }

  /** One agent per connection: it asks the resolver afresh, so a moved laptop gets the new network's proxy. */
  private proxyAgent(url: string, resolve: ProxyResolver): ProxyChainAgent {
    return new ProxyChainAgent({
      resolve,
      // The resolver (and a PAC script behind it) gets the server's address, not our token in the query.
      serverUrl: withoutQuery(url),
      timeoutMs: this.options.handshakeTimeoutMs,
      ...(this.options.tls?.ca ? { ca: this.options.tls.ca } : {}),
      onReport: (report) => (this.lastProxy = report),
    });
  }

  /** Writes a frame on the current connection, zlib-compressed when that mode is on. */
  write(text: string, done?: (err?: Error) => void): void {
    const conn = this.conn;
    if (!conn) return done?.(new Error('not connected'));
    if (conn.batcher) return conn.batcher.push(text, done);
    sendFrame(conn.ws, outboundFrame(text, this.options.compression === 'zlib', conn.zdict), done);
  }

  /** True while `write` still goes to the connection that was current when this was called. */
  stillCurrent(): () => boolean {
    const conn = this.conn;
    return () => conn !== undefined && conn === this.conn && conn.ws.readyState === WebSocket.OPEN;
  }

  /** Application-level ping (the design notes' `ping` → `pong`); resolves with the round trip in ms. */
  ping(timeoutMs: number, onFrame: (cb: (f: ServerFrame) => void) => () => void): Promise<number> {
    if (!this.isReady) return Promise.reject(reason('CONNECTION_LOST', 'not connected'));
    const started = performance.now();
    return new Promise<number>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        off();
        reject(reason('TIMEOUT', `no pong within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = onFrame((f) => {
        if (f.type !== 'pong') return;
        timer.cancel();
        off();
        resolve(performance.now() - started);
      });
      this.write(encodeFrame({ type: 'ping', timestamp: new Date(this.clock.now()).toISOString() }));
    });
  }

  /** Closes on purpose (stop, reconfigure, network down, suspend): no `closed` report follows. */
  close(code: number, text: string): void {
    const conn = this.conn;
    if (!conn) return;
    this.detach(conn);
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.close(code, text);
    else conn.ws.terminate();
  }

  /**
   * The link is unusable (dead heartbeat, a bomb): report it closed, then end it.
   * With a close code the server is told why; without one the socket is just dropped.
   */
  drop(why: Reason, closeCode?: number): void {
    const conn = this.conn;
    if (!conn) return;
    this.ended(conn, why);
    if (closeCode !== undefined && conn.ws.readyState === WebSocket.OPEN) conn.ws.close(closeCode, why.detail?.slice(0, 120));
    else conn.ws.terminate();
  }

  /** Stops the heartbeat without a connection to close (the client stopped). */
  stopHeartbeat(): void {
    this.heartbeat.stop();
  }

  private listen(conn: Conn): void {
    const { ws } = conn;
    ws.on('unexpected-response', (req, res) => {
      const code = res.statusCode ?? 0;
      const why =
        code === 401 || code === 403
          ? reason('AUTH_FAILED', `HTTP ${code} on upgrade`)
          : reason(code >= 500 ? 'SERVER_ERROR' : 'CONNECTION_LOST', `HTTP ${code} on upgrade`);
      req.destroy();
      this.ended(conn, why);
    });
    ws.on('upgrade', (res: IncomingMessage) => {
      const socket = res.socket as TLSSocket;
      if (typeof socket.getPeerCertificate === 'function') conn.tls = tlsInfo(socket);
    });
    ws.on('open', () => {
      if (conn !== this.conn) return;
      // A channel of a shared socket (conversations/channel-socket.ts) is kept alive by that socket's heartbeat:
      // a ping of its own would only wake the process, once per conversation.
      if (!(ws as { keptAlive?: boolean }).keptAlive) this.heartbeat.start();
      conn.hello = this.clock.setTimeout(() => this.hello(conn, undefined), this.options.helloTimeoutMs);
    });
    ws.on('message', (data, isBinary) => this.receive(conn, data, isBinary));
    ws.on('pong', () => {
      if (conn === this.conn) this.heartbeat.alive();
    });
    ws.on('error', (err) => {
      conn.error ??= classifySocketError(err);
    });
    ws.on('close', (code, buf) => this.ended(conn, closeReason(conn, code, buf)));
  }

  private hello(conn: Conn, frame: ConnectionStatus | undefined): void {
    if (conn !== this.conn || conn.ready) return;
    conn.hello?.cancel();
    conn.ready = true;
    frame?.features.forEach((f) => conn.features.add(f));
    // We announced both in the URL (client-config.ts); the server's word makes them usable.
    conn.zdict = this.options.compression !== 'off' && conn.features.has(Features.zdict1);
    if (conn.features.has(Features.batch))
      conn.batcher = new FrameBatcher((out, done) => sendFrame(conn.ws, out, done), frameEncoder(this.options.compression, conn.zdict));
    this.host.ready(frame);
  }

  private receive(conn: Conn, data: RawFrameData, isBinary: boolean): void {
    if (conn !== this.conn) return;
    this.heartbeat.alive();
    // A text frame (the usual one) is just its UTF-8; binary frames go through the capped inflate.
    const text = !isBinary && Buffer.isBuffer(data) ? data.toString('utf8') : this.inflated(data, isBinary);
    if (text === undefined) return;
    // One frame or a `batch` of them: each goes on as if it came alone, a bad one costs only itself.
    const decoded = decodeServerFrames(text, this.options.maxInboundBytes);
    for (const e of decoded.errors) this.host.problem(reason('BAD_FRAME', `${e.code}: ${e.detail}`));
    for (const frame of decoded.frames) {
      if (conn !== this.conn) return; // a frame before this one ended the connection
      this.host.frame(frame);
      if (frame.type === 'connection_status') this.hello(conn, frame);
    }
  }

  /** A zlib frame's text (inflated with the cap), or undefined after reporting why there is none. */
  private inflated(data: RawFrameData, isBinary: boolean): string | undefined {
    const inbound = inboundText(data, isBinary, this.options.maxInboundBytes);
    if (inbound.ok) return inbound.text;
    if (inbound.error === 'too-large') {
      const why = reason('FRAME_TOO_LARGE', inbound.detail);
      this.host.problem(why);
      this.drop(why, CloseCodes.tooBig);
    } else {
      this.host.problem(reason('BAD_FRAME', inbound.detail));
    }
    return undefined;
  }

  private ended(conn: Conn, why: Reason): void {
    if (conn !== this.conn) return;
    this.detach(conn);
    this.host.closed(why, conn.ready);
  }

  private detach(conn: Conn): void {
    conn.hello?.cancel();
    this.heartbeat.stop();
    if (this.conn === conn) this.conn = undefined;
  }
}

/**
 * Why a connection closed: a deliberate close code from the server outranks a generic
 * socket error; our own receiver's verdict (ws: frame too large, bad UTF-8) outranks the echo of it.
 */
function closeReason(conn: Conn, code: number, buf: Buffer): Reason {
  // A channel of a shared connection (core/conversations/channel-socket.ts) ends for the shared socket's reason.
  const shared = (conn.ws as { endedBecause?: Reason }).endedBecause;
  if (shared) return shared;
  const byCode = reasonForClose(code, buf.toString('utf8').slice(0, 200));
  const ours = conn.error && (conn.error.code === 'FRAME_TOO_LARGE' || conn.error.code === 'BAD_FRAME');
  return ours ? conn.error! : byCode.code !== 'CONNECTION_LOST' ? byCode : (conn.error ?? byCode);
}

/** A zlib binary frame is compressed already: permessage-deflate (if negotiated) leaves it alone. */
function sendFrame(ws: WebSocket, out: OutboundFrame, done?: (err?: Error) => void): void {
  if (out.binary) ws.send(out.data, { binary: true, compress: false }, done);
  else ws.send(out.data, done);
}

function withoutQuery(url: string): string {
  const u = new URL(url);
  u.search = '';
  return u.toString();
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
