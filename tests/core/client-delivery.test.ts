/**
 * Delivery states a person can see through ChatClient over sockets, and peers other than the
 * reference server. Delivery itself, against a fake link, is in delivery.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient } from '../../electron/core/connection/client';
import type { MessageEntry } from '../../electron/common/contract';
import { rawServer } from '../helpers/raw-server';
import { startPair, testServer } from '../helpers/server';
import { nextEvent, stateIs, until, withTimeout } from '../helpers/wait';

const messages = (c: ChatClient) => c.snapshot().entries.filter((e): e is MessageEntry => e.kind === 'message');

test('design-notes server (no ack feature): delivered when written, reply shown, no resend after reconnect', async (t) => {
  // Like the Django service: connection_status without features, chat_response for each chat_message.
  const srv = await rawServer((ws) => {
    ws.send(JSON.stringify({ type: 'connection_status', status: 'connected', user_id: 7, timestamp: 't' }));
    ws.on('message', (d) => {
      const f = JSON.parse(d.toString());
      if (f.type === 'chat_message') ws.send(JSON.stringify({ type: 'chat_response', message: `echo: ${f.message}`, timestamp: 't2' }));
    });
  });
  const c = new ChatClient({ config: { url: srv.url, token: 'x', backoff: { baseMs: 10, capMs: 50, rateLimitedMs: 50, tlsMs: 50 } } });
  t.after(async () => {
    await c.stop();
    await srv.close();
  });
  await c.start();
  const s = await stateIs(c, 'connected');
  assert.deepEqual(s.connection.kind === 'connected' && s.connection.features, []);
  await c.send('hello django');
  await until(c, () => messages(c).some((m) => m.text === 'echo: hello django'), 5000, 'the reply');
  const mine = messages(c).find((m) => m.own)!;
  assert.equal(mine.delivery, 'sent');
  assert.equal(mine.user, '7', 'own name from the server user_id');
  const reply = messages(c).find((m) => m.fromServer)!;
  assert.equal(reply.user, 'server');
  await until(c, () => c.pendingCount() === 0, 5000, 'outbox empty');

  // Reconnect: nothing is sent again.
  const again = srv.nextConnection();
  srv.sockets[0]!.terminate();
  await again;
  await stateIs(c, 'connected');
  // The outbox is flushed in order on connect, so a resend would arrive before this one.
  await c.send('after reconnect');
  await until(c, () => messages(c).some((m) => m.text === 'echo: after reconnect'), 5000, 'the second reply');
  const chats = srv.received
    .map((r) => JSON.parse(r))
    .filter((f) => f.type === 'chat_message')
    .map((f) => f.message);
  assert.deepEqual(chats, ['hello django', 'after reconnect'], 'nothing sent twice');
});

test('a message the server rejects is marked failed with the reason, and Retry sends it again under the same id', async (t) => {
  let rejectNext = true;
  const srv = await rawServer((ws) => {
    ws.send(JSON.stringify({ type: 'connection_status', status: 'connected', features: ['ack'] }));
    ws.on('message', (d) => {
      const f = JSON.parse(d.toString());
      if (f.type !== 'chat_message') return;
      if (rejectNext) {
        rejectNext = false;
        ws.send(JSON.stringify({ type: 'error', message: 'Message too large', code: 'too_large', id: f.id }));
      } else ws.send(JSON.stringify({ type: 'ack', id: f.id, seq: 1 }));
    });
  });
  const c = new ChatClient({ config: { url: srv.url } });
  t.after(async () => {
    await c.stop();
    await srv.close();
  });
  await c.start();
  await stateIs(c, 'connected');
  const r = await c.send('a long story');
  assert.ok(r.ok);
  await until(c, () => messages(c)[0]?.delivery === 'failed', 5000, 'failed');
  const failed = messages(c)[0]!;
  assert.equal(failed.failure?.code, 'TOO_LARGE');
  assert.equal(c.pendingCount(), 0, 'a failed message is not resent endlessly');

  const retried = await c.retry(failed.key);
  assert.ok(retried.ok);
  await until(c, () => messages(c)[0]?.delivery === 'sent', 5000, 'sent after retry');
  const ids = srv.received
    .map((x) => JSON.parse(x))
    .filter((f) => f.type === 'chat_message')
    .map((f) => f.id);
  assert.deepEqual(ids, [failed.id, failed.id]);
  assert.equal(messages(c).length, 1, 'still one entry in the log');
  assert.equal(messages(c)[0]!.failure, undefined);
});

test('rate-limited (4008): the client waits noticeably longer before trying again', async (t) => {
  const srv = await testServer({ rateLimit: { messages: 2, windowMs: 60_000 } });
  // A client that ignores the announced limit (an old client) is closed with 4008:
  const raw = await import('ws');
  const ws = new raw.WebSocket(`${srv.url}?token=token-bob`);
  await withTimeout(new Promise((r) => ws.once('open', r)), 5000, 'open');
  const closed = withTimeout(new Promise<number>((r) => ws.once('close', (code) => r(code))), 5000, 'close');
  for (let i = 0; i < 3; i++) ws.send(JSON.stringify({ type: 'chat_message', id: `r${i}`, message: 'spam' }));
  assert.equal(await closed, 4008);

  // Our client, closed with 4008, backs off for at least a minute.
  const c = new ChatClient({ config: { url: srv.url, token: 'token-alice' } });
  t.after(async () => {
    await c.stop();
    await srv.stop();
  });
  await c.start();
  await stateIs(c, 'connected');
  // Force a 4008 from the server side by exceeding the limit with the pacer bypassed.
  const limited = nextEvent(c, 'status', (s) => s.connection.kind === 'reconnecting');
  (c as unknown as { delivery: { pacer: { configure(a: number, b: number): void } } }).delivery.pacer.configure(1000, 1);
  await Promise.all([c.send('1'), c.send('2'), c.send('3')]);
  const s = await limited;
  assert.ok(s.connection.kind === 'reconnecting');
  assert.equal(s.connection.reason.code, 'RATE_LIMITED');
  assert.ok(s.connection.delayMs >= 60_000, `waits ${s.connection.delayMs} ms`);
});

test('the client paces itself under the announced rate limit instead of being closed', async (t) => {
  const srv = await testServer({ rateLimit: { messages: 20, windowMs: 1_000 } });
  const c = new ChatClient({ config: { url: srv.url, token: 'token-alice' } });
  t.after(async () => {
    await c.stop();
    await srv.stop();
  });
  await c.start();
  await stateIs(c, 'connected');
  let closed = false;
  c.on('status', (s) => (closed ||= s.connection.kind !== 'connected'));
  for (let i = 0; i < 40; i++) await c.send(`paced ${i}`);
  await until(c, () => c.pendingCount() === 0, 10_000, 'all 40 delivered');
  assert.equal(closed, false, 'never closed with 4008');
});

test('resume older than the history: the log shows "earlier messages may be missing"', async (t) => {
  const srv = await testServer({ historyLimit: 3 });
  const { alice, bob } = await startPair(t, srv, (token) => new ChatClient({ config: { url: srv.url, token } }));
  await stateIs(alice, 'connected');
  await bob.send('seen');
  await until(alice, () => messages(alice).length === 1, 5000, 'first message');
  alice.setNetwork('offline');
  for (let i = 0; i < 10; i++) await bob.send(`while away ${i}`);
  await until(bob, () => bob.pendingCount() === 0, 5000, 'bob drained');
  alice.setNetwork('online');
  await until(alice, () => messages(alice).length === 4, 5000, 'the last three replayed');
  const kinds = alice.snapshot().entries.map((e) => (e.kind === 'marker' ? `marker:${e.marker}` : e.text));
  assert.deepEqual(kinds, ['seen', 'marker:gap', 'while away 7', 'while away 8', 'while away 9']);
});
