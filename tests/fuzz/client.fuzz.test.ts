/**
 * Property-based fuzzing of ChatClient against a raw WebSocket server that sends
 * hostile frames, in every compression mode (deflate | zlib | off): malformed and
 * wrong-shaped JSON, invalid UTF-8 (as text frames and inside zlib), oversized
 * text, deep nesting, unknown types, random binary, gzip/raw deflate, truncated
 * zlib, zip bombs (zlib binary and permessage-deflate).
 *
 * For every case: no uncaught exception or unhandled rejection; every status is a
 * valid state reached by a valid transition; every refused frame leaves a clear
 * trace (a 'problem' BAD_FRAME / FRAME_TOO_LARGE, or a reconnect whose reason is
 * logged); and a normal message sent afterwards is still delivered.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { deflateSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ReasonCode } from '../../electron/common/errors';
import type { ConnectionKind, Status } from '../../electron/common/state';
import { ChatClient, type LogLine } from '../../electron/core/connection/client';
import { until, withTimeout } from '../helpers/wait';
import {
  binaryFrame,
  checkAsync,
  hostileText,
  installTraps,
  KNOWN_SERVER_TYPES,
  printSummary,
  runs,
  wrongShape,
  type BinaryKind,
} from './fuzz-kit';

const traps = installTraps();
after(() => {
  traps.remove();
  printSummary('client');
});

const CAP = 32 * 1024; // the client's maxInboundBytes in this test: small, so oversize cases are cheap

type Mode = 'deflate' | 'zlib' | 'off';

type Payload =
  | { kind: 'text'; text: string }
  | { kind: 'binary'; bin: BinaryKind; bytes: Buffer }
  | { kind: 'invalid-utf8-text'; bytes: Buffer }
  | { kind: 'oversized-text'; size: number }
  | { kind: 'pmd-bomb'; size: number };

const payload: fc.Arbitrary<Payload> = fc.oneof(
  { weight: 4, arbitrary: hostileText([...KNOWN_SERVER_TYPES], 14_000).map((text) => ({ kind: 'text' as const, text })) },
  { weight: 3, arbitrary: wrongShape([...KNOWN_SERVER_TYPES]).map((o) => ({ kind: 'text' as const, text: JSON.stringify(o) })) },
  {
    weight: 3,
    arbitrary: binaryFrame([...KNOWN_SERVER_TYPES], [CAP + 1, 100_000, 10_000_000]).map((b) => ({
      kind: 'binary' as const,
      bin: b.kind,
      bytes: b.bytes,
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(Buffer.from([0xff, 0xfe]), Buffer.from('{"type":"pong","x":"\xc0\xaf"}', 'latin1'), Buffer.from([0xed, 0xa0, 0x80]))
      .map((bytes) => ({ kind: 'invalid-utf8-text' as const, bytes })),
  },
  { weight: 1, arbitrary: fc.integer({ min: CAP + 1, max: 300_000 }).map((size) => ({ kind: 'oversized-text' as const, size })) },
  { weight: 1, arbitrary: fc.constantFrom(CAP + 1, 1_000_000, 8_000_000).map((size) => ({ kind: 'pmd-bomb' as const, size })) },
);

/** A burst of 1–4 hostile frames, sent back to back. */
const burst = fc.array(payload, { minLength: 1, maxLength: 4 });

const VALID_NEXT: Record<ConnectionKind, ConnectionKind[]> = {
  connecting: ['connecting', 'connected', 'reconnecting'],
  connected: ['connected', 'reconnecting'],
  reconnecting: ['reconnecting', 'connecting'],
  offline: [],
  'auth-failed': [],
  disconnected: ['connecting'],
};

interface Harness {
  mode: Mode;
  client: ChatClient;
  current(): WebSocket | undefined;
  sendSentinel(id: string, text: string): void;
  statuses: Status[];
  problems: Array<{ code: ReasonCode; detail?: string }>;
  logs: LogLine[];
  frames: number;
  connections: number;
  close(): Promise<void>;
}

