/**
 * Hostile files and requests against the files endpoint (server/files-http.ts): each is refused
 * or made harmless, and the server keeps serving others. A decompression-bomb PNG is not an
 * image (no dimensions, plain bytes); an SVG with script and HTML named `.png` are text, served
 * as attachments with nosniff and a sandbox; a huge claimed Content-Length is refused unread; a
 * slow drip is cut at the chunk's time limit, keeping what came; a full disk is said in words.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { deflateSync } from 'node:zlib';
import { conversationPeer } from '../helpers/conversation-peer';
import { THREE } from '../helpers/conversation-stores';
import { createUpload, download, filesBase, sendChunk, sha256, uploadFile, uploadState } from '../helpers/file-http';
import { testServer } from '../helpers/server';
import { withTimeout } from '../helpers/wait';
import { defaultServerOptions, type ServerOptions } from '../../server/server';

async function setUp(t: { after(fn: () => Promise<void> | void): void }, extra: Partial<ServerOptions> = {}) {
  const srv = await testServer({ tokens: THREE, ...extra });
  t.after(() => srv.stop());
  const alice = await conversationPeer(srv.url, 'token-alice', { features: 'conversations' });
  t.after(() => alice.close());
  const conv = (await alice.request({ type: 'create', name: 'files', kind: 'private', members: ['bob'] })).conversation.id as string;
  return { srv, base: filesBase(srv.url), conv };
}

/** A PNG whose header says 10,000 × 10,000 and whose data inflates to 100 MB of zeros (a few hundred KB sent). */
function bombPng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    return Buffer.concat([len, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(10_000, 0);
  ihdr.writeUInt32BE(10_000, 4);
  ihdr[8] = 8; // bit depth; colour type 0 (grey)
  const rows = deflateSync(Buffer.alloc(10_001 * 10_000), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', rows),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('a bomb PNG, an SVG with script and HTML named .png are plain bytes or text, served as attachments', async (t) => {
  const { base, conv } = await setUp(t);
  const bomb = bombPng();
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>');
  const html = Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>');
  const a = await uploadFile(base, 'token-alice', conv, 'bomb.png', bomb);
  const b = await uploadFile(base, 'token-alice', conv, 'logo.svg', svg);
  const c = await uploadFile(base, 'token-alice', conv, 'photo.png', html);
  assert.deepEqual([a.type, a.width, a.height], ['application/octet-stream', undefined, undefined], 'the bomb is no image');
  assert.equal(b.type, 'text/plain; charset=utf-8', 'an SVG is never served as an image');
  assert.equal(c.type, 'text/plain; charset=utf-8', 'the content decides, not the name');
  for (const [att, bytes] of [
    [a, bomb],
    [b, svg],
    [c, html],
  ] as const) {
    const d = await download(base, 'token-alice', `/files/${att.id}`);
    assert.equal(sha256(d.bytes), sha256(bytes));
    assert.equal(d.headers['content-type'], att.type);
    assert.equal(d.headers['x-content-type-options'], 'nosniff');
    assert.match(String(d.headers['content-disposition']), /^attachment;/);
    assert.equal(d.headers['content-security-policy'], "default-src 'none'; sandbox");
  }
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    bomb.subarray(8, 16),
    Buffer.from([0, 0, 2, 0, 0, 0, 1, 44]),
  ]);
  const small = await uploadFile(base, 'token-alice', conv, 'small', png);
  assert.deepEqual([small.type, small.width, small.height], ['image/png', 512, 300], 'a plain image keeps its size');
  const range = await download(base, 'token-alice', `/files/${small.id}`, { range: 'bytes=8-15' });
  assert.equal(range.status, 206);
  assert.deepEqual(range.bytes, png.subarray(8, 16), 'a range is those bytes');
});

/** Sends raw bytes on a fresh connection; resolves with what the server said before closing, within 10 s. */
function raw(base: string, head: string, body = Buffer.alloc(0)): { sent: Promise<void>; answer: Promise<string>; destroy(): void } {
  const { hostname, port } = new URL(base);
  const socket = connect(Number(port), hostname);
  const parts: Buffer[] = [];
  const answer = withTimeout(
    new Promise<string>((resolve) => {
      socket.on('data', (c: Buffer) => parts.push(c));
      socket.on('close', () => resolve(Buffer.concat(parts).toString('latin1')));
      socket.on('error', () => undefined);
    }),
    10_000,
    'the server to answer and close',
  );
  const sent = new Promise<void>((resolve) => socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]), () => resolve()));
  return { sent, answer, destroy: () => socket.destroy() };
}

