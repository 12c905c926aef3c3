/**
 * Transport on its own: a real `ws` server on loopback, a host that records what the
 * transport reports, and a hand-moved clock. No ChatClient, so each report (ready,
 * frame, closed, problem) is checked exactly as the transport makes it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import type { WebSocket } from 'ws';
import type { Reason } from '../../electron/common/errors';
import type { ConnectionStatus, ServerFrame } from '../../protocol/codec';
import { Transport, wsSocketFactory, type SocketFactory, type TransportOptions } from '../../electron/core/connection/transport';
import { ManualClock } from '../helpers/clock';
import { rawServer, type RawServer } from '../helpers/raw-server';
import { withTimeout } from '../helpers/wait';

type Report =
  | { kind: 'ready'; hello: ConnectionStatus | undefined }
  | { kind: 'frame'; frame: ServerFrame }
  | { kind: 'closed'; why: Reason; wasReady: boolean }
  | { kind: 'problem'; why: Reason };

/** The host: every report in order, and a way to await the next one of a kind. */
class RecordingHost {
  readonly reports: Report[] = [];
  private waiters: Array<{ test: (r: Report) => boolean; resolve: (r: Report) => void }> = [];

  ready(hello: ConnectionStatus | undefined): void {
    this.push({ kind: 'ready', hello });
  }
  frame(frame: ServerFrame): void {
    this.push({ kind: 'frame', frame });
  }
  closed(why: Reason, wasReady: boolean): void {
    this.push({ kind: 'closed', why, wasReady });
  }
  problem(why: Reason): void {
    this.push({ kind: 'problem', why });
  }

  of<K extends Report['kind']>(kind: K): Array<Extract<Report, { kind: K }>> {
    return this.reports.filter((r): r is Extract<Report, { kind: K }> => r.kind === kind);
  }

  /** The first report of `kind` that satisfies `match` (one already made counts). */
  next<K extends Report['kind']>(
    kind: K,
    match: (r: Extract<Report, { kind: K }>) => boolean = () => true,
    ms = 5_000,
  ): Promise<Extract<Report, { kind: K }>> {
    const had = this.of(kind).find(match);
    if (had) return Promise.resolve(had);
    const p = new Promise<Report>((resolve) =>
      this.waiters.push({ test: (r) => r.kind === kind && match(r as Extract<Report, { kind: K }>), resolve }),
    );
    return withTimeout(p, ms, `a "${kind}" report`) as Promise<Extract<Report, { kind: K }>>;
  }

  private push(r: Report): void {
    this.reports.push(r);
    const ready = this.waiters.filter((w) => w.test(r));
    this.waiters = this.waiters.filter((w) => !w.test(r));
    for (const w of ready) w.resolve(r);
  }
}

const options: TransportOptions = {
  heartbeatMs: 30_000,
  heartbeatTimeoutMs: 10_000,
  helloTimeoutMs: 3_000,
  handshakeTimeoutMs: 5_000,
  compression: 'off',
  maxInboundBytes: 64 * 1024,
};

const helloFrame = (features: string[]) => JSON.stringify({ type: 'connection_status', status: 'connected', user_id: 'alice', features });

function setup(
  t: import('node:test').TestContext,
  srv: RawServer,
  extra: Partial<TransportOptions> = {},
  factory: SocketFactory = wsSocketFactory,
) {
  const clock = new ManualClock();
  const host = new RecordingHost();
  const transport = new Transport({ clock, socketFactory: factory, options: { ...options, ...extra }, host });
  t.after(async () => {
    transport.close(1000, 'test over');
    transport.stopHeartbeat();
    await srv.close();
  });
  return { clock, host, transport };
}

/** The next text a server socket receives. */
function received(ws: WebSocket, ms = 5_000): Promise<{ data: Buffer; isBinary: boolean }> {
  return withTimeout(
    new Promise((resolve) => ws.once('message', (data, isBinary) => resolve({ data: data as Buffer, isBinary }))),
    ms,
    'a frame at the server',
  );
}

test('hello: frames before it go to the host, then ready with the announced features', async (t) => {
  const srv = await rawServer((ws) => ws.send(helloFrame(['ack', 'seq'])));
  const { host, transport } = setup(t, srv);
  assert.equal(transport.open(srv.url), undefined);
  assert.equal(transport.active, true);
  const ready = await host.next('ready');
  assert.equal(ready.hello?.user_id, 'alice');
  assert.deepEqual(
    host.reports.map((r) => r.kind),
    ['frame', 'ready'],
  );
  assert.equal(transport.isReady, true);
  assert.deepEqual(transport.info().features.sort(), ['ack', 'seq']);
});

test('a server that never says hello: ready(undefined) once the hello timeout passes, not before', async (t) => {
  // A frame that is not the hello: it arrives after `open`, where the hello timer starts.
  const srv = await rawServer((ws) => ws.send(JSON.stringify({ type: 'pong', timestamp: '2026-01-01T00:00:00Z' })));
  const { clock, host, transport } = setup(t, srv);
  transport.open(srv.url);
  await host.next('frame');
  clock.advance(options.helloTimeoutMs - 1);
  assert.equal(host.of('ready').length, 0);
  clock.advance(1);
  const ready = await host.next('ready');
  assert.equal(ready.hello, undefined);
  assert.equal(transport.helloDone, true);
});

