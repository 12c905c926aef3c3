/**
 * The reference server's limits, each on its own (tests/server/server.test.ts
 * covers the basics; these add the edges): connections per token (released on
 * close, per token, failed auth not counted), frame size (at the limit vs one
 * over, zlib and permessage-deflate bombs), rate limit (per connection, fresh
 * window on a new connection), origin check (configured vs not).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import WebSocket from 'ws';
import { testServer } from '../helpers/server';
import { withTimeout } from '../helpers/wait';

function open(url: string, options: WebSocket.ClientOptions = {}) {
  const ws = new WebSocket(url, options);
  const frames: any[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
  ws.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((r) =>
    ws.on('close', (code, reason) => r({ code, reason: reason.toString() })),
  );
  const outcome = new Promise<'open' | number>((r) => {
    ws.once('open', () => r('open'));
    ws.once('unexpected-response', (req, res) => {
      r(res.statusCode ?? 0);
      req.destroy();
    });
  });
  const next = (pred: (f: any) => boolean, ms = 5000) =>
    withTimeout(
      (async () => {
        for (;;) {
          const hit = frames.find(pred);
          if (hit) return hit;
          await new Promise((r) => setTimeout(r, 5));
        }
      })(),
      ms,
      'a frame',
    );
  return { ws, frames, closed, outcome, next, hello: () => next((f) => f.type === 'connection_status') };
}

test('max connections per token: the cap holds per token, failed auth does not count, and closing releases a slot', async (t) => {
  const srv = await testServer({ maxConnectionsPerToken: 3 });
  t.after(() => srv.stop());
  const u = (tok: string) => `${srv.url}?token=${tok}`;
  for (let i = 0; i < 4; i++) assert.equal((await open(u('nope')).closed).code, 4001);
  const alice = [open(u('token-alice')), open(u('token-alice')), open(u('token-alice'))];
  await Promise.all(alice.map((a) => a.hello()));
  const fourth = open(u('token-alice'));
  assert.deepEqual(await fourth.closed, { code: 4008, reason: 'too many connections' });
  const bob = open(u('token-bob'));
  await bob.hello(); // another token is not affected
  alice[0]!.ws.close();
  await alice[0]!.closed;
  await withTimeout(
    (async () => {
      while (srv.server.connections() !== 3) await new Promise((r) => setTimeout(r, 5));
    })(),
    5000,
    'the slot to be released',
  );
  const again = open(u('token-alice'));
  await again.hello();
  assert.equal(srv.server.connections(), 4);
  for (const c of [...alice, again, bob]) c.ws.close();
});

test('max frame size: at the limit is read, one byte over is 1009; zlib and permessage-deflate bombs are 1009', async (t) => {
  const MAX = 2048;
  const srv = await testServer({ maxFrameBytes: MAX, maxMessageBytes: 10 * 1024 });
  t.after(() => srv.stop());
  const u = `${srv.url}?token=token-alice`;
  const head = '{"type":"chat_message","id":"edge","message":"';
  const at = open(u);
  await at.hello();
  at.ws.send(head + 'x'.repeat(MAX - head.length - 2) + '"}');
  await at.next((f) => f.type === 'ack' && f.id === 'edge');
  at.ws.close();

  const over = open(u);
  await over.hello();
  over.ws.send(head + 'x'.repeat(MAX - head.length - 1) + '"}');
  assert.equal((await over.closed).code, 1009);

  const bomb = open(u);
  await bomb.hello();
  const small = deflateSync(Buffer.alloc(1_000_000, 0x61), { level: 9 });
  assert.ok(small.length < MAX, 'the bomb itself fits the frame limit on the wire');
  bomb.ws.send(small, { binary: true });
  assert.equal((await bomb.closed).code, 1009);
  assert.ok(srv.logs.some((l) => /inflates past 2048 bytes/.test(l)));

  const pmd = open(u, { perMessageDeflate: true });
  await pmd.hello();
  pmd.ws.send('a'.repeat(5_000_000), { compress: true });
  assert.equal((await pmd.closed).code, 1009);

  const still = open(u);
  await still.hello();
  still.ws.close();
});

test('rate limit: per connection, the message over the limit gets rate_limited + 4008, a new connection starts fresh', async (t) => {
  const srv = await testServer({ rateLimit: { messages: 5, windowMs: 60_000 } });
  t.after(() => srv.stop());
  const u = `${srv.url}?token=token-alice`;
  const a = open(u);
  const b = open(u);
  await a.hello();
  await b.hello();
  for (let i = 0; i < 5; i++) a.ws.send(JSON.stringify({ type: 'chat_message', id: `a${i}`, message: 'x' }));
  await a.next((f) => f.type === 'ack' && f.id === 'a4');
  // Pings count too: anything the client sends is a frame to the limiter.
  a.ws.send(JSON.stringify({ type: 'ping' }));
  assert.equal((await a.next((f) => f.type === 'error')).code, 'rate_limited');
  assert.equal((await a.closed).code, 4008);
  // The other connection of the same user has its own window.
  b.ws.send(JSON.stringify({ type: 'chat_message', id: 'b0', message: 'x' }));
  await b.next((f) => f.type === 'ack' && f.id === 'b0');
  const c = open(u);
  await c.hello();
  for (let i = 0; i < 5; i++) c.ws.send(JSON.stringify({ type: 'chat_message', id: `c${i}`, message: 'x' }));
  await c.next((f) => f.type === 'ack' && f.id === 'c4');
  b.ws.close();
  c.ws.close();
});

test('origin check: configured → only listed origins (exact match) or none; not configured → any origin', async (t) => {
  const strict = await testServer({ allowedOrigins: ['app://uos-chat'] });
  const open_ = await testServer();
  t.after(async () => {
    await strict.stop();
    await open_.stop();
  });
  const cases: Array<[string | undefined, 'open' | number]> = [
    [undefined, 'open'],
    ['app://uos-chat', 'open'],
    ['app://uos-chat/', 403],
    ['APP://UOS-CHAT', 403],
    ['null', 403],
    ['https://evil.example', 403],
    ['file://', 403],
  ];
  for (const [origin, expected] of cases) {
    const c = open(`${strict.url}?token=token-alice`, origin ? { headers: { Origin: origin } } : {});
    assert.equal(await c.outcome, expected, `origin ${origin}`);
    c.ws.terminate();
  }
  assert.ok(strict.logs.some((l) => /refused upgrade from origin "https:\/\/evil.example"/.test(l)));
  const any = open(`${open_.url}?token=token-alice`, { headers: { Origin: 'https://evil.example' } });
  assert.equal(await any.outcome, 'open', 'without allowedOrigins every origin is accepted (documented default)');
  any.ws.close();
});
