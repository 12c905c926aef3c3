/**
 * Files over HTTP on the chat server's port (server/files-http.ts, feature `files`): byte-exact
 * round trips (0 B, 1 B, 10 MB, a hostile name), a message carrying them, resume from the
 * confirmed offset (also across a restart with a data dir), and a refusal in words for a
 * non-member (by id and by hash), a missing token, a file over the limit, a quota, a wrong hash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { conversationPeer } from '../helpers/conversation-peer';
import { THREE } from '../helpers/conversation-stores';
import { createUpload, download, filesBase, sendChunk, sha256, uploadFile, uploadState } from '../helpers/file-http';
import { runTs, startServerProcess } from '../helpers/proc';
import { testServer, type TestServer } from '../helpers/server';
import type { ServerOptions } from '../../server/server';

async function setUp(t: { after(fn: () => Promise<void> | void): void }, extra: Partial<ServerOptions> = {}) {
  const srv = await testServer({ tokens: THREE, ...extra });
  t.after(() => srv.stop());
  const alice = await conversationPeer(srv.url, 'token-alice', { features: 'conversations' });
  const bob = await conversationPeer(srv.url, 'token-bob', { features: 'conversations' });
  t.after(async () => {
    await alice.close();
    await bob.close();
  });
  const conv = (await alice.request({ type: 'create', name: 'files', kind: 'private', members: ['bob'] })).conversation.id as string;
  await alice.subscribe([{ conv }]);
  await bob.subscribe([{ conv }]);
  return { srv, base: filesBase(srv.url), alice, bob, conv };
}

test('the greeting announces files and the largest file', async (t) => {
  const { alice } = await setUp(t, { files: { ...(await defaults()), maxFileBytes: 12345 } });
  const hello = alice.frames.find((f) => f.type === 'connection_status')!;
  assert.ok(hello.features.includes('files'));
  assert.equal(hello.max_file_bytes, 12345);
});

test('round trips are byte-exact: 0 B, 1 B, 10 MB and a hostile name, posted in a message and fetched by a member', async (t) => {
  const { base, alice, bob, conv } = await setUp(t);
  const files = [
    { name: 'empty.txt', bytes: Buffer.alloc(0) },
    { name: 'one.bin', bytes: Buffer.from([0x42]) },
    { name: 'big.bin', bytes: randomBytes(10 * 1024 * 1024) },
    { name: '报告 (最终) ../../etc/passwd.pdf', bytes: Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(2000)]) },
  ];
  const attachments = [];
  for (const f of files) attachments.push(await uploadFile(base, 'token-alice', conv, f.name, f.bytes));
  assert.deepEqual(
    attachments.map((a) => [a.name, a.size, a.type]),
    [
      ['empty.txt', 0, 'application/octet-stream'],
      ['one.bin', 1, 'text/plain; charset=utf-8'],
      ['big.bin', 10 * 1024 * 1024, 'application/octet-stream'],
      ['passwd.pdf', 2009, 'application/pdf'],
    ],
  );
  alice.ws.send(JSON.stringify({ type: 'chat_message', id: 'm1', conv, message: '四个文件', attachments: attachments.map((a) => a.id) }));
  const ack = await alice.next((f) => f.id === 'm1', 10_000, 'the ack');
  assert.equal(ack.type, 'ack', JSON.stringify(ack));
  const got = await bob.next((f) => f.type === 'chat_message' && f.conv === conv && f.id === 'm1', 10_000, 'the message at bob');
  assert.deepEqual(got.attachments, attachments);

  for (const [i, f] of files.entries()) {
    const d = await download(base, 'token-bob', `/files/${attachments[i].id}`);
    assert.equal(d.status, 200);
    assert.equal(sha256(d.bytes), sha256(f.bytes), `${f.name}: the same bytes`);
    assert.equal(d.headers['x-content-type-options'], 'nosniff');
    assert.match(String(d.headers['content-disposition']), /^attachment; /);
  }
  const hostile = await download(base, 'token-bob', `/files/${attachments[3].id}`);
  assert.equal(
    hostile.headers['content-disposition'],
    `attachment; filename="passwd.pdf"; filename*=UTF-8''passwd.pdf`,
    'no path parts: the last one only',
  );
  const chinese = await uploadFile(base, 'token-alice', conv, '季度报告（最终版）.pdf', Buffer.from('%PDF-1.4\n'));
  const named = await download(base, 'token-alice', `/files/${chinese.id}`);
  assert.equal(
    named.headers['content-disposition'],
    `attachment; filename="_________.pdf"; filename*=UTF-8''${encodeURIComponent('季度报告（最终版）.pdf')}`,
  );
  const byHash = await download(base, 'token-bob', `/files/sha256/${sha256(files[2]!.bytes)}`);
  assert.equal(byHash.status, 200);
  assert.equal(sha256(byHash.bytes), sha256(files[2]!.bytes), 'by hash too');
});

test('privacy: a non-member is refused by id and by hash, alike for a hash nobody has; no token, or one in the URL, is 401', async (t) => {
  const { base, conv } = await setUp(t);
  const bytes = randomBytes(5000);
  const a = await uploadFile(base, 'token-alice', conv, 'secret.bin', bytes);
  const byId = await download(base, 'token-carol', `/files/${a.id}`);
  assert.equal(byId.status, 403);
  assert.match(JSON.parse(byId.bytes.toString()).error.message, /not a member/);
  const byHash = await download(base, 'token-carol', `/files/sha256/${sha256(bytes)}`);
  const unknown = await download(base, 'token-carol', `/files/sha256/${sha256(randomBytes(8))}`);
  assert.equal(byHash.status, 403);
  assert.equal(unknown.status, 403);
  assert.deepEqual(
    JSON.parse(byHash.bytes.toString()),
    JSON.parse(unknown.bytes.toString()),
    'a stored hash and an unknown one look the same',
  );
  assert.equal((await download(base, undefined, `/files/${a.id}`)).status, 401);
  assert.equal((await download(base, undefined, `/files/${a.id}?token=token-alice`)).status, 401, 'a token in the URL is not taken');
  // Uploading into a conversation she is not in, or naming alice's file in a message, is refused too.
  const into = await createUpload(base, 'token-carol', { conv, name: 'x', size: 1, sha256: sha256(Buffer.from('x')) });
  assert.equal(into.status, 403);
  assert.equal((await uploadState(base, 'token-carol', 'u_nope')).status, 404);
});

test("a message may carry only its sender's files uploaded into that conversation: else no_such_file, nothing stored", async (t) => {
  const { base, alice, bob, conv } = await setUp(t);
  const other = (await alice.request({ type: 'create', name: 'elsewhere', kind: 'private', members: ['bob'] })).conversation.id as string;
  await alice.subscribe([{ conv: other }]);
  await bob.subscribe([{ conv: other }]);
  const a = await uploadFile(base, 'token-alice', conv, 'a.txt', Buffer.from('hello'));
  bob.ws.send(JSON.stringify({ type: 'chat_message', id: 'b1', conv, message: '', attachments: [a.id] }));
  const refused = await bob.next((f) => f.id === 'b1', 10_000, 'bob naming alice’s file');
  assert.equal(refused.code, 'no_such_file');
  alice.ws.send(JSON.stringify({ type: 'chat_message', id: 'a2', conv: other, message: '', attachments: [a.id] }));
  assert.equal((await alice.next((f) => f.id === 'a2', 10_000, 'into another conversation')).code, 'no_such_file');
  assert.equal(bob.frames.filter((f) => f.type === 'chat_message').length, 0, 'nothing was stored');
});

test('resume: the server says the offset it has; a chunk from elsewhere is 409 with it; after a restart (data dir) it goes on', async (t) => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-files-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const { srv, base, conv } = await setUp(t, { dataDir });
  const bytes = randomBytes(300_000);
  const created = await createUpload(base, 'token-alice', { conv, name: 'r.bin', size: bytes.length, sha256: sha256(bytes) });
  assert.equal(created.status, 201);
  const id = created.body.upload.upload;
  assert.equal((await sendChunk(base, 'token-alice', id, 0, bytes.subarray(0, 100_000))).body.upload.offset, 100_000);
  const wrong = await sendChunk(base, 'token-alice', id, 0, bytes.subarray(0, 10));
  assert.equal(wrong.status, 409);
  assert.equal(wrong.body.error.offset, 100_000);
  assert.equal(wrong.headers['upload-offset'], '100000');

  await (srv as TestServer).restart();
  const state = await uploadState(base, 'token-alice', id);
  assert.equal(state.body.upload.offset, 100_000, 'the staged bytes outlived the restart');
  const done = await sendChunk(base, 'token-alice', id, 100_000, bytes.subarray(100_000));
  assert.equal(done.status, 201);
  const d = await download(base, 'token-alice', `/files/${done.body.attachment.id}`);
  assert.equal(sha256(d.bytes), sha256(bytes));
  assert.equal((await uploadState(base, 'token-alice', id)).status, 404, 'a finished upload is gone');
  const again = await createUpload(base, 'token-alice', { conv, name: 'same.bin', size: bytes.length, sha256: sha256(bytes) });
  assert.ok(again.body.attachment, 'the same bytes again: stored already, done at once');
});

test('limits in words: over the largest file, over the quota, a wrong hash (dropped, never served)', async (t) => {
  const { base, conv } = await setUp(t, { files: { ...(await defaults()), maxFileBytes: 1000, quotaBytes: 1500 } });
  const big = await createUpload(base, 'token-alice', { conv, name: 'big', size: 1001, sha256: sha256(Buffer.alloc(1)) });
  assert.equal(big.status, 413);
  assert.equal(big.body.error.code, 'too_large');
  assert.equal(big.body.error.message, 'The file is 1001 bytes; this server takes files up to 1000 bytes.');
  await uploadFile(base, 'token-alice', conv, 'a', randomBytes(900));
  const over = await createUpload(base, 'token-alice', { conv, name: 'b', size: 900, sha256: sha256(randomBytes(4)) });
  assert.equal(over.status, 507);
  assert.equal(over.body.error.code, 'quota_exceeded');
  assert.equal(over.body.error.message, 'Your files use 900 bytes of 1.5 KB; this one (900 bytes) does not fit.');
  const bytes = randomBytes(200);
  const created = await createUpload(base, 'token-bob', { conv, name: 'c', size: 200, sha256: sha256(randomBytes(200)) });
  const bad = await sendChunk(base, 'token-bob', created.body.upload.upload, 0, bytes);
  assert.equal(bad.status, 422);
  assert.equal(bad.body.error.code, 'checksum_mismatch');
  assert.equal((await download(base, 'token-bob', `/files/sha256/${sha256(bytes)}`)).status, 403, 'not stored');
});

test('an upload that took no byte for a day is dropped (found at the next start): the quota is free again, its owner told it is gone', async (t) => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-files-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const { srv, base, conv } = await setUp(t, { dataDir, files: { ...(await defaults()), quotaBytes: 1500 } });
  const ask = (bytes: Buffer) => createUpload(base, 'token-alice', { conv, name: 'x.bin', size: bytes.length, sha256: sha256(bytes) });
  const abandoned = randomBytes(1000);
  const id = (await ask(abandoned)).body.upload.upload as string;
  assert.equal((await sendChunk(base, 'token-alice', id, 0, abandoned.subarray(0, 400))).status, 200);
  const recent = randomBytes(1000);
  assert.equal((await ask(recent)).body.error.code, 'quota_exceeded', 'the upload in progress holds its size');

  // Its last byte came 25 hours ago (the part file's time is when the last chunk was written).
  const dayAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
  utimesSync(path.join(dataDir, 'files', 'uploads', `${id}.part`), dayAgo, dayAgo);
  await (srv as TestServer).restart();
  assert.equal((await ask(recent)).status, 201, 'its quota is free again');
  assert.equal((await uploadState(base, 'token-alice', id)).status, 404, 'gone: the owner starts again');
  assert.equal(existsSync(path.join(dataDir, 'files', 'uploads', `${id}.part`)), false, 'and its bytes are off the disk');
});

async function defaults() {
  const { defaultServerOptions } = await import('../../server/server');
  return defaultServerOptions.files;
}

test('the server process: --max-file-mb is announced and enforced; a bad value is refused in words', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-files-flags-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tokens = path.join(dir, 'tokens.json');
  writeFileSync(tokens, JSON.stringify(Object.fromEntries(THREE)));
  const { proc, url } = await startServerProcess(['--tokens', tokens, '--max-file-mb', '1', '--data-dir', path.join(dir, 'data')]);
  t.after(async () => {
    proc.kill();
    await proc.exited;
  });
  const alice = await conversationPeer(url, 'token-alice', { features: 'conversations' });
  t.after(() => alice.close());
  assert.equal(alice.frames.find((f) => f.type === 'connection_status')!.max_file_bytes, 1024 * 1024);
  const conv = (await alice.request({ type: 'create', name: 'f', kind: 'private', members: [] })).conversation.id as string;
  const refused = await createUpload(filesBase(url), 'token-alice', { conv, name: 'x', size: 1024 * 1024 + 1, sha256: 'a'.repeat(64) });
  assert.equal(refused.body.error.message, 'The file is 1,048,577 bytes; this server takes files up to 1,048,576 bytes.');
  const bad = runTs('server/main.ts', ['--tokens', tokens, '--port', '0', '--file-quota-mb', 'lots']);
  assert.equal((await bad.exited).code, 2);
  assert.match(bad.stderr.join('\n'), /--file-quota-mb must be a whole number/);
});
