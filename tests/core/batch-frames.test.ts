/**
 * The client's side of the `batch` and `zdict1` extensions (docs/PROTOCOL.md), against
 * scriptable peers: the outbox drain goes out as batches only to a server that announced
 * `batch`; a server's batch is deduplicated and ordered like single frames, a bad message
 * in it reported and the rest kept; the inbound size cap applies to the inflated batch;
 * zlib frames use the preset dictionary only with a server that announced `zdict1`, and
 * a design-notes peer (no features) inflates every frame with plain zlib.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync, inflateSync } from 'node:zlib';
import type { WebSocket } from 'ws';
import { ChatClient, type ClientConfig } from '../../electron/core/connection/client';
import { MemoryOutboxStore } from '../../electron/core/store/outbox';
import type { MessageEntry } from '../../electron/common/contract';
import type { Reason } from '../../electron/common/errors';
import fc from 'fast-check';
import { decodeClientFrames, decodeServerFrame, decodeServerFrames } from '../../protocol/codec';
import { batchTexts, BATCH_MAX_BYTES, FrameBatcher, ZLIB_DICTIONARY, type OutboundFrame } from '../../protocol/framing';
import { check, hostileValue, KNOWN_CLIENT_TYPES, KNOWN_SERVER_TYPES, runs, wrongShape } from '../fuzz/fuzz-kit';
import { rawServer } from '../helpers/raw-server';
import { stateIs, until } from '../helpers/wait';

const fast: Partial<ClientConfig> = { backoff: { baseMs: 20, capMs: 200, rateLimitedMs: 500, tlsMs: 500 }, helloTimeoutMs: 500 };
const messages = (c: ChatClient) => c.snapshot().entries.filter((e): e is MessageEntry => e.kind === 'message');

function client(url: string, extra: Partial<ClientConfig> = {}): ChatClient {
  return new ChatClient({ config: { url, token: 'tok', ...fast, ...extra }, outboxStore: new MemoryOutboxStore() });
}

/** What a peer got: each frame's text (inflated when binary, with the dictionary), and whether it used one. */
interface Got {
  texts: string[];
  dict: boolean[];
  urls: string[];
}

/** A peer that greets with `features`, acks every chat message (one frame per ack) and records what came. */
async function ackingPeer(features: string[] | undefined, zlib = false, perMessageDeflate = false) {
  const got: Got = { texts: [], dict: [], urls: [] };
  const send = (ws: WebSocket, frame: object) =>
    zlib ? ws.send(deflateSync(JSON.stringify(frame)), { binary: true }) : ws.send(JSON.stringify(frame));
  let seq = 0;
  const srv = await rawServer(
    (ws) => {
      send(ws, { type: 'connection_status', status: 'connected', ...(features ? { features } : {}) });
      ws.on('message', (data: Buffer, isBinary) => {
        if (isBinary) got.dict.push((data[1]! & 0x20) !== 0);
        const text = isBinary ? inflateSync(data, { dictionary: ZLIB_DICTIONARY }).toString() : data.toString();
        got.texts.push(text);
        const f = JSON.parse(text);
        for (const m of f.type === 'batch' ? f.messages : [f])
          if (m.type === 'chat_message') send(ws, { type: 'ack', id: m.id, seq: ++seq });
      });
    },
    { perMessageDeflate },
  );
  srv.wss.on('connection', (_ws, req) => got.urls.push(req.url ?? ''));
  return { srv, got };
}

test('batchTexts: one frame alone as itself, several as one batch, split by the byte limit, order kept', () => {
  assert.deepEqual(batchTexts(['{"a":1}']), ['{"a":1}']);
  assert.deepEqual(batchTexts(['{"a":1}', '{"b":2}']), ['{"type":"batch","messages":[{"a":1},{"b":2}]}']);
  const big = `{"m":"${'x'.repeat(BATCH_MAX_BYTES / 2)}"}`;
  const out = batchTexts([big, big, big, '{"c":3}']);
  assert.equal(out.length, 3);
  assert.equal(out[0], big);
  assert.equal(out[1], big);
  assert.deepEqual(
    JSON.parse(out[2]!).messages.map((m: { m?: string; c?: number }) => m.c ?? m.m!.length),
    [BATCH_MAX_BYTES / 2, 3],
  );
  assert.ok(out.every((o) => Buffer.byteLength(o) <= BATCH_MAX_BYTES + 64 || !o.startsWith('{"type":"batch"')));
});

