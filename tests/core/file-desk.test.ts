/**
 * electron/core/files FileDesk (the window's files) over the reference server: staged pieces become
 * one message with its files, posted once and byte-exact; an upload stopped by a quit goes on in
 * the next run from the queue on disk (the message posted once, with the id it was queued under);
 * Cancel forgets it and posts nothing; a server without `files` fails it with why; downloads get
 * names of their own in the downloads folder; and the image cache serves only real images.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadsDir, StagingError } from '../../electron/core/files';
import type { ConversationPeer } from '../helpers/conversation-peer';
import { deskOf, KB, PNG, setUp, stage } from '../helpers/file-desk';
import { sha256, uploadFile } from '../helpers/file-http';
import { rawServer } from '../helpers/raw-server';
import { stateIs, withTimeout } from '../helpers/wait';

const posted = (bob: ConversationPeer, conv: string) => bob.seen('chat_message', conv);

test('staged pieces become one message with its files, posted once, byte-exact; the staging rules hold', async (t) => {
  const { srv, bob, conv, data } = await setUp(t);
  const { desk, clients, changes } = await deskOf(t, srv.url, data);
  await stateIs(clients.client(conv)!, 'connected');
  const big = randomBytes(700 * KB);
  const stages = [await stage(desk, conv, '../../etc/报告 (最终).pdf', big), await stage(desk, conv, 'empty.txt', Buffer.alloc(0))];

  // Over the largest file the server announced (100 MB): refused before a byte is copied.
  const over = desk.staging.begin(conv, 'disk.iso', 100 * 1024 * 1024 + 1);
  assert.deepEqual(over.ok ? over : over.reason, {
    code: 'FILE_TOO_LARGE',
    detail: 'disk.iso: 104,857,601 bytes, the server takes at most 104,857,600 bytes',
  });
  const wrong = desk.staging.begin(conv, 'x.bin', 10);
  assert.ok(wrong.ok);
  assert.throws(() => desk.staging.append(wrong.stage, 5, Buffer.alloc(5)), StagingError, 'pieces come in order');
  await assert.rejects(desk.staging.take(wrong.stage, conv), StagingError, 'an incomplete file cannot be sent');
  await assert.rejects(desk.staging.take(stages[0]!, 'another-conv'), StagingError, 'a staged file goes only to its conversation');

  const view = await desk.send({ conv, caption: '季度报告', stages });
  assert.equal(view.state === 'waiting' || view.state === 'uploading', true);
  await changes(() => desk.uploads().length === 0, 'the upload done and sent');
  const got = await bob.next((f) => f.type === 'chat_message' && f.conv === conv, 10_000, 'the message at bob');
  assert.equal(got.id, view.id, 'the message carries the id it was queued under');
  assert.equal(got.message, '季度报告');
  assert.deepEqual(
    got.attachments.map((a: { name: string; size: number }) => [a.name, a.size]),
    [
      ['报告 (最终).pdf', big.length],
      ['empty.txt', 0],
    ],
    'in order, the names without their path parts',
  );

  const own = clients
    .client(conv)!
    .snapshot()
    .entries.find((e) => e.kind === 'message' && e.id === view.id);
  assert.deepEqual(
    own?.kind === 'message' ? own.attachments?.map((x) => x.id) : undefined,
    got.attachments.map((x: { id: string }) => x.id),
    'the own message shows its files at once (not only after a reload)',
  );
  const dl = await desk.download({ conv, attachment: got.attachments[0] });
  await changes(() => desk.downloadNamed(dl.id)?.state === 'done', 'the download');
  assert.equal(sha256(readFileSync(dl.path)), sha256(big), 'byte-exact into the downloads folder');
  const again = await desk.download({ conv, attachment: got.attachments[0] });
  await changes(() => desk.downloadNamed(again.id)?.state === 'done', 'the second download');
  assert.notEqual(again.path, dl.path, 'a second download of one name gets a name of its own');
  assert.equal(path.basename(again.path), '报告 (最终) (1).pdf');
  assert.equal(posted(bob, conv).length, 1);
});

test('an upload stopped by a quit goes on in the next run from the queue on disk; the message is posted once', async (t) => {
  const { dir, srv, bob, conv, data } = await setUp(t);
  const bytes = randomBytes(3 * 1024 * KB);
  const first = await deskOf(t, srv.url, data, { chunkBytes: 256 * KB });
  await stateIs(first.clients.client(conv)!, 'connected');
  const staged = await stage(first.desk, conv, 'big.bin', bytes);
  // The quit comes once about a third is stored (placed by progress, not by time).
  let quit: Promise<void> | undefined;
  first.watch(() => {
    const f = first.desk.uploads()[0]?.files[0];
    if (!quit && f && f.done >= KB * KB) quit = first.stop();
  });
  const queued = await first.desk.send({ conv, caption: '', stages: [staged] });
  await withTimeout(
    (async () => {
      while (!quit) await new Promise((r) => setImmediate(r));
      await quit;
    })(),
    10_000,
    'the quit mid-upload',
  );
  assert.equal(posted(bob, conv).length, 0, 'nothing posted before the files are stored');
  const dirs = readdirSync(path.join(data, 'uploads'));
  assert.equal(dirs.length, 1);
  assert.equal(
    JSON.parse(readFileSync(path.join(data, 'uploads', dirs[0]!, 'queue.json'), 'utf8')).items.length,
    1,
    'the queue is on disk',
  );

  const second = await deskOf(t, srv.url, data, { chunkBytes: 256 * KB });
  await second.changes(() => second.desk.uploads().length === 0 && posted(bob, conv).length > 0, 'the upload resumed and sent');
  const got = posted(bob, conv);
  assert.equal(got.length, 1, 'posted once');
  assert.equal(got[0]!.id, queued.id);
  const a = got[0]!.attachments[0];
  const out = await second.desk.download({ conv, attachment: a });
  await second.changes(() => second.desk.downloadNamed(out.id)?.state === 'done', 'the download');
  assert.equal(sha256(readFileSync(out.path)), sha256(bytes), 'byte-exact');
  assert.deepEqual(readdirSync(path.join(dir, 'server', 'files', 'uploads')), [], 'no upload left half done on the server');
  const resumedAt = second.progress.find((done) => done > 0);
  assert.ok(resumedAt !== undefined && resumedAt >= KB * KB, `the next run went on from the server's offset (first progress ${resumedAt})`);
});

test('Cancel stops an upload and forgets it: nothing is posted, no copy is left', async (t) => {
  const { srv, bob, conv, data } = await setUp(t);
  const { desk, clients, changes, watch } = await deskOf(t, srv.url, data, { chunkBytes: 256 * KB });
  const client = clients.client(conv)!;
  await stateIs(client, 'connected');
  const staged = await stage(desk, conv, 'cancel-me.bin', randomBytes(3 * 1024 * KB));
  let cancelled: Promise<boolean> | undefined;
  watch(() => {
    const u = desk.uploads()[0];
    if (!cancelled && u && u.files[0]!.done >= 512 * KB) cancelled = desk.cancel(u.id);
  });
  await desk.send({ conv, caption: 'never', stages: [staged] });
  await changes(() => cancelled !== undefined && desk.uploads().length === 0, 'the cancel');
  assert.equal(await cancelled, true);
  const queueDir = path.join(data, 'uploads', readdirSync(path.join(data, 'uploads'))[0]!);
  assert.deepEqual(
    readdirSync(queueDir).filter((f) => !f.endsWith('.json')),
    [],
    'the queued copy is gone',
  );
  await client.send('after the cancel');
  await bob.next((f) => f.type === 'chat_message' && f.message === 'after the cancel', 10_000, 'the next message');
  assert.deepEqual(
    posted(bob, conv).map((f) => f.message),
    ['after the cancel'],
    'the cancelled message was never posted',
  );
  assert.equal(await desk.cancel('no-such-upload'), false);
});

test('a server without "files" (the design notes’ service): the upload fails with why, and is never sent', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-desk-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const raw = await rawServer((ws) => {
    ws.send(JSON.stringify({ type: 'connection_status', status: 'connected', user_id: 7, timestamp: 't' }));
  });
  t.after(() => raw.close());
  const { desk, clients, changes } = await deskOf(t, `${raw.url}?room=ops`, path.join(dir, 'app'));
  await stateIs(clients.client('ops')!, 'connected');
  const staged = await stage(desk, 'ops', 'a.txt', Buffer.from('hello'));
  const view = await desk.send({ conv: 'ops', caption: 'x', stages: [staged] });
  await changes(() => desk.uploads()[0]?.state === 'failed', 'the refusal');
  const failed = desk.uploads()[0]!;
  assert.equal(failed.failure?.code, 'FILES_UNSUPPORTED');
  assert.equal(await desk.retry(view.id), true);
  await changes(() => desk.uploads()[0]?.state === 'failed', 'refused again');
  assert.ok(!raw.received.some((r) => r.includes('chat_message')), 'the message never went to that server');
  assert.equal(await desk.cancel(view.id), true);
  assert.deepEqual(desk.uploads(), []);
});

test('images: served from the cache only when the bytes are PNG, JPEG, GIF or WebP; never for other conversations', async (t) => {
  const { srv, conv, data } = await setUp(t);
  const { desk, clients } = await deskOf(t, srv.url, data);
  await stateIs(clients.client(conv)!, 'connected');
  const base = srv.url.replace(/^ws/, 'http').replace(/\/ws\/chat\/?$/, '');
  const up = (name: string, bytes: Buffer) => uploadFile(base, 'token-bob', conv, name, bytes);
  const png = await up('dot.png', PNG);
  const svg = await up('evil.png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'));
  const html = await up('page.png', Buffer.from('<!doctype html><script>alert(1)</script>'));
  const ok = await desk.images.respond(conv, png.id);
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('content-type'), 'image/png');
  assert.equal(ok.headers.get('x-content-type-options'), 'nosniff');
  assert.deepEqual(Buffer.from(await ok.arrayBuffer()), PNG);
  const cached = await desk.images.respond(conv, png.id);
  assert.equal(cached.status, 200, 'the second answer from the cache');
  for (const a of [svg, html]) {
    const r = await desk.images.respond(conv, a.id);
    assert.equal(r.status, 415, `${a.name} is not shown as an image`);
    assert.match(await r.text(), /not an image/);
  }
  assert.equal((await desk.images.respond('not-mine', png.id)).status, 404, 'not one of the user’s conversations');
  assert.equal((await desk.images.respond(conv, '../../etc/passwd')).status, 404);
});

test('the downloads folder is the desktop’s (XDG user-dirs: ~/下载 on a Chinese desktop)', () => {
  const env = { HOME: '/home/u', XDG_CONFIG_HOME: '/cfg' };
  const dirs = (text: string) => downloadsDir(env, (f) => (f === '/cfg/user-dirs.dirs' ? text : ''));
  assert.equal(dirs('XDG_DESKTOP_DIR="$HOME/桌面"\nXDG_DOWNLOAD_DIR="$HOME/下载"\n'), '/home/u/下载');
  assert.equal(dirs('XDG_DOWNLOAD_DIR="/data/dl"'), '/data/dl');
  assert.equal(dirs('XDG_DOWNLOAD_DIR="$HOME"'), '/home/u/Downloads', '"$HOME" means disabled');
  assert.equal(dirs('# nothing'), '/home/u/Downloads');
  assert.equal(
    downloadsDir(env, () => {
      throw new Error('ENOENT');
    }),
    '/home/u/Downloads',
  );
});
