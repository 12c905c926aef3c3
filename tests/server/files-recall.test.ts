/**
 * server/frames.ts recallWithFiles and file-records.ts revoke: a recalled message takes its files
 * with it. Before the recall the other member downloads the file by id and by hash; once the
 * recall is acked nobody does (not the sender either), and a restart with the same data dir keeps
 * it so (the revocation is in the records' journal). A message without files recalls as before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { conversationPeer, type Frame } from '../helpers/conversation-peer';
import { THREE } from '../helpers/conversation-stores';
import { download, filesBase, sha256, uploadFile } from '../helpers/file-http';
import { testServer } from '../helpers/server';

test('a recalled message’s files are gone for everyone, by id and by hash, across a restart', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-recall-files-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const srv = await testServer({ tokens: THREE, dataDir: dir });
  t.after(() => srv.stop());
  const alice = await conversationPeer(srv.url, 'token-alice', { features: 'conversations,recall' });
  t.after(() => alice.close());
  const conv = (await alice.request({ type: 'create', name: 'r', kind: 'private', members: ['bob'] })).conversation.id as string;
  await alice.subscribe([{ conv }]);
  const base = filesBase(srv.url);
  const bytes = Buffer.from('季度报告 — draft, not for sharing\n'.repeat(100));
  const a = await uploadFile(base, 'token-alice', conv, 'draft.pdf', bytes);
  const keep = await uploadFile(base, 'token-alice', conv, 'keep.txt', Buffer.from('stays'));
  const send = (frame: Frame) => {
    alice.ws.send(JSON.stringify({ type: 'chat_message', conv, timestamp: new Date().toISOString(), ...frame }));
    return alice.next((f) => (f.type === 'ack' || f.type === 'error') && f.id === frame.id, 10_000, `the answer to ${frame.id}`);
  };
  const posted = await send({ id: 'm1', message: 'draft', attachments: [a.id] });
  await send({ id: 'm2', message: 'keep', attachments: [keep.id] });
  assert.equal((await download(base, 'token-bob', `/files/${a.id}`)).status, 200);
  assert.equal((await download(base, 'token-bob', `/files/sha256/${sha256(bytes)}`)).status, 200);

  const recalled = await send({ id: 'm3', message: '', recall_of: posted.seq });
  assert.equal(recalled.type, 'ack');
  const refusedAll = async (when: string) => {
    for (const [who, p] of [
      ['bob', `/files/${a.id}`],
      ['bob', `/files/sha256/${sha256(bytes)}`],
      ['alice', `/files/${a.id}`],
    ] as const) {
      const d = await download(base, `token-${who}`, p);
      assert.ok(d.status === 403 || d.status === 404, `${when}: ${who} ${p} → ${d.status}`);
      assert.ok(!d.bytes.includes(Buffer.from('not for sharing')), `${when}: no byte of it`);
    }
    assert.equal((await download(base, 'token-bob', `/files/${keep.id}`)).status, 200, `${when}: another message's file stays`);
  };
  await refusedAll('after the recall');
  await srv.restart();
  await refusedAll('after a restart');
});