test('FrameBatcher: what is pushed in one turn goes out as one frame at its end; every done callback is called', async () => {
  const sent: string[] = [];
  const b = new FrameBatcher(
    (f, done) => {
      sent.push(f.data as string);
      done?.();
    },
    (text): OutboundFrame => ({ data: text, binary: false }),
  );
  let dones = 0;
  b.push('{"n":1}', () => dones++);
  b.push('{"n":2}', () => dones++);
  assert.equal(sent.length, 0, 'nothing before the turn ends');
  await Promise.resolve();
  assert.deepEqual(sent, ['{"type":"batch","messages":[{"n":1},{"n":2}]}']);
  assert.equal(dones, 2);
  b.push('{"n":3}');
  b.flush();
  assert.deepEqual(sent.at(-1), '{"n":3}', 'flush sends at once, a lone frame as itself');
});

test('decodeServerFrames: a bad message in a batch costs only itself; nested and oversized batches refused', () => {
  const ok = { type: 'chat_message', message: 'hi', seq: 1 };
  const d = decodeServerFrames(
    JSON.stringify({
      type: 'batch',
      messages: [ok, { type: 'chat_message', id: 'x1', message: 5 }, 'str', { type: 'batch', messages: [] }, { ...ok, seq: 2 }],
    }),
  );
  assert.deepEqual(
    d.frames.map((f) => (f as { seq?: number }).seq),
    [1, 2],
  );
  assert.deepEqual(
    d.errors.map((e) => [e.code, e.id]),
    [
      ['BAD_SHAPE', 'x1'],
      ['NOT_OBJECT', undefined],
      ['BAD_SHAPE', undefined],
    ],
  );
  assert.equal(decodeServerFrames(JSON.stringify({ type: 'batch', messages: Array(501).fill(ok) })).errors[0]?.code, 'BAD_SHAPE');
  assert.equal(decodeServerFrames(JSON.stringify({ type: 'batch', messages: [ok] }), 20).errors[0]?.code, 'FRAME_TOO_LARGE');
});

test('fuzz: batches of hostile frames never throw; every message is a frame or an error, in order, as if it came alone', () => {
  const element = fc.oneof(wrongShape([...KNOWN_SERVER_TYPES, ...KNOWN_CLIENT_TYPES, 'batch']), hostileValue);
  check(
    'batch decode',
    fc.array(element, { maxLength: 40 }),
    (messages) => {
      const text = JSON.stringify({ type: 'batch', messages });
      for (const decode of [decodeServerFrames, (t: string) => decodeClientFrames(t, 1 << 20)]) {
        const d = decode(text);
        assert.equal(d.frames.length + d.errors.length, messages.length);
      }
      // Each good frame is what the single-frame decoder makes of that message on its own.
      const alone = messages
        .map((m) => decodeServerFrame(JSON.stringify(m) ?? 'null'))
        .filter((r) => r.ok && (r.frame.type as string) !== 'batch');
      assert.deepEqual(
        decodeServerFrames(text).frames,
        alone.map((r) => (r.ok ? r.frame : undefined)),
      );
    },
    runs(300),
  );
});

test('the outbox drain goes out in batches to a server that announced batch, one frame per message otherwise', async (t) => {
  for (const features of [['ack', 'batch'], ['ack'], undefined]) {
    const { srv, got } = await ackingPeer(features);
    const c = client(srv.url);
    t.after(async () => {
      await c.stop();
      await srv.close();
    });
    // Queued while offline, so the whole outbox drains in one flush at connect.
    for (let i = 0; i < 20; i++) await c.send(`queued ${i}`);
    await c.start();
    await stateIs(c, 'connected');
    const flat = () =>
      got.texts.flatMap((x) => {
        const f = JSON.parse(x);
        return f.type === 'batch' ? f.messages : [f];
      });
    await until(c, () => c.pendingCount() === 0 && flat().length >= 20, 5000, 'all delivered');
    assert.deepEqual(
      flat().map((f: { message: string }) => f.message),
      Array.from({ length: 20 }, (_, i) => `queued ${i}`),
      `${features}: in order, once`,
    );
    assert.match(got.urls[0]!, /features=batch%2Czdict1/, 'the client announces what it can receive');
    if (features?.includes('batch')) assert.ok(got.texts.length < 20 && got.texts.some((x) => x.startsWith('{"type":"batch"')), 'batched');
    else assert.equal(got.texts.length, 20, `${features}: no batch to a server that did not announce it`);
    await c.stop();
    await srv.close();
  }
});

