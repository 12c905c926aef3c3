/**
 * Files on three nodes (`--redis` with `--s3`: the records in Redis, the bytes in s3rver), behind
 * HAProxy as docs/DEPLOY.md has it: an image and its thumbnail uploaded through the balancer are
 * posted, and every node serves them byte-exact to a member, by id and by hash; a non-member gets
 * 403 from each node; a recall on one node revokes them on all. A node without `--s3` offers no files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conversationPeer } from '../helpers/conversation-peer';
import { download, filesBase, sha256, uploadFile } from '../helpers/file-http';
import { makePng } from '../helpers/png';
import { startS3rver } from '../helpers/s3rver';
import { startRig, type Rig } from './scale-kit';

const statusOf = async (base: string, token: string, p: string) => (await download(base, token, p)).status;

test('three nodes share files: uploaded through the balancer, served by each node to members only, recalled everywhere', async (t) => {
  const s3 = await startS3rver();
  t.after(() => s3.stop());
  const rig: Rig = await startRig(t, { persistent: false, nodeArgs: ['--s3', s3.url], dirPrefix: 'uos-chat-scale-files-' });
  const alice = await conversationPeer(rig.balancer.url, 'token-alice', { features: 'conversations,recall' });
  t.after(() => alice.close());
  const hello = alice.frames.find((f) => f.type === 'connection_status');
  assert.ok(hello?.features.includes('files') && hello.features.includes('thumbnails'), 'files announced with --redis and --s3');
  const conv = (await alice.request({ type: 'create', name: '共享', kind: 'private', members: ['bob'] })).conversation.id as string;
  await alice.subscribe([{ conv }]);

  const through = filesBase(rig.balancer.url);
  const image = makePng(1400, 700, [
    [12, 34, 200],
    [240, 200, 10],
  ]);
  const small = makePng(640, 320, [[12, 34, 200]]);
  // In six and three chunks: each upload takes several requests through the balancer.
  const a = await uploadFile(through, 'token-alice', conv, '白板.png', image, Math.ceil(image.length / 6));
  const thumb = await uploadFile(through, 'token-alice', conv, 'thumbnail.png', small, Math.ceil(small.length / 3), {
    thumbnail_of: a.id,
  });

  // Bob on another node than the one his message arrives from (each node directly).
  const bob = await conversationPeer(rig.nodes[2]!.url, 'token-bob');
  t.after(() => bob.close());
  await bob.subscribe([{ conv }]);
  const seen = bob.next((f) => f.type === 'chat_message' && f.conv === conv, 10_000, 'the message at bob');
  const send = (frame: Record<string, unknown>) => {
    alice.ws.send(JSON.stringify({ type: 'chat_message', conv, timestamp: new Date().toISOString(), ...frame }));
    return alice.next((f) => (f.type === 'ack' || f.type === 'error') && f.id === frame.id, 10_000, `the answer to ${String(frame.id)}`);
  };
  const posted = await send({ id: 'm1', message: '看白板', attachments: [a.id] });
  assert.equal(posted.type, 'ack', JSON.stringify(posted));
  const got = await seen;
  assert.deepEqual(
    [got.attachments[0].id, got.attachments[0].thumbnail, got.attachments[0].width],
    [a.id, thumb.id, 1400],
    'the node that stored the message knew the records another node wrote',
  );

  const paths = [`/files/${a.id}`, `/files/sha256/${sha256(image)}`, `/files/${thumb.id}`];
  const expected = [sha256(image), sha256(image), sha256(small)];
  for (const [i, node] of rig.nodes.entries()) {
    const base = filesBase(node.url);
    for (const [j, p] of paths.entries()) {
      const d = await download(base, 'token-bob', p);
      assert.equal(d.status, 200, `node ${i + 1}: bob ${p}`);
      assert.equal(sha256(d.bytes), expected[j], `node ${i + 1}: ${p} byte-exact`);
      assert.equal(await statusOf(base, 'token-carol', p), 403, `node ${i + 1}: carol is no member: ${p}`);
    }
  }

  // The recall arrives at one node; none of them serves the files afterwards.
  assert.equal((await send({ id: 'm2', message: '', recall_of: posted.seq })).type, 'ack');
  for (const [i, node] of rig.nodes.entries()) {
    for (const p of paths) {
      const status = await statusOf(filesBase(node.url), 'token-bob', p);
      assert.ok(status === 403 || status === 404, `node ${i + 1} after the recall: ${p} → ${status}`);
    }
  }
});

test('with --redis but no --s3 a node offers no files, and says so when it starts', async (t) => {
  const rig = await startRig(t, { persistent: false, nodeArgs: [], dirPrefix: 'uos-chat-scale-nofiles-' });
  const peer = await conversationPeer(rig.nodes[0]!.url, 'token-alice');
  t.after(() => peer.close());
  const hello = peer.frames.find((f) => f.type === 'connection_status');
  assert.equal(hello?.features.includes('files'), false);
  assert.ok(
    rig.nodes[0]!.proc.stderr.some((l) => l.includes('no files (with --redis they need --s3)')),
    'the start-up line says why',
  );
});
