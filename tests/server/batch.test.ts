/**
 * The reference server's side of the `batch` and `zdict1` extensions (docs/PROTOCOL.md):
 * a client's batch is handled message by message exactly as single frames (dedup, order,
 * size and rate limits, a bad message refused with its id and nothing else lost); the
 * server batches only to clients that announced `batch`, and uses the preset dictionary
 * only with clients that announced `zdict1`, so plain peers get what they always got.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync, inflateSync } from 'node:zlib';
import WebSocket from 'ws';
import { ZLIB_DICTIONARY } from '../../protocol/framing';
import { testServer, type TestServer } from '../helpers/server';
import { withTimeout } from '../helpers/wait';

type Frame = Record<string, unknown> & { type: string };

/** A raw client that records every frame as it came (a batch stays one entry) and how it was compressed. */
interface Peer {
  ws: WebSocket;
  frames: Frame[];
  /** For each binary frame: did it use a preset dictionary (zlib FDICT flag)? */
  dictFlags: boolean[];
  /** Every frame with batches unpacked, in order. */
  flat(): Frame[];
  waitFor(check: (flat: Frame[]) => boolean, what: string): Promise<void>;
  closed: Promise<number>;
}

async function peer(srv: TestServer, query: string, token = 'token-alice', perMessageDeflate = false): Promise<Peer> {
  const ws = new WebSocket(`${srv.url}?token=${token}&room=batch${query}`, { perMessageDeflate });
  const frames: Frame[] = [];
  const dictFlags: boolean[] = [];
  const waiters = new Set<() => void>();
  const flat = () => frames.flatMap((f) => (f.type === 'batch' ? (f.messages as Frame[]) : [f]));
  ws.on('message', (data: Buffer, isBinary) => {
    if (isBinary) dictFlags.push((data[1]! & 0x20) !== 0);
    const text = isBinary ? inflateSync(data, { dictionary: ZLIB_DICTIONARY }).toString() : data.toString();
    frames.push(JSON.parse(text));
    for (const w of waiters) w();
  });
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  const p: Peer = {
    ws,
    frames,
    dictFlags,
    flat,
    closed,
    waitFor: (check, what) =>
      withTimeout(
        new Promise<void>((resolve) => {
          const w = () => {
            if (!check(flat())) return;
            waiters.delete(w);
            resolve();
          };
          waiters.add(w);
          w();
        }),
        5000,
        what,
      ),
  };
  await p.waitFor((f) => f.some((x) => x.type === 'connection_status'), 'connection_status');
  return p;
}

const chat = (id: string, message: string) => ({ type: 'chat_message', id, message, timestamp: new Date().toISOString() });
const batch = (...messages: unknown[]) => JSON.stringify({ type: 'batch', messages });

test('a client batch is handled like single frames: acks in order, a duplicate acked again and not broadcast, a bad message refused by id', async (t) => {
  const srv = await testServer();
  t.after(() => srv.stop());
  const batcher = await peer(srv, '&features=batch', 'token-bob');
  // A plain permessage-deflate peer: no features, the ws extension negotiated.
  const plain = await peer(srv, '', 'token-alice', true);
  const sender = await peer(srv, '&features=batch', 'token-bob');
  t.after(() => [batcher, plain, sender].forEach((p) => p.ws.terminate()));
  sender.ws.send(
    batch(
      chat('m1', 'one'),
      chat('m2', 'two'),
      { type: 'chat_message', id: 'bad', message: 42 },
      chat('m1', 'one again'),
      chat('m3', 'three'),
    ),
  );
  await sender.waitFor((f) => f.filter((x) => x.type === 'ack').length === 4 && f.some((x) => x.type === 'error'), 'acks and the error');
  const acks = sender.flat().filter((x) => x.type === 'ack');
  assert.deepEqual(
    acks.map((a) => [a.id, a.seq]),
    [
      ['m1', 1],
      ['m2', 2],
      ['m1', 1],
      ['m3', 3],
    ],
  );
  const err = sender.flat().find((x) => x.type === 'error')!;
  assert.equal(err.id, 'bad');
  assert.equal(err.code, 'bad_frame');
  // The answers to one batch come back as one batch to a client that announced it.
  assert.ok(
    sender.frames.some((f) => f.type === 'batch'),
    'the sender got a batch',
  );
  for (const p of [batcher, plain]) await p.waitFor((f) => f.filter((x) => x.type === 'chat_message').length >= 3, 'three messages');
  const texts = (p: Peer) =>
    p
      .flat()
      .filter((x) => x.type === 'chat_message')
      .map((x) => x.message);
  assert.deepEqual(texts(batcher), ['one', 'two', 'three']);
  assert.deepEqual(texts(plain), ['one', 'two', 'three']);
  assert.ok(
    batcher.frames.some((f) => f.type === 'batch'),
    'the batching member got a batch',
  );
  assert.ok(
    plain.frames.every((f) => f.type !== 'batch'),
    'a client that did not announce batch never gets one',
  );
  assert.match(plain.ws.extensions, /permessage-deflate/);
});

test('a malformed batch gets a clear error, the connection stays, and the next message is stored', async (t) => {
  const srv = await testServer();
  t.after(() => srv.stop());
  const c = await peer(srv, '&features=batch');
  t.after(() => c.ws.terminate());
  c.ws.send(JSON.stringify({ type: 'batch', messages: 'nope' }));
  c.ws.send(batch(chat('n1', 'x'), { type: 'batch', messages: [chat('n2', 'nested')] }, 7));
  c.ws.send(JSON.stringify(chat('after', 'still here')));
  await c.waitFor((f) => f.some((x) => x.type === 'ack' && x.id === 'after'), 'the next message acked');
  const errors = c.flat().filter((x) => x.type === 'error');
  assert.match(String(errors[0]?.message), /batch needs a "messages" list/);
  assert.ok(
    errors.some((e) => /batch inside a batch/.test(String(e.message))),
    'nested batch refused',
  );
  assert.ok(
    errors.some((e) => /not a JSON object/.test(String(e.message))),
    'non-object refused',
  );
  assert.deepEqual(
    c
      .flat()
      .filter((x) => x.type === 'ack')
      .map((a) => a.id),
    ['n1', 'after'],
  );
});