test('a malformed frame is a problem, not the end: the next good frame still arrives', async (t) => {
  const srv = await rawServer((ws) => {
    ws.send(helloFrame([]));
    ws.send('{"type":');
    ws.send(JSON.stringify({ type: 'pong', timestamp: '2026-01-01T00:00:00Z' }));
  });
  const { host, transport } = setup(t, srv);
  transport.open(srv.url);
  await host.next('frame', (r) => r.frame.type === 'pong');
  const problems = host.of('problem');
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.why.code, 'BAD_FRAME');
  assert.equal(host.of('closed').length, 0);
  assert.equal(transport.isReady, true);
});

test('close() on purpose: the server sees our code, and no closed report follows', async (t) => {
  let serverSocket: WebSocket | undefined;
  const srv = await rawServer((ws) => {
    serverSocket = ws;
    ws.send(helloFrame([]));
  });
  const { host, transport } = setup(t, srv);
  transport.open(srv.url);
  await host.next('ready');
  const closedAtServer = withTimeout(
    new Promise<number>((r) => serverSocket!.once('close', (code) => r(code))),
    5_000,
    'the close at the server',
  );
  transport.close(1000, 'stop');
  assert.equal(await closedAtServer, 1000);
  assert.equal(transport.active, false);
  assert.equal(host.of('closed').length, 0);
});

test('the server closes with 4001: closed(AUTH_FAILED) after ready; an HTTP 401 upgrade: closed before ready', async (t) => {
  const srv = await rawServer((ws) => {
    ws.send(helloFrame([]));
    ws.close(4001, 'bad token');
  });
  const { host, transport } = setup(t, srv);
  transport.open(srv.url);
  const closed = await host.next('closed');
  assert.equal(closed.why.code, 'AUTH_FAILED');
  assert.equal(closed.wasReady, true);
  assert.equal(transport.active, false);

  const refusing = await rawServer(() => undefined);
  refusing.wss.options.verifyClient = (_info: unknown, cb: (ok: boolean, code?: number) => void) => cb(false, 401);
  const second = setup(t, refusing);
  second.transport.open(refusing.url);
  const refused = await second.host.next('closed');
  assert.equal(refused.why.code, 'AUTH_FAILED');
  assert.match(refused.why.detail ?? '', /HTTP 401/);
  assert.equal(refused.wasReady, false);
  assert.equal(second.host.of('ready').length, 0);
});

test('a factory that throws (a malformed URL) returns the reason and opens nothing', async (t) => {
  const srv = await rawServer(() => undefined);
  const throwing: SocketFactory = () => {
    throw new SyntaxError('Invalid URL: ws//nope');
  };
  const { host, transport } = setup(t, srv, {}, throwing);
  const why = transport.open('ws//nope');
  assert.ok(why, 'a reason');
  assert.equal(transport.active, false);
  assert.equal(host.reports.length, 0);
});

test('no pong within the timeout: closed(HEARTBEAT_TIMEOUT), counted from the clock, not from real time', async (t) => {
  const srv = await rawServer((ws) => ws.send(helloFrame([])), { autoPong: false });
  const { clock, host, transport } = setup(t, srv);
  transport.open(srv.url);
  await host.next('ready');
  const pinged = withTimeout(new Promise<void>((r) => srv.sockets[0]!.once('ping', () => r())), 5_000, 'a ping');
  clock.advance(options.heartbeatMs);
  await pinged;
  clock.advance(options.heartbeatTimeoutMs - 1);
  assert.equal(host.of('closed').length, 0);
  clock.advance(1);
  const closed = await host.next('closed');
  assert.equal(closed.why.code, 'HEARTBEAT_TIMEOUT');
  assert.equal(closed.wasReady, true);
});

test('zlib: our frames go out as zlib binary; a zlib frame over the inbound cap is dropped with 1009', async (t) => {
  let serverSocket: WebSocket | undefined;
  const srv = await rawServer((ws) => {
    serverSocket = ws;
    ws.send(helloFrame([]));
  });
  const { host, transport } = setup(t, srv, { compression: 'zlib', maxInboundBytes: 4096 });
  transport.open(srv.url);
  await host.next('ready');

  const got = received(serverSocket!);
  transport.write(JSON.stringify({ type: 'ping', timestamp: '2026-01-01T00:00:00Z' }));
  const frame = await got;
  assert.equal(frame.isBinary, true);

  const closedAtServer = withTimeout(
    new Promise<number>((r) => serverSocket!.once('close', (code) => r(code))),
    5_000,
    'the close at the server',
  );
  serverSocket!.send(deflateSync(Buffer.from(JSON.stringify({ type: 'pong', pad: 'x'.repeat(10_000) }))), { binary: true });
  const closed = await host.next('closed');
  assert.equal(closed.why.code, 'FRAME_TOO_LARGE');
  assert.equal(host.of('problem')[0]?.why.code, 'FRAME_TOO_LARGE');
  assert.equal(await closedAtServer, 1009);
});

test('batch: writes of one turn reach a server that announced it as one batch frame, in order', async (t) => {
  let serverSocket: WebSocket | undefined;
  const srv = await rawServer((ws) => {
    serverSocket = ws;
    ws.send(helloFrame(['batch']));
  });
  const { host, transport } = setup(t, srv);
  transport.open(srv.url);
  await host.next('ready');
  const got = received(serverSocket!);
  const texts = [1, 2, 3].map((n) => JSON.stringify({ type: 'chat_message', id: `m${n}`, message: `hi ${n}` }));
  for (const text of texts) transport.write(text);
  const frame = JSON.parse((await got).data.toString('utf8')) as { type: string; messages: Array<{ id: string }> };
  assert.equal(frame.type, 'batch');
  assert.deepEqual(
    frame.messages.map((m) => m.id),
    ['m1', 'm2', 'm3'],
  );
});
