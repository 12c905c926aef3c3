/**
 * Connections: the upgrade (origin check), then token auth (4001), the room name's
 * length, the connections-per-token cap (through the ConnectionCounter), the greeting,
 * and the per-connection rate limiter and frame queue. Frames go to frames.ts, in order.
 * A connection with the conversations feature is greeted with the user's conversation
 * list and subscribes by frame; one without it gets the URL's room (members only for a
 * private room or DM: 4003 otherwise), joined with its replay, as the design notes have it.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, type WebSocketServer } from 'ws';
import { CloseCodes } from '../protocol/close-codes';
import { encodeFrame, type ConnectionStatus } from '../protocol/codec';
import { Features, type Feature } from '../protocol/features';
import { WireErrorCodes } from '../protocol/wire-errors';
import { andThen, isPromiseLike, SerialQueue, type Awaitable } from './awaitable';
import type { ConnectionLease } from './connection-counter';
import { FrameBatcher, frameEncoder, type OutboundFrame } from '../protocol/framing';
import { now, reply, sendTo, type Client, type ServerContext } from './context';
import type { ConversationMeta } from './conversation-store';
import type { RoomHandle } from './room-store';
import { refuse, urlRoom } from './conversation-access';
import { closeForbidden } from './conversation-events';
import { listFor } from './conversation-info';
import { DEFAULT_ROOM } from './conversation-store';
import { handleFrame } from './frames';
import { historyFeatures, historyParam } from './history';
import { FixedWindowLimiter } from './rate-limit';
import { sendReplay, subscribe, unsubscribeAll } from './subscriptions';

/** A connection that passed auth and the limits, not yet in a room. */
interface Admitted {
  ws: WebSocket;
  user: string;
  token: string;
  roomName: string;
  query: URLSearchParams;
  /** What the client announced it can receive (`features=`). */
  announced: Set<string>;
  peer: string;
}

/** Upgrades `http`'s WebSocket requests through `wss` and runs each connection until it closes. */
export function acceptConnections(ctx: ServerContext, http: Server, wss: WebSocketServer): void {
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (ctx.closing) {
      socket.destroy();
      return;
    }
    const origin = req.headers.origin;
    if (ctx.options.allowedOrigins && origin !== undefined && !ctx.options.allowedOrigins.includes(origin)) {
      ctx.options.log(`refused upgrade from origin ${JSON.stringify(origin).slice(0, 80)}`);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ctx, ws, req));
  });
}

function onConnection(ctx: ServerContext, ws: WebSocket, req: IncomingMessage): void {
  ws.on('error', (err) => ctx.options.log(`socket error: ${err.message}`));
  if (ctx.closing) {
    ws.terminate();
    return;
  }
  const admitted = admit(ctx, ws, req);
  if (!admitted) return;
  // Listeners first, work queued: with a store that answers later, frames arriving
  // meanwhile wait for the greeting and replay instead of being lost or overtaking them.
  const queue = new SerialQueue((err) => ctx.options.log(`user ${admitted.user}: a frame failed: ${(err as Error).message}`));
  const conn: Connection = { client: undefined, lease: undefined, closed: false };
  ws.on('pong', () => {
    if (conn.client) conn.client.alive = true;
  });
  ws.on('message', (data, isBinary) => {
    if (conn.client) conn.client.alive = true;
    // After close() a frame still queued behind a slow store is dropped: a restarted server may own the rooms now.
    queue.run(() => (conn.client && !ctx.closing ? handleFrame(ctx, conn.client, data, isBinary) : undefined));
  });
  ws.on('close', (code) => {
    conn.closed = true;
    if (conn.client) {
      ctx.clients.delete(conn.client);
      unsubscribeAll(ctx, conn.client);
    }
    conn.lease?.release();
    ctx.options.log(`user ${admitted.user} disconnected (${code})`);
  });
  queue.run(() => orCloseOnFailure(ctx, admitted, join(ctx, admitted, conn)));
}

/** What one connection holds while it is open. */
interface Connection {
  client: Client | undefined;
  lease: ConnectionLease | undefined;
  closed: boolean;
}

