/** The two measured clients: the real core (ChatClient) and a bare `ws` baseline. */
import WebSocket from 'ws';
import { ChatClient, type ClientConfig } from '../electron/core/connection';
import { MemoryOutboxStore } from '../electron/core/store';
import { until } from './lib';

export interface Core {
  client: ChatClient;
  /** The current socket (for pause/resume and byte counts). */
  ws(): WebSocket | undefined;
  stop(): Promise<void>;
}

/**
 * `singleFrames`: the core connects without announcing its extensions (`features`), so
 * the server sends it one frame per message, as it does a bare ws client (for the
 * core's per-message cost without batching).
 */
export async function startCore(
  url: string,
  config: Partial<ClientConfig> = {},
  token = 'token-alice',
  opts: { singleFrames?: boolean } = {},
): Promise<Core> {
  let current: WebSocket | undefined;
  const client = new ChatClient({
    config: { url, token, ...config },
    outboxStore: new MemoryOutboxStore(),
    socketFactory: (u, o) => (current = new WebSocket(opts.singleFrames ? withoutFeatures(u) : u, o)),
  });
  await client.start();
  await until(() => client.status().connection.kind === 'connected', 10_000, 'core connected');
  return { client, ws: () => current, stop: () => client.stop() };
}

function withoutFeatures(url: string): string {
  const u = new URL(url);
  u.searchParams.delete('features');
  return u.toString();
}

export interface Bare {
  ws: WebSocket;
  close(): Promise<void>;
}

/** A bare ws client, connected and past the server's connection_status. */
export async function startBare(url: string, perMessageDeflate = true): Promise<Bare> {
  const ws = new WebSocket(url, { perMessageDeflate });
  await new Promise<void>((resolve, reject) => {
    const onMsg = (data: WebSocket.RawData) => {
      if (data.toString().includes('"connection_status"')) {
        ws.off('message', onMsg);
        resolve();
      }
    };
    ws.on('message', onMsg);
    ws.once('error', reject);
    ws.once('close', (code) => reject(new Error(`bare client closed ${code}`)));
  });
  ws.removeAllListeners('close');
  ws.removeAllListeners('error');
  ws.on('error', () => {});
  return {
    ws,
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
        setTimeout(() => {
          ws.terminate();
          resolve();
        }, 2_000).unref();
      }),
  };
}