async function harness(mode: Mode): Promise<Harness> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    perMessageDeflate: mode === 'deflate' ? { threshold: 0 } : false,
    maxPayload: 64 * 1024 * 1024,
  });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws/chat/`;
  let current: WebSocket | undefined;
  let sentinel: string | undefined;
  let connections = 0;
  const sendFrame = (ws: WebSocket, text: string) => {
    if (mode === 'zlib') ws.send(deflateSync(Buffer.from(text)), { binary: true });
    else ws.send(text);
  };
  wss.on('connection', (ws) => {
    connections += 1;
    current = ws;
    ws.on('error', () => undefined);
    sendFrame(ws, JSON.stringify({ type: 'connection_status', status: 'connected', user_id: 'fuzzer', features: ['ack', 'seq'] }));
    if (sentinel) sendFrame(ws, sentinel);
  });
  const client = new ChatClient({
    config: {
      url,
      token: 'fuzz-token',
      compression: mode,
      maxInboundBytes: CAP,
      helloTimeoutMs: 500,
      handshakeTimeoutMs: 3_000,
      backoff: { baseMs: 5, capMs: 20, rateLimitedMs: 20, tlsMs: 20 },
    },
    random: () => 0.5,
  });
  const h: Harness = {
    mode,
    client,
    current: () => current,
    sendSentinel(id, text) {
      sentinel = JSON.stringify({ type: 'chat_message', id, user: 'server-side', message: text });
      if (current && current.readyState === current.OPEN) sendFrame(current, sentinel);
    },
    statuses: [],
    problems: [],
    logs: [],
    frames: 0,
    get connections() {
      return connections;
    },
    async close() {
      await client.stop();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
  client.on('status', (s) => h.statuses.push(s));
  client.on('problem', (p) => h.problems.push(p));
  client.on('log', (l) => h.logs.push(l));
  client.on('frame', () => (h.frames += 1));
  return h;
}

function sendPayload(ws: WebSocket, p: Payload, mode: Mode): void {
  switch (p.kind) {
    case 'text':
      ws.send(p.text, { compress: mode === 'deflate' });
      break;
    case 'binary':
      ws.send(p.bytes, { binary: true, compress: false });
      break;
    case 'invalid-utf8-text':
      ws.send(p.bytes, { binary: false, compress: false });
      break;
    case 'oversized-text':
      ws.send('x'.repeat(p.size), { compress: false });
      break;
    case 'pmd-bomb':
      // With permessage-deflate this is a few KB on the wire that inflates past the cap; otherwise just a big frame.
      ws.send('a'.repeat(p.size), { compress: mode === 'deflate' });
      break;
  }
}

/** What the first frame of a burst must leave behind (later ones may land on a socket already being dropped). */
function expectTrace(h: Harness, p: Payload, before: { problems: number; frames: number; statuses: number }): void {
  const problems = h.problems.slice(before.problems).map((x) => x.code);
  const statuses = h.statuses.slice(before.statuses);
  const droppedWith = (code: ReasonCode) =>
    statuses.some((s) => s.connection.kind === 'reconnecting' && s.connection.reason.code === code) &&
    h.logs.some((l) => l.message.includes(`connection closed: ${code}`));
  const frames = h.frames - before.frames;
  const what = `${p.kind}${p.kind === 'binary' ? `/${p.bin}` : ''}`;
  switch (p.kind) {
    case 'text':
      if (Buffer.byteLength(p.text) > CAP) assert.ok(droppedWith('FRAME_TOO_LARGE'), `${what}: over the cap → FRAME_TOO_LARGE`);
      else assert.ok(frames > 0 || problems.includes('BAD_FRAME'), `${what}: decoded or BAD_FRAME (problems ${problems})`);
      break;
    case 'binary':
      if (p.bin === 'bomb') {
        assert.ok(problems.includes('FRAME_TOO_LARGE'), `${what}: zip bomb → problem FRAME_TOO_LARGE (problems ${problems})`);
        assert.ok(droppedWith('FRAME_TOO_LARGE'), `${what}: and the connection is replaced`);
      } else {
        assert.ok(frames > 0 || problems.includes('BAD_FRAME'), `${what}: decoded or BAD_FRAME (problems ${problems})`);
      }
      break;
    case 'invalid-utf8-text':
      // ws refuses a text frame that is not UTF-8 (close 1007): the reconnect and its reason are logged.
      assert.ok(
        statuses.some((s) => s.connection.kind === 'reconnecting') &&
          h.logs.some((l) => /connection closed: \w+ \(.*(UTF-8|1007)/i.test(l.message)),
        `${what}: reconnect with a logged reason`,
      );
      break;
    case 'oversized-text':
    case 'pmd-bomb':
      assert.ok(droppedWith('FRAME_TOO_LARGE'), `${what}: over the cap → FRAME_TOO_LARGE`);
      break;
  }
}

function checkTransitions(statuses: Status[], from: ConnectionKind): ConnectionKind {
  let prev = from;
  for (const s of statuses) {
    const k = s.connection.kind;
    assert.ok(VALID_NEXT[prev].includes(k), `invalid transition ${prev} → ${k}`);
    prev = k;
  }
  return prev;
}

for (const mode of ['off', 'zlib', 'deflate'] as const) {
  test(`ChatClient (${mode}) survives hostile frames, stays consistent and still delivers`, async (t) => {
    const h = await harness(mode);
    t.after(() => h.close());
    await h.client.start();
    await until(h.client, () => h.client.status().connection.kind === 'connected', 5_000, 'first connect');
    let lastKind: ConnectionKind = 'connected';
    let seen = h.statuses.length;
    let n = 0;
    await checkAsync(
      `client(${mode})/hostile-bursts`,
      burst,
      async (frames) => {
        n += 1;
        const ws = h.current();
        assert.ok(ws && ws.readyState === ws.OPEN, 'server side socket open before the case');
        const before = { problems: h.problems.length, frames: h.frames, statuses: h.statuses.length };
        for (const p of frames) sendPayload(ws, p, mode);
        const id = `sentinel-${mode}-${n}`;
        h.sendSentinel(id, `still alive ${n}`);
        await until(
          h.client,
          () => h.client.status().connection.kind === 'connected' && h.client.snapshot().entries.some((e) => e.key === id),
          5_000,
          `sentinel ${id} after ${frames.map((f) => f.kind).join(',')}`,
        );
        expectTrace(h, frames[0]!, before);
        lastKind = checkTransitions(h.statuses.slice(seen), lastKind);
        seen = h.statuses.length;
        traps.assertQuiet();
      },
      runs(200),
    );
    // Every problem is one of the two inbound codes (or REJECTED for a well-formed server error frame).
    const codes = new Set(h.problems.map((p) => p.code));
    for (const c of codes) assert.ok(['BAD_FRAME', 'FRAME_TOO_LARGE', 'REJECTED', 'TOO_LARGE'].includes(c), `problem code ${c}`);
    assert.ok(codes.has('BAD_FRAME'), 'BAD_FRAME was reported');
    assert.ok(codes.has('FRAME_TOO_LARGE'), 'FRAME_TOO_LARGE was reported');
    process.stdout.write(
      `# fuzz: client(${mode}): ${h.problems.length} problems (${[...codes].map((c) => `${c} ${h.problems.filter((p) => p.code === c).length}`).join(', ')}), ${h.connections} connections, ${h.frames} frames decoded\n`,
    );
    // Still a working client in the other direction too: a message from us reaches the server.
    const got = new Promise<Buffer>((resolve) => h.current()!.once('message', (d) => resolve(d as Buffer)));
    const sent = await h.client.send('outbound after fuzzing');
    assert.ok(sent.ok);
    const wire = await withTimeout(got, 5_000, 'the outbound message');
    const text = (mode === 'zlib' ? inflateSync(wire) : wire).toString('utf8');
    assert.match(text, /outbound after fuzzing/);
    // The token is never in a log line, whatever the server sent.
    assert.ok(!h.logs.some((l) => l.message.includes('fuzz-token')), 'token in a log line');
    traps.assertQuiet();
  });
}

test('regression: out-of-range timestamps and a deeply nested type from the server are reported, not thrown', async (t) => {
  const h = await harness('off');
  t.after(() => h.close());
  await h.client.start();
  await until(h.client, () => h.client.status().connection.kind === 'connected', 5_000, 'connect');
  const ws = h.current()!;
  ws.send(JSON.stringify({ type: 'chat_message', id: 'ts', message: 'far future', timestamp: 1e20 }));
  ws.send(`{"type":${'['.repeat(12_000)}${']'.repeat(12_000)}}`);
  h.sendSentinel('after-regression', 'ok');
  await until(h.client, () => h.client.snapshot().entries.some((e) => e.key === 'after-regression'), 5_000, 'sentinel');
  const far = h.client.snapshot().entries.find((e) => e.key === 'ts');
  assert.ok(far && far.kind === 'message' && !Number.isNaN(Date.parse(far.timestamp)), 'a valid local timestamp replaces the bad one');
  assert.ok(h.problems.some((p) => p.code === 'BAD_FRAME' && /UNKNOWN_TYPE/.test(p.detail ?? '')));
  assert.equal(h.client.status().connection.kind, 'connected');
  traps.assertQuiet();
});
