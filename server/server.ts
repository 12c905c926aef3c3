/**
 * The reference chat server: Node + ws, speaking the design notes' protocol
 * (Django Channels compatible) plus our extensions: ids, acks, seq, resume,
 * dedup, announced limits. See docs/PROTOCOL.md.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { deflateSync, inflateSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import { CloseCodes } from '../electron/common/errors';
import { decodeClientFrame, encodeFrame, MAX_MESSAGE_BYTES, utf8Length } from '../electron/common/protocol';
import { FixedWindowLimiter } from './rate-limit';
import { Room, type StoredMessage } from './room';
import type { TokenTable } from './tokens';

export interface ServerOptions {
  host: string;
  port: number;
  tokens: TokenTable;
  /** Messages per window per connection; the next one gets 4008. */
  rateLimit: { messages: number; windowMs: number };
  maxMessageBytes: number;
  /** Inbound frames above this are closed with 1009 by ws itself. */
  maxFrameBytes: number;
  historyLimit: number;
  dedupLimit: number;
  /** Persist rooms here so a restart keeps seq, history and dedup. */
  dataDir?: string;
  /** Answer every chat_message with a chat_response echo (design-notes compatible; used by benchmarks). */
  echo: boolean;
  /** WebSocket-level ping interval towards clients; 0 disables. */
  pingIntervalMs: number;
  /**
   * `deflate`: offer permessage-deflate (default). `zlib`: send the design notes'
   * zlib binary frames to every client. `off`: neither. In every mode, zlib frames
   * from clients are accepted, and clients asking with `?compression=zlib` get them.
   */
  compression: 'deflate' | 'zlib' | 'off';
  /** Serve wss:// with this certificate and key (PEM). */
  tls?: { cert: string; key: string };
  maxConnectionsPerToken: number;
  /** When set, browsers' Origin headers must be in this list (non-browser clients send none). */
  allowedOrigins?: string[];
  log: (line: string) => void;
}

export const defaultServerOptions: ServerOptions = {
  host: '127.0.0.1',
  port: 8765,
  tokens: new Map(),
  rateLimit: { messages: 100, windowMs: 60_000 },
  maxMessageBytes: MAX_MESSAGE_BYTES,
  maxFrameBytes: 64 * 1024,
  historyLimit: 1000,
  dedupLimit: 100_000,
  echo: false,
  pingIntervalMs: 30_000,
  compression: 'deflate',
  maxConnectionsPerToken: 20,
  log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
};

interface Client {
  ws: WebSocket;
  /** Send zlib binary frames to this client. */
  zlib: boolean;
  user: string;
  token: string;
  room: Room;
  limiter: FixedWindowLimiter;
  alive: boolean;
}

export interface ChatServer {
  readonly port: number;
  readonly url: string;
  /** Open client connections. */
  connections(): number;
  /** Stops listening and drops every client (as a crash or restart would look to them). */
  close(): Promise<void>;
}

const now = () => new Date().toISOString();

