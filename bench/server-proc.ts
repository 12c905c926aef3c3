/**
 * The reference server in its own process, plus a bare `ws` sender (token-bob),
 * driven over the fork IPC channel by bench/lib.ts startServerProc(). Keeping
 * the server and the sender out of the measuring process means the measured
 * client's CPU, RSS and event loop are its own.
 */
import WebSocket from 'ws';
import { startChatServer, type ChatServer, type ServerOptions } from '../server/server';
import { chatText } from './lib';

const TOKENS = new Map([
  ['token-alice', 'alice'],
  ['token-bob', 'bob'],
  ['token-carol', 'carol'],
]);

let server: ChatServer | undefined;
let senderSeq = 0;

function roomUrl(room: string): string {
  const u = new URL(server!.url);
  u.searchParams.set('room', room);
  u.searchParams.set('token', 'token-bob');
  return u.toString();
}

async function openSender(room: string): Promise<{ ws: WebSocket; acked: () => number }> {
  const ws = new WebSocket(roomUrl(room), { perMessageDeflate: false });
  let acked = 0;
  let hello!: () => void;
  const ready = new Promise<void>((r) => (hello = r));
  ws.on('message', (data) => {
    const text = data.toString();
    if (text.startsWith('{"type":"ack"')) acked++;
    else if (text.includes('"connection_status"')) hello();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  await ready;
  return { ws, acked: () => acked };
}

/** Sends `count` frames; `perSec` 0 = as fast as the socket drains. Resolves after the last ack. */
async function send(room: string, count: number, textBytes: number, perSec: number): Promise<{ sent: number; acked: number; ms: number }> {
  const { ws, acked } = await openSender(room);
  const run = ++senderSeq;
  // Every message its own word-like text: a handful of texts repeated in a cycle would let
  // permessage-deflate's 32 KB window find whole earlier messages and flatter its ratio.
  const t0 = performance.now();
  let sent = 0;
  const frame = (i: number) =>
    JSON.stringify({
      type: 'chat_message',
      id: `f-${String(run).padStart(7, '0')}-${String(i).padStart(6, '0')}`,
      message: chatText(textBytes, run * 1_000_003 + i),
      timestamp: new Date().toISOString(),
    });
  await new Promise<void>((resolve, reject) => {
    ws.once('close', () => reject(new Error('sender closed')));
    const tick = () => {
      const due = perSec > 0 ? Math.min(count, Math.floor(((performance.now() - t0) / 1000) * perSec)) : count;
      while (sent < due && ws.bufferedAmount < 1 << 20) ws.send(frame(sent++));
      if (sent >= count) return resolve();
      if (perSec > 0) setTimeout(tick, 5);
      else setImmediate(tick);
    };
    tick();
  });
  const deadline = performance.now() + 60_000;
  while (acked() < count && performance.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  const ms = performance.now() - t0;
  ws.removeAllListeners('close');
  ws.close();
  return { sent, acked: acked(), ms };
}

type Msg = { id: number; cmd: string; [k: string]: unknown };

process.on('message', (m: Msg) => {
  const reply = (p: Promise<unknown>) =>
    p.then(
      (result) => process.send?.({ id: m.id, ok: true, result }),
      (err: unknown) => process.send?.({ id: m.id, ok: false, error: String((err as Error)?.stack ?? err) }),
    );
  switch (m.cmd) {
    case 'start':
      return reply(
        (async () => {
          server = await startChatServer({ ...(m.options as Partial<ServerOptions>), tokens: TOKENS, log: () => {} });
          return { url: server.url };
        })(),
      );
    case 'flood':
      return reply(send(m.room as string, m.count as number, m.textBytes as number, 0));
    case 'paced':
      return reply(
        send(m.room as string, Math.round(((m.perSec as number) * (m.ms as number)) / 1000), m.textBytes as number, m.perSec as number),
      );
    case 'cpu':
      return reply(Promise.resolve(process.cpuUsage()));
    case 'stop':
      return reply(
        (async () => {
          await server?.close();
          setImmediate(() => process.exit(0));
          return null;
        })(),
      );
  }
});
process.on('disconnect', () => process.exit(0));
