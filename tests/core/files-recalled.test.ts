/**
 * A recall takes the files back on the client too (electron/core: message-actions.ts, ImageCache.forget):
 * the recalled entry no longer names its attachments (in memory and in the history store), and the
 * copies of the image and its thumbnail that main kept for the window are removed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, watch } from 'node:fs';
import * as path from 'node:path';
import { deskOf, setUp, stage } from '../helpers/file-desk';
import { makePng } from '../helpers/png';
import { nextEvent, stateIs, withTimeout } from '../helpers/wait';

const cached = (data: string) => readdirSync(path.join(data, 'cache', 'images')).filter((n) => !n.endsWith('.fetch'));

test('a recalled message with an image: its entry loses the attachments and the cached image and thumbnail go', async (t) => {
  const { srv, bob, conv, data } = await setUp(t);
  const { desk, clients, changes } = await deskOf(t, srv.url, data);
  const client = clients.client(conv)!;
  await stateIs(client, 'connected');
  const image = await stage(desk, conv, 'photo.png', makePng(1200, 900, [[30, 60, 90]]));
  const thumb = await stage(desk, conv, 'thumbnail.png', makePng(320, 240, [[30, 60, 90]]));
  const view = await desk.send({ conv, caption: 'soon gone', stages: [image], thumbnails: { [image]: thumb } });
  await changes(() => desk.uploads().length === 0, 'sent');
  const got = await bob.next((f) => f.type === 'chat_message' && f.conv === conv, 10_000, 'the message at bob');
  const a = got.attachments[0];
  for (const id of [a.id, a.thumbnail]) assert.equal((await desk.images.respond(conv, id)).status, 200, `${id} shown`);
  assert.equal(cached(data).length, 2, 'the image and its thumbnail are kept for the window');

  const w = watch(path.join(data, 'cache', 'images'));
  t.after(() => w.close()); // when the test fails before it is closed below
  const emptied = withTimeout(
    new Promise<void>((resolve) => w.on('change', () => cached(data).length === 0 && resolve())),
    5_000,
    'the cached copies to go',
  ).catch((err: Error) => {
    throw new Error(`${err.message} (left: ${cached(data).join(', ')})`);
  });
  const told = nextEvent(client, 'filesRecalled');
  const recalled = await client.send('', { recall_of: got.seq });
  assert.equal(recalled.ok, true);
  assert.deepEqual([...(await told)].sort(), [a.id, a.thumbnail].sort());
  await emptied.finally(() => w.close());
  const entry = client.snapshot().entries.find((e) => e.kind === 'message' && e.id === view.id);
  assert.ok(entry?.kind === 'message' && entry.recalled);
  assert.equal(entry.attachments, undefined, 'no attachment named on the recalled entry');
  assert.equal(client.search('soon gone', 10).length, 0, 'nor its text in the store');
});
