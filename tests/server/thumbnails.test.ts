/**
 * server/thumbnails.ts (feature `thumbnails`): the sender's own thumbnail of an image, uploaded with
 * `thumbnail_of`. Members get it named on the attachment and download it; a non-member does not;
 * what is not a small image of the sender's own image in that conversation is refused in words and
 * never stored; a restart keeps the link, and a recall takes the thumbnail with the image.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_THUMBNAIL_BYTES } from '../../protocol/attachments';
import { conversationPeer, type ConversationPeer, type Frame } from '../helpers/conversation-peer';
import { THREE } from '../helpers/conversation-stores';
import { createUpload, download, filesBase, sha256, uploadFile } from '../helpers/file-http';
import { makePng } from '../helpers/png';
import { testServer } from '../helpers/server';

type T = import('node:test').TestContext;

async function room(t: T, dataDir?: string) {
  const srv = await testServer({ tokens: THREE, ...(dataDir ? { dataDir } : {}) });
  t.after(() => srv.stop());
  const alice = await conversationPeer(srv.url, 'token-alice', { features: 'conversations,recall' });
  t.after(() => alice.close());
  const hello = alice.frames.find((f) => f.type === 'connection_status');
  assert.ok((hello?.features as string[]).includes('thumbnails'), 'announced beside files');
  const conv = (await alice.request({ type: 'create', name: 'pics', kind: 'private', members: ['bob'] })).conversation.id as string;
  const other = (await alice.request({ type: 'create', name: 'other', kind: 'private', members: [] })).conversation.id as string;
  await alice.subscribe([{ conv }]);
  return { srv, alice, conv, other, base: filesBase(srv.url) };
}

const send = (peer: ConversationPeer, conv: string, frame: Frame) => {
  peer.ws.send(JSON.stringify({ type: 'chat_message', conv, timestamp: new Date().toISOString(), ...frame }));
  return peer.next((f) => (f.type === 'ack' || f.type === 'error') && f.id === frame.id, 10_000, `the answer to ${frame.id}`);
};

test('a thumbnail the sender made: named on the attachment, for members only, kept across a restart, gone with a recall', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-thumbs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { srv, conv, base } = await room(t, dir);
  const image = makePng(1200, 800, [
    [200, 30, 30],
    [30, 200, 30],
  ]);
  const small = makePng(320, 213, [
    [200, 30, 30],
    [30, 200, 30],
  ]);
  const a = await uploadFile(base, 'token-alice', conv, 'screenshot.png', image);
  const thumb = await uploadFile(base, 'token-alice', conv, 'screenshot-thumb.png', small, undefined, { thumbnail_of: a.id });
  assert.deepEqual([thumb.type, thumb.width, thumb.height], ['image/png', 320, 213]);
  await srv.restart(); // the link is in the records' journal

  const bob = await conversationPeer(srv.url, 'token-bob', { features: 'conversations' });
  t.after(() => bob.close());
  await bob.subscribe([{ conv }]);
  const alice2 = await conversationPeer(srv.url, 'token-alice', { features: 'conversations,recall' });
  t.after(() => alice2.close());
  await alice2.subscribe([{ conv }]);
  const seen = bob.next((f) => f.type === 'chat_message' && f.conv === conv, 10_000, 'the message at bob');
  const posted = await send(alice2, conv, { id: 'm1', message: '', attachments: [a.id] });
  assert.equal(posted.type, 'ack', JSON.stringify(posted));
  const got = await seen;
  assert.equal(got.attachments[0].thumbnail, thumb.id);
  assert.deepEqual([got.attachments[0].width, got.attachments[0].height], [1200, 800]);
  const byBob = await download(base, 'token-bob', `/files/${thumb.id}`);
  assert.equal(byBob.status, 200);
  assert.equal(sha256(byBob.bytes), sha256(small), 'the bytes the sender made');
  for (const p of [`/files/${thumb.id}`, `/files/sha256/${sha256(small)}`]) {
    assert.equal((await download(base, 'token-carol', p)).status, 403, `carol is no member: ${p}`);
  }

  assert.equal((await send(alice2, conv, { id: 'm2', message: '', recall_of: posted.seq })).type, 'ack');
  for (const p of [`/files/${thumb.id}`, `/files/sha256/${sha256(small)}`]) {
    const d = await download(base, 'token-bob', p);
    assert.ok(d.status === 403 || d.status === 404, `after the recall: ${p} → ${d.status}`);
  }
});

test('what is not a small image of the sender’s own image here is refused in words, and nothing of it is kept', async (t) => {
  const { alice, conv, other, base } = await room(t);
  const image = await uploadFile(base, 'token-alice', conv, 'a.png', makePng(900, 600));
  const text = await uploadFile(base, 'token-alice', conv, 'notes.txt', Buffer.from('just words\n'));
  const elsewhere = await uploadFile(base, 'token-alice', other, 'b.png', makePng(900, 600, [[1, 2, 3]]));
  const bobs = await uploadFile(base, 'token-bob', conv, 'c.png', makePng(900, 600, [[9, 9, 9]]));
  const small = makePng(200, 100, [[5, 5, 5]]);
  const ask = (of: string, bytes: Buffer, name = 't.png') =>
    createUpload(base, 'token-alice', { conv, name, size: bytes.length, sha256: sha256(bytes), thumbnail_of: of });

  const refusals: Array<[string, Promise<{ status: number; body: any }>, number, RegExp]> = [
    ['too big', ask(image.id, Buffer.alloc(MAX_THUMBNAIL_BYTES + 1, 1)), 413, /thumbnail may be up to 256 KB/],
    ['of a text file', ask(text.id, small), 400, /is not an image/],
    ['of an image in another conversation', ask(elsewhere.id, small), 400, /not a file you uploaded into this conversation/],
    ["of bob's image", ask(bobs.id, small), 400, /not a file you uploaded into this conversation/],
    ['of nothing', ask('f_nothing', small), 400, /not a file you uploaded/],
  ];
  for (const [what, answer, status, words] of refusals) {
    const { status: got, body } = await answer;
    assert.equal(got, status, `${what}: ${JSON.stringify(body)}`);
    assert.match(body.error.message, words, what);
  }
  // Bytes that are not a small image: refused once they are in (the header says so), and not stored.
  const html = Buffer.from('<!doctype html><script>alert(1)</script>');
  const wide = makePng(1000, 100, [[7, 7, 7]]);
  for (const [what, bytes] of [
    ['HTML named .png', html],
    ['1000 px wide', wide],
  ] as const) {
    await assert.rejects(
      uploadFile(base, 'token-alice', conv, 't.png', bytes, undefined, { thumbnail_of: image.id }),
      /400 .*(PNG, JPEG, GIF or WebP|up to 640 × 640 pixels)/,
      what,
    );
    assert.equal((await download(base, 'token-alice', `/files/sha256/${sha256(bytes)}`)).status, 403, `${what}: not stored`);
  }
  // The same bytes stored already (as a plain file) are checked the same way.
  await uploadFile(base, 'token-alice', conv, 'wide.png', wide);
  const again = await ask(image.id, wide);
  assert.equal(again.status, 400, JSON.stringify(again.body));

  const posted = await send(alice, conv, { id: 'm1', message: 'none linked', attachments: [image.id] });
  assert.equal(posted.type, 'ack');
  const history = await alice.request({ type: 'history', conv, before: posted.seq + 1, limit: 1 });
  assert.equal(history.messages[0].attachments[0].thumbnail, undefined, 'a refused thumbnail is not named');
});