/** A place in the per-token count, the room, then the greeting; each step may wait for the store. */
function join(ctx: ServerContext, admitted: Admitted, conn: Connection): Awaitable<void> {
  const o = ctx.options;
  return andThen(ctx.counter.acquire(admitted.token, o.maxConnectionsPerToken), (lease) => {
    if (!lease) {
      o.log(`user ${admitted.user}: too many connections from ${admitted.peer}`);
      admitted.ws.close(CloseCodes.rateLimited, 'too many connections');
      return;
    }
    if (conn.closed) return lease.release();
    conn.lease = lease;
    if (admitted.announced.has(Features.conversations)) {
      conn.client = newClient(ctx, admitted, true);
      return greetAll(ctx, conn.client, admitted);
    }
    return andThen(urlRoom(ctx, admitted.user, admitted.roomName), (meta) => {
      if (conn.closed) return;
      conn.client = newClient(ctx, admitted, false);
      if (!meta) {
        o.log(`user ${admitted.user}: refused room ${JSON.stringify(admitted.roomName).slice(0, 80)} (not a member)`);
        refuse(conn.client, admitted.roomName);
        return closeForbidden(conn.client);
      }
      const client = conn.client;
      return andThen(ctx.store.room(meta.id), (room) => greet(ctx, client, admitted, room, meta));
    });
  });
}

/** A store that cannot answer (Redis down) must not leave a client waiting for a greeting: it gets 1011 and retries. */
function orCloseOnFailure(ctx: ServerContext, admitted: Admitted, step: Awaitable<void>): Awaitable<void> {
  if (!isPromiseLike(step)) return step;
  return Promise.resolve(step).catch((err: unknown) => {
    ctx.options.log(`user ${admitted.user}: could not join room ${admitted.roomName}: ${(err as Error).message}`);
    admitted.ws.close(CloseCodes.internalError, 'room store unavailable');
  });
}

/** The user behind a valid token, in a room with an acceptable name; otherwise the connection is closed and undefined returned. */
function admit(ctx: ServerContext, ws: WebSocket, req: IncomingMessage): Admitted | undefined {
  const o = ctx.options;
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const token = query.get('token') ?? '';
  const user = o.tokens.get(token);
  const peer = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
  if (!user) {
    // Accept, then close with 4001 — what the Django service does, so clients see a close code.
    o.log(`authentication failed from ${peer}`);
    ws.send(encodeFrame({ type: 'error', message: 'Authentication failed', code: WireErrorCodes.unauthenticated, timestamp: now() }));
    ws.close(CloseCodes.unauthenticated, 'authentication failed');
    return undefined;
  }
  const roomName = query.get('room') || DEFAULT_ROOM;
  // With a data dir the room is a file `<encoded name>.jsonl`: a name too long for one crashed the server on append.
  if (encodeURIComponent(roomName).length > 200) {
    o.log(`user ${user}: room name too long from ${peer}`);
    ws.close(1008, 'room name too long');
    return undefined;
  }
  const announced = new Set((query.get('features') ?? '').split(',').slice(0, 16));
  return { ws, user, token, roomName, query, announced, peer };
}

function newClient(ctx: ServerContext, admitted: Admitted, multi: boolean): Client {
  const zlib = ctx.options.compression === 'zlib' || admitted.query.get('compression') === 'zlib';
  return {
    id: ctx.connectionId(),
    ws: admitted.ws,
    zlib,
    ...clientExtensions(admitted, zlib),
    user: admitted.user,
    token: admitted.token,
    actions: admitted.announced.has(Features.edit) || admitted.announced.has(Features.recall),
    receipts: admitted.announced.has(Features.receipts),
    multi,
    subs: new Map(),
    limiter: new FixedWindowLimiter(ctx.options.rateLimit.messages, ctx.options.rateLimit.windowMs),
    alive: true,
  };
}

/**
 * What the client announced it can receive (`features=batch,zdict1`; docs/PROTOCOL.md);
 * others get neither. Batches to a client that compresses (zlib, or permessage-deflate
 * negotiated) go as zlib binary frames (framing.ts frameEncoder).
 */
