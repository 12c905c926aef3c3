/**
 * A scriptable WebSocket server on loopback, for peers the reference server
 * is not: a design-notes (Django-like) server without acks, a server that
 * never answers pings, one that sends garbage.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { withTimeout } from './wait';

export interface RawServer {
  url: string;
  wss: WebSocketServer;
  sockets: WebSocket[];
  received: string[];
  pings: number;
  nextConnection(ms?: number): Promise<WebSocket>;
  close(): Promise<void>;
}

export async function rawServer(
  onConnection: (ws: WebSocket, received: string[]) => void,
  options: { autoPong?: boolean; perMessageDeflate?: boolean } = {},
): Promise<RawServer> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    autoPong: options.autoPong ?? true,
    perMessageDeflate: options.perMessageDeflate ?? false,
  });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const port = (wss.address() as AddressInfo).port;
  const handle: RawServer = {
    url: `ws://127.0.0.1:${port}/ws/device/`,
    wss,
    sockets: [],
    received: [],
    pings: 0,
    nextConnection(ms = 5000) {
      return withTimeout(new Promise<WebSocket>((r) => wss.once('connection', (ws) => r(ws))), ms, 'a connection');
    },
    async close() {
      for (const s of handle.sockets) s.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
  wss.on('connection', (ws) => {
    handle.sockets.push(ws);
    ws.on('ping', () => handle.pings++);
    ws.on('message', (d) => handle.received.push(d.toString()));
    onConnection(ws, handle.received);
  });
  return handle;
}