test('deflate mode: the drain goes as zlib binary batches made by the client (dictionary with zdict1), over permessage-deflate', async (t) => {
  const { srv, got } = await ackingPeer(['ack', 'batch', 'zdict1'], false, true);
  const c = client(srv.url, { compression: 'deflate' });
  t.after(async () => {
    await c.stop();
    await srv.close();
  });
  for (let i = 0; i < 20; i++) await c.send(`deflated ${i}`);
  await c.start();
  await stateIs(c, 'connected');
  await until(c, () => c.pendingCount() === 0, 5000, 'all acked');
  assert.match(c.diagnostics().extensions, /permessage-deflate/);
  assert.ok(got.dict.length >= 1 && got.dict.every(Boolean), 'batches are binary zlib frames with the dictionary');
  assert.equal(got.dict.length, got.texts.length, 'every frame of the drain was a batch');
  assert.deepEqual(
    got.texts.flatMap((x) => JSON.parse(x).messages.map((m: { message: string }) => m.message)),
    Array.from({ length: 20 }, (_, i) => `deflated ${i}`),
  );
});

test("a server's batch is deduplicated and ordered like single frames; a bad message in it is reported and the rest shown", async (t) => {
  const chat = (seq: number, text: string) => ({ type: 'chat_message', id: `s${seq}`, user: 'bob', message: text, seq });
  const srv = await rawServer((ws) => {
    ws.send(
      JSON.stringify({
        type: 'batch',
        messages: [
          { type: 'connection_status', status: 'connected', features: ['ack', 'seq', 'batch'], seq: 0 },
          chat(1, 'one'),
          chat(2, 'two'),
        ],
      }),
    );
    ws.send(
      JSON.stringify({ type: 'batch', messages: [chat(2, 'two'), chat(1, 'one'), { type: 'chat_message', message: 7 }, chat(3, 'three')] }),
    );
  });
  t.after(() => srv.close());
  const c = client(srv.url);
  t.after(() => c.stop());
  const problems: Reason[] = [];
  c.on('problem', (p) => problems.push(p));
  await c.start();
  await stateIs(c, 'connected');
  await until(c, () => messages(c).some((m) => m.text === 'three') && problems.length > 0, 5000, 'the second batch');
  assert.deepEqual(
    messages(c).map((m) => [m.seq, m.text]),
    [
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ],
  );
  assert.equal(problems[0]!.code, 'BAD_FRAME');
  assert.match(problems[0]!.detail ?? '', /chat_message without a text message/);
});

test('the inbound cap applies to the inflated batch: a zlib batch past it closes 1009 with FRAME_TOO_LARGE', async (t) => {
  let closed!: Promise<number>;
  const one = { type: 'chat_message', user: 'bob', message: 'z'.repeat(8000) };
  const srv = await rawServer((ws) => {
    closed = new Promise((r) => ws.once('close', (code) => r(code)));
    ws.send(JSON.stringify({ type: 'connection_status', status: 'connected', features: ['ack', 'batch'] }));
    ws.send(deflateSync(JSON.stringify({ type: 'batch', messages: Array(40).fill(one) })), { binary: true });
  });
  t.after(() => srv.close());
  const c = client(srv.url, { compression: 'zlib', maxInboundBytes: 64 * 1024 });
  t.after(() => c.stop());
  const problems: Reason[] = [];
  c.on('problem', (p) => problems.push(p));
  await c.start();
  await until(c, () => problems.some((p) => p.code === 'FRAME_TOO_LARGE'), 5000, 'FRAME_TOO_LARGE');
  assert.equal(await closed, 1009);
  assert.equal(messages(c).length, 0);
});

test('zlib: the preset dictionary only with a server that announced zdict1; a design-notes peer gets plain zlib it inflates', async (t) => {
  for (const [features, dict] of [
    [['ack', 'zdict1'], true],
    [['ack'], false],
    [undefined, false],
  ] as const) {
    const { srv, got } = await ackingPeer(features ? [...features] : undefined, true);
    const c = client(srv.url, { compression: 'zlib' });
    await c.start();
    await stateIs(c, 'connected');
    const sent = await c.send('压缩 dictionary test');
    assert.ok(sent.ok);
    await until(c, () => got.texts.length > 0 && (features === undefined || c.pendingCount() === 0), 5000, 'the frame');
    assert.deepEqual(got.dict, [dict], `${features}`);
    assert.equal(JSON.parse(got.texts[0]!).message, '压缩 dictionary test');
    await c.stop();
    await srv.close();
  }
  t.diagnostic('zlib frames: dictionary with zdict1, plain otherwise');
});
