/** A real reference server on loopback, restartable on the same port. */
import WebSocket from 'ws';
import { startChatServer, type ChatServer, type ServerOptions } from '../../server/server';
import { withTimeout } from './wait';

export const TOKENS = new Map([
  ['token-alice', 'alice'],
  ['token-bob', 'bob'],
]);

export interface TestServer {
  server: ChatServer;
  url: string;
  port: number;
  logs: string[];
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function testServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const logs: string[] = [];
  const opts: Partial<ServerOptions> = { host: '127.0.0.1', port: 0, tokens: TOKENS, log: (l) => logs.push(l), ...options };
  let server = await startChatServer(opts);
  const port = server.port;
  const handle: TestServer = {
    server,
    url: server.url,
    port,
    logs,
    async restart() {
      await server.close();
      server = await startChatServer({ ...opts, port });
      handle.server = server;
    },
    async stop() {
      await server.close();
    },
  };
  return handle;
}

/**
 * Alice and Bob on `srv`, started; when the test ends they stop before the server does.
 * `make` builds each client (the tests' own config); `makeAlice`, when Alice differs.
 */
export async function startPair<C extends { start(): Promise<void>; stop(): Promise<void> }>(
  t: { after(fn: () => Promise<void>): void },
  srv: TestServer,
  make: (token: 'token-alice' | 'token-bob') => C,
  makeAlice: (token: 'token-alice') => C = make,
): Promise<{ alice: C; bob: C }> {
  const alice = makeAlice('token-alice');
  const bob = make('token-bob');
  t.after(async () => {
    await alice.stop();
    await bob.stop();
    await srv.stop();
  });
  await alice.start();
  await bob.start();
  return { alice, bob };
}

/** Every chat message the room on `url` keeps, oldest first: a raw connection with since=0 gets them replayed before its pong. */
export function roomReplay(url: string, token: string, ms = 5_000): Promise<Array<{ user?: string; message: string }>> {
  const ws = new WebSocket(`${url}?token=${token}&since=0`);
  const seen: Array<{ user?: string; message: string }> = [];
  return withTimeout(
    new Promise<typeof seen>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'ping' })));
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { type: string; user?: string; message?: string };
        if (frame.type === 'chat_message' && frame.message !== undefined) seen.push({ user: frame.user, message: frame.message });
        if (frame.type === 'pong') {
          ws.close();
          resolve(seen);
        }
      });
    }),
    ms,
    'the room replayed',
  );
}
