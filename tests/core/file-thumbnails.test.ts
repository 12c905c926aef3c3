/**
 * Thumbnails from the client side (feature `thumbnails`): the window's thumbnail of an image goes
 * up after the image and is named on the posted attachment, for the other member to fetch; one the
 * server refuses leaves the image to go alone; one that is not an image is refused before anything
 * is taken. Nothing of either stays in the queue's directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { StagingError } from '../../electron/core/files';
import { deskOf, setUp, stage } from '../helpers/file-desk';
import { download, filesBase, sha256 } from '../helpers/file-http';
import { makePng } from '../helpers/png';
import { stateIs } from '../helpers/wait';

/** What the queues left on disk besides their own files. */
const leftInQueues = (data: string) =>
  readdirSync(path.join(data, 'uploads'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !['queue.json', 'journal.json'].includes(e.name))
    .map((e) => e.name);

test("an image's thumbnail goes up after it and is named on the message; the other member fetches it", async (t) => {
  const { srv, bob, conv, data } = await setUp(t);
  const { desk, clients, changes } = await deskOf(t, srv.url, data);
  await stateIs(clients.client(conv)!, 'connected');
  const image = makePng(1600, 900, [
    [10, 90, 200],
    [240, 240, 240],
  ]);
  const small = makePng(320, 180, [
    [10, 90, 200],
    [240, 240, 240],
  ]);
  const original = await stage(desk, conv, '截图.png', image);
  const thumb = await stage(desk, conv, 'thumbnail.png', small);
  const view = await desk.send({ conv, caption: '看这个', stages: [original], thumbnails: { [original]: thumb } });
  assert.deepEqual(
    view.files.map((f) => f.name),
    ['截图.png'],
    'the upload row shows the image only',
  );
  await changes(() => desk.uploads().length === 0, 'the upload done and sent');
  const got = await bob.next((f) => f.type === 'chat_message' && f.conv === conv, 10_000, 'the message at bob');
  const [a] = got.attachments;
  assert.deepEqual([a.name, a.width, a.height], ['截图.png', 1600, 900]);
  assert.match(a.thumbnail, /^f_/);
  const fetched = await download(filesBase(srv.url), 'token-bob', `/files/${a.thumbnail}`);
  assert.equal(fetched.status, 200);
  assert.equal(sha256(fetched.bytes), sha256(small), "the window's thumbnail, byte-exact");
  const own = clients
    .client(conv)!
    .snapshot()
    .entries.find((e) => e.kind === 'message' && e.id === view.id);
  assert.equal(own?.kind === 'message' ? own.attachments?.[0]?.thumbnail : undefined, a.thumbnail, 'the own message names it too');
  assert.deepEqual(leftInQueues(data), []);
});

test('a thumbnail the server refuses leaves the image to go alone; one that is not an image is refused before anything is taken', async (t) => {
  const { srv, bob, conv, data } = await setUp(t);
  const { desk, clients, changes } = await deskOf(t, srv.url, data);
  await stateIs(clients.client(conv)!, 'connected');
  const image = makePng(1200, 800);
  const original = await stage(desk, conv, 'wide.png', image);
  // The window's bug: HTML as a thumbnail. Refused, and the image is still staged (it can be sent without).
  const html = await stage(desk, conv, 'thumbnail.png', Buffer.from('<!doctype html><script>alert(1)</script>'));
  await assert.rejects(
    desk.send({ conv, caption: '', stages: [original], thumbnails: { [original]: html } }),
    (err: Error) => err instanceof StagingError && /a thumbnail is a PNG, JPEG, GIF or WebP image of at most 256 KB/.test(err.message),
  );
  // A thumbnail the server will not take (wider than 640 px): the message goes, without one.
  const wide = await stage(desk, conv, 'thumbnail.png', makePng(1000, 100));
  await desk.send({ conv, caption: 'no thumbnail', stages: [original], thumbnails: { [original]: wide } });
  await changes(() => desk.uploads().length === 0, 'the upload done and sent');
  const got = await bob.next((f) => f.type === 'chat_message' && f.conv === conv, 10_000, 'the message at bob');
  assert.equal(got.message, 'no thumbnail');
  assert.deepEqual([got.attachments[0].width, got.attachments[0].thumbnail], [1200, undefined]);
  assert.deepEqual(leftInQueues(data), []);
});
