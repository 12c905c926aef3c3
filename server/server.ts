/**
 * The reference chat server: Node + ws, speaking the design notes' protocol
 * (Django Channels compatible) plus our extensions: ids, acks, seq, resume,
 * dedup, announced limits. See docs/PROTOCOL.md.
 *
 * This file is the composition root: it picks the room store implementation and
 * wires the HTTP(S) listener, connections (connections.ts), frames (frames.ts)
 * and liveness pings (liveness.ts) together.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { PER_MESSAGE_DEFLATE } from '../protocol/framing';
import { LocalConnectionCounter, type ConnectionCounter } from './connection-counter';
import { acceptConnections } from './connections';
import type { ServerContext } from './context';
import { watchChanges } from './conversation-events';
import type { ConversationStore } from './conversation-store';
import { FanOut } from './fan-out';
import type { FileRecords } from './file-records';
import { localFiles } from './files';
import { describeS3 } from './s3-blob-store';
import { handleFilesRequest } from './files-http';
import { isMember } from './conversation-access';
import { ReceiptsPusher } from './receipts';
import { startLiveness } from './liveness';
import { MemoryConversationStore } from './memory-conversation-store';
import { MemoryRoomStore } from './memory-room-store';
import { defaultServerOptions, type ServerOptions } from './options';
import { RedisConnectionCounter } from './redis-connection-counter';
import { redactUrl, redisConnector } from './redis-link';
import { RedisConversationStore } from './redis-conversation-store';
import { RedisFileRecords } from './redis-file-records';
import { RedisRoomStore } from './redis-room-store';
import type { RoomStore } from './room-store';
import { directoryFromTokens } from './users';

export { defaultServerOptions, type ServerOptions } from './options';

export interface ChatServer {
  readonly port: number;
  readonly url: string;
  /** Open client connections. */
  connections(): number;
  /** Stops listening and drops every client (as a crash or restart would look to them). */
  close(): Promise<void>;
}

/** How long a Redis-counted connection counts without its node refreshing it (a dead node's count goes after this). */
const CONNECTION_LEASE_MS = 30_000;

interface Stores {
  store: RoomStore;
  conversations: ConversationStore;
  counter: ConnectionCounter;
  /** With Redis and an object store: the file records every node shares (files need both). */
  fileRecords?: FileRecords;
}

/** The one place that chooses where rooms and conversations live, and with them where connections are counted. */
async function createStores(o: ServerOptions, nodeId: string): Promise<Stores> {
  if (!o.redisUrl) {
    const store = new MemoryRoomStore({
      historyLimit: o.historyLimit,
      dedupLimit: o.dedupLimit,
      recallWindowMs: o.recallWindowMs,
      ...(o.dataDir ? { dataDir: o.dataDir } : {}),
    });
    return { store, conversations: new MemoryConversationStore(o.dataDir), counter: new LocalConnectionCounter() };
  }
  o.log(`rooms in redis at ${redactUrl(o.redisUrl)} (node ${nodeId})`);
  const connect = redisConnector(o.redisUrl, o.log);
  const store = new RedisRoomStore({
    connect,
    historyLimit: o.historyLimit,
    dedupLimit: o.dedupLimit,
    recallWindowMs: o.recallWindowMs,
    log: o.log,
  });
  const counter = new RedisConnectionCounter({ connect, nodeId, leaseMs: CONNECTION_LEASE_MS, log: o.log });
  // A node started beside Redis serves its first client at once; one started without it still starts (and retries).
  const conversations = new RedisConversationStore(connect);
  const fileRecords = o.s3 ? new RedisFileRecords(connect) : undefined;
  await Promise.all([store.connected(5_000), counter.connected(5_000), conversations.connected(5_000), fileRecords?.connected(5_000)]);
  return { store, conversations, counter, ...(fileRecords ? { fileRecords } : {}) };
}

/** What the parts of this server share (context.ts): its stores, fan-out, read-status pusher and files. */
async function serverContext(o: ServerOptions): Promise<ServerContext> {
  // Names this process's connections among all that share a store (fan-out skips a message's sender by it).
  const nodeId = randomUUID().slice(0, 8);
  let connections = 0;
  const fanOut = new FanOut(o.log);
  const { fileRecords, ...stores } = await createStores(o, nodeId);
  const ctx: ServerContext = {
    options: o,
    ...stores,
    users: o.users ?? directoryFromTokens(o.tokens),
    fanOut,
    receipts: new ReceiptsPusher(o.receiptsIntervalMs, (conv) => fanOut.subscribers(conv)),
    // Files need stores every node shares: with Redis, offered only beside an object store.
    ...(!o.redisUrl || fileRecords
      ? { files: localFiles(o.dataDir, o.files, (user, conv) => isMember(ctx, user, conv), o.s3, fileRecords) }
      : {}),
    connectionId: () => `${nodeId}/${++connections}`,
    clients: new Set(),
    closing: false,
  };
  return ctx;
}

export async function startChatServer(partial: Partial<ServerOptions> = {}): Promise<ChatServer> {
  const o: ServerOptions = { ...defaultServerOptions, ...partial };
  const ctx = await serverContext(o);

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (ctx.files && handleFilesRequest(ctx.files, o, req, res)) return;
    req.resume();
    res.writeHead(426, { 'content-type': 'text/plain' }).end('UOS Chat reference server: connect with WebSocket\n');
  };
  const http: Server = o.tls ? createTlsServer({ cert: o.tls.cert, key: o.tls.key }, onRequest) : createServer(onRequest);
  // maxPayload also caps what permessage-deflate may inflate to: a bomb gets 1009.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: o.maxFrameBytes,
    perMessageDeflate: o.compression === 'deflate' ? { ...PER_MESSAGE_DEFLATE } : false,
  });
  // Before the first connection, so no change to a conversation can pass this node by.
  const changes = await watchChanges(ctx);
  await changes.ready;
  acceptConnections(ctx, http, wss);
  const stopLiveness = startLiveness(ctx);

  await listen(http, o.port, o.host);
  const port = (http.address() as AddressInfo).port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  const url = `${o.tls ? 'wss' : 'ws'}://${host}:${port}/ws/chat/`;
  const files = !ctx.files ? '; no files (with --redis they need --s3)' : o.s3 ? `; files in ${describeS3(o.s3)}` : '';
  o.log(`listening on ${url} (compression ${o.compression})${files}`);

  return {
    port,
    url,
    connections: () => ctx.clients.size,
    close: async () => {
      ctx.closing = true;
      stopLiveness();
      for (const c of ctx.clients) c.ws.terminate();
      wss.close();
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
      changes.close();
      ctx.receipts.close();
      await ctx.counter.close();
      await ctx.conversations.close();
      await ctx.store.close();
      await ctx.files?.close();
    },
  };
}

function listen(http: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
}