function clientExtensions(admitted: Admitted, zlib: boolean): Pick<Client, 'zdict' | 'out'> {
  const announced = admitted.announced;
  const ws = admitted.ws;
  const mode = zlib ? 'zlib' : /permessage-deflate/.test(ws.extensions) ? 'deflate' : 'off';
  const zdict = mode !== 'off' && announced.has(Features.zdict1);
  if (!announced.has(Features.batch)) return { zdict };
  const send = (frame: OutboundFrame) =>
    ws.readyState === WebSocket.OPEN && ws.send(frame.data, { binary: frame.binary, compress: !frame.binary });
  return { zdict, out: new FrameBatcher(send, frameEncoder(mode, zdict)) };
}

/**
 * connection_status, then the missed messages in order, and only then live traffic
 * (subscriptions.ts: the replay is read after joining the room's fan-out).
 */
function greet(ctx: ServerContext, client: Client, admitted: Admitted, room: RoomHandle, meta: ConversationMeta): Awaitable<void> {
  const sinceParam = admitted.query.get('since');
  const since = sinceParam !== null && /^\d{1,15}$/.test(sinceParam) ? Number(sinceParam) : undefined;
  ctx.clients.add(client);
  const cursor = { history: historyParam(admitted.query), ...(since !== undefined ? { since } : {}) };
  return andThen(subscribe(ctx, client, room, meta, cursor), (opened) => {
    // Closed while the store answered (close() terminates joining clients too): nothing to greet.
    if (client.ws.readyState !== WebSocket.OPEN) return;
    const features = [...historyFeatures(room), Features.conversations];
    sendTo(client, encodeFrame(connectionStatus(ctx, features, client, { seq: opened.seq, gap: opened.replay.gap })));
    sendReplay(opened);
    const { replay } = opened;
    const resume = since !== undefined ? `, resume after ${since}: ${replay.messages.length} replayed${replay.gap ? ', gap' : ''}` : '';
    ctx.options.log(`user ${client.user} connected from ${admitted.peer} (room ${room.name}${resume})`);
  });
}

/**
 * A connection with the conversations feature: connection_status, then the user's
 * conversation list; the client subscribes to each with its cursor. A user who is in no
 * conversation yet is made a member of the default room first, as everyone was before.
 */
function greetAll(ctx: ServerContext, client: Client, admitted: Admitted): Awaitable<void> {
  ctx.clients.add(client);
  const start = andThen(ctx.conversations.ofUser(client.user), (mine) =>
    mine.length > 0 ? undefined : urlRoom(ctx, client.user, DEFAULT_ROOM),
  );
  return andThen(start, () =>
    andThen(listFor(ctx, client.user), (conversations) => {
      if (client.ws.readyState !== WebSocket.OPEN) return;
      return andThen(ctx.store.room(DEFAULT_ROOM), (room) => {
        sendTo(client, encodeFrame(connectionStatus(ctx, [...historyFeatures(room), Features.conversations], client)));
        reply(client, { type: 'conversation_list', conversations });
        ctx.options.log(`user ${client.user} connected from ${admitted.peer} (${conversations.length} conversations)`);
      });
    }),
  );
}

function connectionStatus(
  ctx: ServerContext,
  extra: Feature[],
  client: Client,
  position?: { seq: number; gap: boolean },
): ConnectionStatus & { features: Feature[] } {
  const o = ctx.options;
  return {
    type: 'connection_status',
    status: 'connected',
    user_id: client.user,
    features: [
      ...[Features.ack, Features.seq, Features.resume, Features.dedup, ...extra, Features.batch, Features.zdict1],
      ...[Features.replyTo, Features.edit, Features.recall, Features.receipts],
      ...(ctx.files ? [Features.files, Features.thumbnails] : []),
    ],
    ...(position ? { seq: position.seq } : {}),
    ...(position?.gap ? { gap: true } : {}),
    rate_limit: { messages: o.rateLimit.messages, window_s: o.rateLimit.windowMs / 1000 },
    max_message_bytes: o.maxMessageBytes,
    recall_window_s: Math.round(o.recallWindowMs / 1000),
    ...(ctx.files ? { max_file_bytes: o.files.maxFileBytes } : {}),
    timestamp: now(),
  };
}