test('a huge claimed Content-Length is refused unread; a slow drip is cut at the time limit, keeping its bytes; others go on', async (t) => {
  const { base, conv } = await setUp(t, { files: { ...defaultServerOptions.files, chunkTimeoutMs: 500 } });
  const bytes = randomBytes(1000);
  const created = await createUpload(base, 'token-alice', { conv, name: 'drip', size: 1000, sha256: sha256(bytes) });
  const id = created.body.upload.upload as string;
  const patch = (length: number) =>
    `PATCH /files/uploads/${id} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer token-alice\r\nUpload-Offset: 0\r\nContent-Length: ${length}\r\n\r\n`;

  const huge = raw(base, patch(1e12));
  const said = await huge.answer;
  assert.match(said, /^HTTP\/1\.1 413 /);
  assert.match(said, /connection: close/i);
  assert.match(said, /A chunk may carry up to 8 MB/);

  const drip = raw(base, patch(1000), bytes.subarray(0, 10));
  await drip.sent;
  // While it drips, another user's upload goes through.
  const other = await uploadFile(base, 'token-bob', conv, 'other.txt', Buffer.from('still here'));
  assert.equal(other.size, 10);
  await drip.answer; // cut by the server (the client never sends the rest)
  const state = await uploadState(base, 'token-alice', id);
  assert.equal(state.body.upload.offset, 10, 'the bytes that came are kept; the client goes on from there');
});

test('a full disk: refused in words before any byte is taken (a real 2 MB tmpfs as the data dir)', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    t.skip(`cannot mount a tmpfs here (needs root): ${(err as Error).message.split('\n')[0]}`);
    return;
  }
  const unmount = () => {
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  };
  const dataDir = path.join(dir, 'data');
  mkdirSync(dataDir);
  const up = await setUp(t, { dataDir, files: { ...defaultServerOptions.files, minFreeBytes: 0 } }).catch((err: Error) => {
    unmount();
    throw err;
  });
  t.after(unmount); // after hooks run in order: the server (set up above) stops first
  const { base, conv } = up;
  const big = randomBytes(3 * 1024 * 1024);
  const refused = await createUpload(base, 'token-alice', { conv, name: 'big.bin', size: big.length, sha256: sha256(big) });
  assert.equal(refused.status, 507);
  assert.equal(refused.body.error.code, 'disk_full');
  assert.equal(refused.body.error.message, 'The server is out of disk space; try again later or ask its administrator.');
  const fits = await uploadFile(base, 'token-alice', conv, 'fits.bin', randomBytes(100_000));
  assert.equal(fits.size, 100_000, 'what fits is still taken');
});

test('a chunk stalled on a dead connection is cut when its owner sends again: the new one goes on at once', async (t) => {
  const { base, conv } = await setUp(t); // the default 60 s chunk limit: only the new chunk can end the stall in time
  const bytes = randomBytes(1000);
  const created = await createUpload(base, 'token-alice', { conv, name: 'stall', size: 1000, sha256: sha256(bytes) });
  const id = created.body.upload.upload as string;
  const head = `PATCH /files/uploads/${id} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer token-alice\r\nUpload-Offset: 0\r\nContent-Length: 1000\r\n\r\n`;
  const stalled = raw(base, head, bytes.subarray(0, 10));
  t.after(() => stalled.destroy());
  await stalled.sent;
  for (let i = 0; i < 100 && (await uploadState(base, 'token-alice', id)).body.upload.offset < 10; i++)
    await new Promise((r) => setTimeout(r, 50));
  const done = await sendChunk(base, 'token-alice', id, 10, bytes.subarray(10));
  assert.equal(done.status, 201, JSON.stringify(done.body));
  assert.equal(sha256((await download(base, 'token-alice', `/files/${done.body.attachment.id}`)).bytes), sha256(bytes));
  const taken = await sendChunk(base, 'token-bob', id, 0, Buffer.from('x'));
  assert.equal(taken.status, 404, 'another user cannot touch (or cut) an upload');
});
