/**
 * The reference server, driven by raw ws clients on loopback.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import WebSocket from 'ws';
import { parseTokens, parseTokenEnv } from '../../server/tokens';
import { testServer } from '../helpers/server';
import { withTimeout } from '../helpers/wait';

interface Peer {
  ws: WebSocket;
  frames: any[];
  next(pred: (f: any) => boolean, ms?: number): Promise<any>;
  closed: Promise<{ code: number; reason: string }>;
}

async function peer(url: string, headers: Record<string, string> = {}): Promise<Peer> {
  const ws = new WebSocket(url, { headers });
  const frames: any[] = [];
  const waiters = new Set<{ pred: (f: any) => boolean; resolve: (f: any) => void }>();
  ws.on('message', (d) => {
    const f = JSON.parse(d.toString());
    frames.push(f);
    for (const w of [...waiters])
      if (w.pred(f)) {
        waiters.delete(w);
        w.resolve(f);
      }
  });
  const closed = new Promise<{ code: number; reason: string }>((r) =>
    ws.on('close', (code, reason) => r({ code, reason: reason.toString() })),
  );
  ws.on('error', () => undefined);
  await withTimeout(
    new Promise((r, j) => {
      ws.once('open', r);
      ws.once('error', j);
    }),
    5000,
    'open',
  );
  return {
    ws,
    frames,
    closed,
    next(pred, ms = 5000) {
      const hit = frames.find(pred);
      if (hit) return Promise.resolve(hit);
      return withTimeout(new Promise((resolve) => waiters.add({ pred, resolve })), ms, 'a frame');
    },
  };
}

const chat = (id: string | undefined, message: string) =>
  JSON.stringify({ type: 'chat_message', ...(id ? { id } : {}), message, timestamp: new Date().toISOString() });

test('token files: JSON or lines; env pairs; clear errors', () => {
  assert.deepEqual([...parseTokens('{"a":"alice"}', 'f')], [['a', 'alice']]);
  assert.deepEqual(
    [...parseTokens('# c\na alice\nb bob\n', 'f')],
    [
      ['a', 'alice'],
      ['b', 'bob'],
    ],
  );
  assert.deepEqual(
    [...parseTokenEnv('a:alice,b:bob')],
    [
      ['a', 'alice'],
      ['b', 'bob'],
    ],
  );
  assert.throws(() => parseTokens('{bad', 'tokens.json'), /tokens.json: not valid JSON/);
  assert.throws(() => parseTokens('lonely\n', 'tokens.txt'), /tokens.txt:1: expected "token user"/);
});

test('accepts a good token with connection_status and features; closes a bad one with 4001', async (t) => {
  const srv = await testServer();
  t.after(() => srv.stop());
  const good = await peer(`${srv.url}?token=token-alice`);
  const hello = await good.next((f) => f.type === 'connection_status');
  assert.equal(hello.status, 'connected');
  assert.equal(hello.user_id, 'alice');
  assert.deepEqual(hello.features, [
    'ack',
    'seq',
    'resume',
    'dedup',
    'history',
    'conversations',
    'batch',
    'zdict1',
    'reply_to',
    'edit',
    'recall',
    'receipts',
    'files',
    'thumbnails',
  ]);
  assert.deepEqual(hello.rate_limit, { messages: 100, window_s: 60 });
  assert.equal(hello.max_file_bytes, 100 * 1024 * 1024, 'the largest file, 100 MB by default');
  assert.equal(hello.recall_window_s, 120);
  good.ws.close();
  const bad = await peer(`${srv.url}?token=nope`);
  assert.equal((await bad.closed).code, 4001);
});

test('acks with seq, broadcasts to others, and a resent id is acked again but never broadcast twice', async (t) => {
  const srv = await testServer();
  t.after(() => srv.stop());
  const a = await peer(`${srv.url}?token=token-alice`);
  const b = await peer(`${srv.url}?token=token-bob`);
  await a.next((f) => f.type === 'connection_status');
  await b.next((f) => f.type === 'connection_status');
  a.ws.send(chat('m1', 'hello'));
  const ack1 = await a.next((f) => f.type === 'ack' && f.id === 'm1');
  a.ws.send(chat('m1', 'hello'));
  a.ws.send(chat('m2', 'second'));
  await a.next((f) => f.type === 'ack' && f.id === 'm2');
  await b.next((f) => f.type === 'chat_message' && f.id === 'm2');
  const acks = a.frames.filter((f) => f.type === 'ack' && f.id === 'm1');
  assert.equal(acks.length, 2);
  assert.equal(acks[1].seq, ack1.seq);
  const got = b.frames.filter((f) => f.type === 'chat_message');
  assert.deepEqual(
    got.map((f) => [f.id, f.user, f.message]),
    [
      ['m1', 'alice', 'hello'],
      ['m2', 'alice', 'second'],
    ],
  );
  assert.ok(!a.frames.some((f) => f.type === 'chat_message'), 'the sender does not get its own broadcast');
});

test('bad input gets an error frame and the connection stays usable', async (t) => {
  const srv = await testServer({ maxMessageBytes: 100 });
  t.after(() => srv.stop());
  const a = await peer(`${srv.url}?token=token-alice`);
  a.ws.send('this is not json');
  assert.equal((await a.next((f) => f.type === 'error' && f.code === 'bad_frame')).type, 'error');
  a.ws.send(JSON.stringify({ type: 'weather' }));
  assert.match((await a.next((f) => f.type === 'error' && f.code === 'unsupported')).message, /Unsupported message type/);
  a.ws.send(chat('big', '字'.repeat(40)));
  const tooLarge = await a.next((f) => f.type === 'error' && f.code === 'too_large');
  assert.equal(tooLarge.id, 'big');
  assert.equal(tooLarge.message, 'Message too large');
  a.ws.send(JSON.stringify({ type: 'chat_message', id: 'x'.repeat(65), message: 'hi' }));
  await a.next((f) => f.type === 'error' && /id/.test(f.message));
  a.ws.send(JSON.stringify({ type: 'ping' }));
  await a.next((f) => f.type === 'pong');
  a.ws.send(chat('ok', 'still fine'));
  await a.next((f) => f.type === 'ack' && f.id === 'ok');
});

test('limits: rate (4008), frame size (1009), connections per token, origin', async (t) => {
  const srv = await testServer({
    rateLimit: { messages: 3, windowMs: 60_000 },
    maxFrameBytes: 1024,
    maxConnectionsPerToken: 2,
    allowedOrigins: ['app://uos-chat'],
  });
  t.after(() => srv.stop());
  const a = await peer(`${srv.url}?token=token-alice`);
  for (let i = 0; i < 4; i++) a.ws.send(chat(`r${i}`, 'x'));
  const rl = await a.next((f) => f.type === 'error' && f.code === 'rate_limited');
  assert.equal(rl.message, 'Rate limit exceeded');
  assert.equal((await a.closed).code, 4008);

  const big = await peer(`${srv.url}?token=token-alice`);
  big.ws.send('x'.repeat(2048));
  assert.equal((await big.closed).code, 1009);

  const c1 = await peer(`${srv.url}?token=token-bob`);
  const c2 = await peer(`${srv.url}?token=token-bob`);
  const c3 = await peer(`${srv.url}?token=token-bob`);
  assert.equal((await c3.closed).code, 4008);
  assert.equal((await c3.closed).reason, 'too many connections');
  c1.ws.close();
  c2.ws.close();

  const allowed = await peer(`${srv.url}?token=token-alice`, { Origin: 'app://uos-chat' });
  await allowed.next((f) => f.type === 'connection_status');
  allowed.ws.close();
  const evil = new WebSocket(`${srv.url}?token=token-alice`, { headers: { Origin: 'https://evil.example' } });
  const status = await withTimeout(
    new Promise<number>((r) => evil.on('unexpected-response', (_q, res) => r(res.statusCode ?? 0))),
    5000,
    'refusal',
  );
  assert.equal(status, 403);
});

test('with a data dir, a restarted server keeps seq, history and dedup', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-srv-'));
  const srv = await testServer({ dataDir: dir, historyLimit: 5 });
  t.after(async () => {
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const a = await peer(`${srv.url}?token=token-alice`);
  for (let i = 1; i <= 12; i++) a.ws.send(chat(`p${i}`, `persisted ${i}`));
  const last = await a.next((f) => f.type === 'ack' && f.id === 'p12');
  assert.equal(last.seq, 12);
  await srv.restart();

  const b = await peer(`${srv.url}?token=token-bob&since=9`);
  const hello = await b.next((f) => f.type === 'connection_status');
  assert.equal(hello.seq, 12);
  await b.next((f) => f.type === 'chat_message' && f.seq === 12);
  assert.deepEqual(
    b.frames.filter((f) => f.type === 'chat_message').map((f) => [f.seq, f.replay]),
    [
      [10, true],
      [11, true],
      [12, true],
    ],
  );

  const a2 = await peer(`${srv.url}?token=token-alice`);
  a2.ws.send(chat('p3', 'persisted 3')); // acked long ago, before the restart and beyond the history
  const again = await a2.next((f) => f.type === 'ack' && f.id === 'p3');
  assert.equal(again.seq, 3, 'dedup survived the restart');
  a2.ws.send(chat('p13', 'new'));
  assert.equal((await a2.next((f) => f.type === 'ack' && f.id === 'p13')).seq, 13);

  const c = await peer(`${srv.url}?token=token-bob&since=2`);
  const gap = await c.next((f) => f.type === 'connection_status');
  assert.equal(gap.gap, true, 'resume older than the history is flagged');
});