test('limits apply inside a batch: the per-message size, the decompressed frame size, the rate limit per message', async (t) => {
  const srv = await testServer({ rateLimit: { messages: 4, windowMs: 60_000 } });
  t.after(() => srv.stop());
  const c = await peer(srv, '&features=batch');
  t.after(() => c.ws.terminate());
  c.ws.send(batch(chat('s1', 'small'), chat('big', 'x'.repeat(11 * 1024)), chat('s2', 'small too')));
  await c.waitFor((f) => f.filter((x) => x.type === 'ack').length === 2 && f.some((x) => x.type === 'error'), 'two acks, one refusal');
  const tooLarge = c.flat().find((x) => x.type === 'error')!;
  assert.deepEqual([tooLarge.code, tooLarge.id], ['too_large', 'big']);
  // Three frames counted so far; the fourth message is the last the limit allows, the fifth closes 4008.
  c.ws.send(batch(chat('r1', 'a'), chat('r2', 'b')));
  assert.equal(await withTimeout(c.closed, 5000, '4008'), 4008);
  assert.deepEqual(
    c
      .flat()
      .filter((x) => x.type === 'ack')
      .map((a) => a.id),
    ['s1', 's2', 'r1'],
  );

  const z = await peer(srv, '&features=batch', 'token-bob');
  const messages = Array.from({ length: 8 }, (_, i) => chat(`z${i}`, 'y'.repeat(9000)));
  z.ws.send(deflateSync(batch(...messages)), { binary: true });
  assert.equal(await withTimeout(z.closed, 5000, '1009'), 1009, 'a zlib batch over 64 KiB inflated closes 1009');
  assert.equal(z.flat().filter((x) => x.type === 'ack').length, 0);
});

test('zdict1: dictionary frames only to clients that announced it; plain zlib to the rest; dictionary frames from clients accepted', async (t) => {
  const srv = await testServer();
  t.after(() => srv.stop());
  const withDict = await peer(srv, '&compression=zlib&features=zdict1');
  const plainZlib = await peer(srv, '&compression=zlib', 'token-bob');
  t.after(() => [withDict, plainZlib].forEach((p) => p.ws.terminate()));
  withDict.ws.send(deflateSync(JSON.stringify(chat('d1', '字典 dictionary')), { dictionary: ZLIB_DICTIONARY }), { binary: true });
  await withDict.waitFor((f) => f.some((x) => x.type === 'ack' && x.id === 'd1'), 'ack for a dictionary frame');
  await plainZlib.waitFor((f) => f.some((x) => x.type === 'chat_message' && x.id === 'd1'), 'the message');
  assert.ok(withDict.dictFlags.length > 0 && withDict.dictFlags.every(Boolean), 'every frame to the zdict1 client used the dictionary');
  assert.ok(plainZlib.dictFlags.length > 0 && plainZlib.dictFlags.every((d) => !d), 'no dictionary for a client that did not announce it');
  // What the design notes' client does with each binary frame: inflate it, no dictionary.
  const raw: Buffer[] = [];
  plainZlib.ws.on('message', (d: Buffer) => raw.push(d));
  withDict.ws.send(deflateSync(JSON.stringify(chat('d2', 'plain peer'))), { binary: true });
  await plainZlib.waitFor((f) => f.some((x) => x.id === 'd2'), 'second message');
  assert.equal(JSON.parse(inflateSync(raw.at(-1)!).toString()).message, 'plain peer');
});

test('batches to a permessage-deflate client that announced batch are zlib binary frames made by the server (dictionary only with zdict1); single frames stay text', async (t) => {
  const srv = await testServer();
  t.after(() => srv.stop());
  const withDict = await peer(srv, '&features=batch,zdict1', 'token-alice', true);
  const noDict = await peer(srv, '&features=batch', 'token-alice', true);
  const sender = await peer(srv, '', 'token-bob');
  t.after(() => [withDict, noDict, sender].forEach((p) => p.ws.terminate()));
  assert.match(withDict.ws.extensions, /permessage-deflate/);
  assert.equal(withDict.dictFlags.length, 0, 'the greeting alone is a text frame');
  // Long enough for a batch of 1 KiB and more: smaller batches go as text (framing.ts frameEncoder).
  const texts = ['一', '二', '三'].map((c) => c.repeat(400));
  sender.ws.send(batch(chat('p1', texts[0]!), chat('p2', texts[1]!), chat('p3', texts[2]!)));
  for (const p of [withDict, noDict]) await p.waitFor((f) => f.filter((x) => x.type === 'chat_message').length === 3, 'three messages');
  for (const p of [withDict, noDict])
    assert.deepEqual(
      p
        .flat()
        .filter((x) => x.type === 'chat_message')
        .map((x) => x.message),
      texts,
    );
  assert.deepEqual(withDict.dictFlags, [true], 'one zlib batch, with the dictionary');
  assert.deepEqual(noDict.dictFlags, [false], 'one zlib batch, plain zlib');
  sender.ws.send(JSON.stringify(chat('p4', 'alone')));
  await withDict.waitFor((f) => f.some((x) => x.id === 'p4'), 'a lone message');
  assert.equal(withDict.dictFlags.length, 1, 'a lone message is a text frame (ws compresses it from 1 KiB)');
});