export async function startChatServer(partial: Partial<ServerOptions> = {}): Promise<ChatServer> {
  const o: ServerOptions = { ...defaultServerOptions, ...partial };
  const rooms = new Map<string, Room>();
  const clients = new Set<Client>();
  const perToken = new Map<string, number>();
  const roomOf = (name: string) => {
    let r = rooms.get(name);
    if (!r) rooms.set(name, (r = new Room(name, { historyLimit: o.historyLimit, dedupLimit: o.dedupLimit, ...(o.dataDir ? { dataDir: o.dataDir } : {}) })));
    return r;
  };

  const onRequest = (_req: IncomingMessage, res: import('node:http').ServerResponse) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('UOS Chat reference server: connect with WebSocket\n');
  };
  const http: Server = o.tls ? createTlsServer({ cert: o.tls.cert, key: o.tls.key }, onRequest) : createServer(onRequest);
  // maxPayload also caps what permessage-deflate may inflate to: a bomb gets 1009.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: o.maxFrameBytes,
    // No context takeover, so the threshold applies (ws ignores it otherwise): chat-sized frames go plain.
    perMessageDeflate: o.compression === 'deflate' ? { threshold: 1024, serverNoContextTakeover: true, clientNoContextTakeover: true } : false,
  });

  // After close() nothing may attach: an upgrade finishing late would live on with this
  // instance's room while a restarted server uses another (two seq counters, one file).
  let closing = false;

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (closing) {
      socket.destroy();
      return;
    }
    const origin = req.headers.origin;
    if (o.allowedOrigins && origin !== undefined && !o.allowedOrigins.includes(origin)) {
      o.log(`refused upgrade from origin ${JSON.stringify(origin).slice(0, 80)}`);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req));
  });

  function onConnection(ws: WebSocket, req: IncomingMessage): void {
    ws.on('error', (err) => o.log(`socket error: ${err.message}`));
    if (closing) {
      ws.terminate();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const token = url.searchParams.get('token') ?? '';
    const user = o.tokens.get(token);
    const peer = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    if (!user) {
      // Accept, then close with 4001 — what the Django service does, so clients see a close code.
      o.log(`authentication failed from ${peer}`);
      ws.send(encodeFrame({ type: 'error', message: 'Authentication failed', code: 'unauthenticated', timestamp: now() }));
      ws.close(CloseCodes.unauthenticated, 'authentication failed');
      return;
    }
    const roomName = url.searchParams.get('room') || 'lobby';
    // With a data dir the room is a file `<encoded name>.jsonl`: a name too long for one crashed the server on append.
    if (encodeURIComponent(roomName).length > 200) {
      o.log(`user ${user}: room name too long from ${peer}`);
      ws.close(1008, 'room name too long');
      return;
    }
    const count = perToken.get(token) ?? 0;
    if (count >= o.maxConnectionsPerToken) {
      o.log(`user ${user}: too many connections (${count}) from ${peer}`);
      ws.close(CloseCodes.rateLimited, 'too many connections');
      return;
    }
    perToken.set(token, count + 1);
    const room = roomOf(roomName);
    const client: Client = {
      ws,
      zlib: o.compression === 'zlib' || url.searchParams.get('compression') === 'zlib',
      user,
      token,
      room,
      limiter: new FixedWindowLimiter(o.rateLimit.messages, o.rateLimit.windowMs),
      alive: true,
    };

    const sinceParam = url.searchParams.get('since');
    const since = sinceParam !== null && /^\d{1,15}$/.test(sinceParam) ? Number(sinceParam) : undefined;
    const replay = since === undefined ? { messages: [] as StoredMessage[], gap: false } : room.since(since);
    sendTo(
      client,
      encodeFrame({
        type: 'connection_status',
        status: 'connected',
        user_id: user,
        features: ['ack', 'seq', 'resume', 'dedup'],
        seq: room.seq,
        ...(replay.gap ? { gap: true } : {}),
        rate_limit: { messages: o.rateLimit.messages, window_s: o.rateLimit.windowMs / 1000 },
        max_message_bytes: o.maxMessageBytes,
        timestamp: now(),
      }),
    );
    // Missed messages, in order, before the client joins live traffic.
    for (const m of replay.messages) sendTo(client, encodeFrame({ ...m, replay: true }));
    clients.add(client);
    o.log(`user ${user} connected from ${peer} (room ${room.name}${since !== undefined ? `, resume after ${since}: ${replay.messages.length} replayed${replay.gap ? ', gap' : ''}` : ''})`);

    ws.on('pong', () => (client.alive = true));
    ws.on('message', (data, isBinary) => onFrame(client, data, isBinary));
    ws.on('close', (code) => {
      clients.delete(client);
      perToken.set(token, (perToken.get(token) ?? 1) - 1);
      o.log(`user ${user} disconnected (${code})`);
    });
  }

  function sendTo(client: Client, text: string, zlibbed?: Buffer): void {
    if (client.ws.readyState !== WebSocket.OPEN) return;
    if (client.zlib) client.ws.send(zlibbed ?? deflateSync(Buffer.from(text, 'utf8')), { binary: true });
    else client.ws.send(text);
  }

  function reply(client: Client, frame: Record<string, unknown>): void {
    sendTo(client, encodeFrame({ ...frame, timestamp: frame.timestamp ?? now() }));
  }

  function onFrame(client: Client, data: WebSocket.RawData, isBinary: boolean): void {
    client.alive = true;
    if (!client.limiter.take(Date.now())) {
      o.log(`user ${client.user}: rate limit exceeded, closing 4008`);
      reply(client, { type: 'error', message: 'Rate limit exceeded', code: 'rate_limited' });
      client.ws.close(CloseCodes.rateLimited, 'rate limit exceeded');
      return;
    }
    const raw = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    let text: string;
    if (isBinary) {
      // zlib frames (design notes): inflate with a hard cap, so a zip bomb stops there.
      try {
        text = inflateSync(raw, { maxOutputLength: o.maxFrameBytes }).toString('utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
          o.log(`user ${client.user}: zlib frame inflates past ${o.maxFrameBytes} bytes, closing 1009`);
          client.ws.close(CloseCodes.tooBig, 'decompressed message too large');
        } else {
          reply(client, { type: 'error', message: 'Binary frame is not zlib-compressed JSON', code: 'bad_frame' });
        }
        return;
      }
    } else {
      text = raw.toString('utf8');
    }
    const decoded = decodeClientFrame(text, o.maxFrameBytes);
    if (!decoded.ok) {
      reply(client, { type: 'error', message: decoded.error.detail, code: decoded.error.code === 'UNKNOWN_TYPE' ? 'unsupported' : 'bad_frame' });
      return;
    }
    const frame = decoded.frame;
    if (frame.type === 'ping') {
      reply(client, { type: 'pong' });
      return;
    }
    const id = frame.id || undefined;
    if (utf8Length(frame.message) > o.maxMessageBytes) {
      reply(client, { type: 'error', message: 'Message too large', code: 'too_large', ...(id ? { id } : {}) });
      return;
    }
    if (id !== undefined) {
      const seen = client.room.seqOf(client.user, id);
      if (seen !== undefined) {
        reply(client, { type: 'ack', id, seq: seen }); // a resend: ack again, broadcast nothing
        return;
      }
    }
    let stored: StoredMessage;
    try {
      stored = client.room.append({ type: 'chat_message', ...(id ? { id } : {}), user: client.user, message: frame.message, timestamp: now() });
    } catch (err) {
      // A failed write to the data dir (disk full, permissions) must not take the whole server down.
      o.log(`room ${client.room.name}: append failed: ${(err as Error).message}`);
      reply(client, { type: 'error', message: 'Message not stored', code: 'server_error', ...(id ? { id } : {}) });
      return;
    }
    const wire = encodeFrame(stored);
    let zlibbed: Buffer | undefined;
    for (const other of clients) {
      if (other === client || other.room !== client.room) continue;
      if (other.zlib) zlibbed ??= deflateSync(Buffer.from(wire, 'utf8'));
      sendTo(other, wire, zlibbed);
    }
    if (id !== undefined) reply(client, { type: 'ack', id, seq: stored.seq });
    if (o.echo) reply(client, { type: 'chat_response', message: frame.message });
  }

  const pinger =
    o.pingIntervalMs > 0
      ? setInterval(() => {
          for (const c of clients) {
            if (!c.alive) {
              o.log(`user ${c.user}: no pong, terminating`);
              c.ws.terminate();
              continue;
            }
            c.alive = false;
            c.ws.ping();
          }
        }, o.pingIntervalMs)
      : undefined;
  pinger?.unref();

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(o.port, o.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  const url = `${o.tls ? 'wss' : 'ws'}://${host}:${port}/ws/chat/`;
  o.log(`listening on ${url} (compression ${o.compression})`);

  return {
    port,
    url,
    connections: () => clients.size,
    close: async () => {
      closing = true;
      if (pinger) clearInterval(pinger);
      for (const c of clients) c.ws.terminate();
      wss.close();
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
    },
  };
}
