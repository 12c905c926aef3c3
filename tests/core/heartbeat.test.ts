/**
 * Heartbeat and backoff with an injected clock: no sleeping for 30 s, and
 * pings are observed on the wire at the server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, defaultBackoff } from '../../electron/core/connection/backoff';
import { ChatClient } from '../../electron/core/connection/client';
import { ManualClock } from '../helpers/clock';
import { rawServer } from '../helpers/raw-server';
import { testServer } from '../helpers/server';
import { nextEvent, stateIs, withTimeout } from '../helpers/wait';

const hello = JSON.stringify({ type: 'connection_status', status: 'connected', features: ['ack'] });

test('backoff: full jitter within the exponential bound, capped at 30 s, longer floors for 4008 and TLS', () => {
  const p = defaultBackoff;
  assert.equal(
    backoffDelay(1, 'UNREACHABLE', p, () => 0),
    0,
  );
  assert.equal(
    backoffDelay(1, 'UNREACHABLE', p, () => 0.5),
    500,
  );
  assert.equal(
    backoffDelay(4, 'UNREACHABLE', p, () => 0.5),
    4000,
  );
  for (let attempt = 1; attempt < 100; attempt++) {
    const d = backoffDelay(attempt, 'CONNECTION_LOST', p, () => 0.999999);
    assert.ok(d < 30_000 && d <= 1000 * 2 ** (attempt - 1), `attempt ${attempt}: ${d}`);
  }
  assert.ok(backoffDelay(1, 'RATE_LIMITED', p, () => 0) >= 60_000);
  assert.ok(backoffDelay(1, 'TLS_EXPIRED', p, () => 0) >= 120_000);
});

test('pings go out every 30 s, every 60 s in power save', async (t) => {
  const srv = await rawServer((ws) => ws.send(hello));
  const clock = new ManualClock();
  const c = new ChatClient({ config: { url: srv.url }, clock });
  t.after(async () => {
    await c.stop();
    await srv.close();
  });
  const pinged = () => withTimeout(new Promise<void>((r) => srv.sockets[0]!.once('ping', () => r())), 3000, 'a ping at the server');
  await c.start();
  await stateIs(c, 'connected');
  assert.equal(c.status().heartbeatMs, 30_000);

  clock.advance(29_999);
  assert.equal(srv.pings, 0);
  let p = pinged();
  clock.advance(1);
  await p;
  await pingRoundTrip(c, srv); // the automatic pong is back before time moves on
  assert.equal(srv.pings, 1);

  c.setPowerSave(true);
  assert.equal(c.status().heartbeatMs, 60_000);
  assert.equal(c.status().machine.powerSave, true);
  clock.advance(59_999);
  // Any ping sent in these 59.999 s would have reached the server before this one round trip.
  await pingRoundTrip(c, srv);
  assert.equal(srv.pings, 1, 'no ping before 60 s in power save');
  p = pinged();
  clock.advance(1);
  await p;
  await pingRoundTrip(c, srv);
  assert.equal(srv.pings, 2);

  c.setPowerSave(false);
  p = pinged();
  clock.advance(30_000);
  await p;
  assert.equal(srv.pings, 3);
});

/** A frame from the server and back: anything the client sent before it has arrived. */
async function pingRoundTrip(c: ChatClient, srv: Awaited<ReturnType<typeof rawServer>>) {
  const echoed = nextEvent(c, 'frame', (f) => f.type === 'pong');
  srv.sockets[0]!.send(JSON.stringify({ type: 'pong' }));
  await echoed;
}

test('no pong within 10 s: the link is declared dead and the client reconnects', async (t) => {
  const srv = await rawServer((ws) => ws.send(hello), { autoPong: false });
  const clock = new ManualClock();
  const c = new ChatClient({ config: { url: srv.url }, clock, random: () => 0 });
  t.after(async () => {
    await c.stop();
    await srv.close();
  });
  await c.start();
  await stateIs(c, 'connected');
  clock.advance(30_000);
  clock.advance(9_999);
  assert.equal(c.status().connection.kind, 'connected');
  const dead = nextEvent(c, 'status', (s) => s.connection.kind === 'reconnecting');
  clock.advance(1);
  const s = await dead;
  assert.equal(s.connection.kind === 'reconnecting' && s.connection.reason.code, 'HEARTBEAT_TIMEOUT');
  const again = srv.nextConnection();
  clock.advance(0); // backoff with random()=0 is 0 ms
  await again;
  await stateIs(c, 'connected');
});

test('a wall-clock jump (suspend) drops the stale socket and reconnects', async (t) => {
  const srv = await rawServer((ws) => ws.send(hello));
  const clock = new ManualClock();
  const c = new ChatClient({ config: { url: srv.url }, clock, random: () => 0 });
  t.after(async () => {
    await c.stop();
    await srv.close();
  });
  await c.start();
  await stateIs(c, 'connected');
  clock.jump(2 * 60 * 60_000); // two hours asleep
  const dropped = nextEvent(c, 'status', (s) => s.connection.kind === 'reconnecting');
  clock.advance(30_000);
  const s = await dropped;
  assert.equal(s.connection.kind === 'reconnecting' && s.connection.reason.code, 'CLOCK_JUMP');
  const again = srv.nextConnection();
  clock.advance(0);
  await again;
  await stateIs(c, 'connected');
});

test('the attempt counter grows while failing and resets after a stable connection', async (t) => {
  const srv = await testServer();
  const clock = new ManualClock();
  const c = new ChatClient({ config: { url: srv.url, token: 'token-alice' }, clock, random: () => 0.5 });
  t.after(async () => {
    await c.stop();
    await srv.stop();
  });
  await c.start();
  await stateIs(c, 'connected');
  await srv.server.close();
  let s = await stateIs(c, 'reconnecting');
  assert.ok(s.connection.kind === 'reconnecting');
  assert.equal(s.connection.attempt, 2);
  const firstDelay = s.connection.delayMs;
  // Two more failures while the server is down: attempt numbers and delays grow.
  for (const expected of [3, 4]) {
    const next = nextEvent(c, 'status', (x) => x.connection.kind === 'reconnecting' && x.connection.attempt === expected);
    clock.advance((c.status().connection as { delayMs: number }).delayMs);
    s = await next;
  }
  assert.ok(s.connection.kind === 'reconnecting' && s.connection.delayMs > firstDelay, 'delay grows');

  await srv.restart();
  const up = nextEvent(c, 'status', (x) => x.connection.kind === 'connected');
  clock.advance((c.status().connection as { delayMs: number }).delayMs);
  await up;
  clock.advance(10_000); // stayed up long enough
  await srv.server.close();
  s = await stateIs(c, 'reconnecting');
  // Without the reset this would be attempt 5 (after 2, 3, 4 and the successful one).
  assert.equal(s.connection.kind === 'reconnecting' && s.connection.attempt, 1, 'counter reset after a stable connection');
});
