/**
 * Files in an S3-compatible object store (`--s3`, server/s3-blob-store.ts) against s3rver from
 * npm: byte-exact round trips (0 B, 1 B, 10 MB), the object named by its SHA-256 in the bucket,
 * ranges asked of the store, an upload resumed across a server restart, and the same privacy as
 * on disk: a non-member is refused by id and by hash. The server process takes `--s3 URL`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { s3TargetOf } from '../../server/s3-blob-store';
import { conversationPeer } from '../helpers/conversation-peer';
import { THREE } from '../helpers/conversation-stores';
import { createUpload, download, filesBase, sendChunk, sha256, uploadFile, uploadState } from '../helpers/file-http';
import { startServerProcess } from '../helpers/proc';
import { startS3rver } from '../helpers/s3rver';
import { testServer } from '../helpers/server';

/** Every file under dir, recursively (s3rver keeps objects as files). */
const filesUnder = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => d.name)
    : [];

test('S3: round trips are byte-exact, stored under their SHA-256; ranges; resume across a restart; non-members refused', async (t) => {
  const s3 = await startS3rver();
  t.after(() => s3.stop());
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-files-s3-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const srv = await testServer({ tokens: THREE, dataDir, s3: s3TargetOf(s3.url) });
  t.after(() => srv.stop());
  const alice = await conversationPeer(srv.url, 'token-alice');
  t.after(() => alice.close());
  const conv = (await alice.request({ type: 'create', name: 's3', kind: 'private', members: ['bob'] })).conversation.id as string;
  const base = filesBase(srv.url);
  const inputs = [Buffer.alloc(0), Buffer.from([1]), randomBytes(10 * 1024 * 1024)];
  const attachments = [];
  for (const [i, bytes] of inputs.entries()) attachments.push(await uploadFile(base, 'token-alice', conv, `f${i}.bin`, bytes));
  for (const [i, bytes] of inputs.entries()) {
    const d = await download(base, 'token-bob', `/files/${attachments[i].id}`);
    assert.equal(d.status, 200);
    assert.equal(sha256(d.bytes), sha256(bytes), `${bytes.length} bytes, through S3`);
  }
  const stored = filesUnder(s3.directory).join('\n');
  for (const bytes of inputs.slice(1)) assert.ok(stored.includes(sha256(bytes)), 'the object is named by its SHA-256');
  assert.deepEqual(filesUnder(path.join(dataDir, 'files/blobs')), [], 'nothing complete is kept on local disk');
  const range = await download(base, 'token-bob', `/files/${attachments[2].id}`, { range: 'bytes=100-199' });
  assert.equal(range.status, 206);
  assert.deepEqual(range.bytes, inputs[2]!.subarray(100, 200));

  for (const [who, p] of [
    ['carol', `/files/${attachments[2].id}`],
    ['carol', `/files/sha256/${sha256(inputs[2]!)}`],
  ] as const) {
    assert.equal((await download(base, `token-${who}`, p)).status, 403, `${p}: a non-member is refused`);
  }

  const bytes = randomBytes(300_000);
  const created = await createUpload(base, 'token-alice', { conv, name: 'r.bin', size: bytes.length, sha256: sha256(bytes) });
  const id = created.body.upload.upload;
  await sendChunk(base, 'token-alice', id, 0, bytes.subarray(0, 123_456));
  await srv.restart();
  assert.equal((await uploadState(base, 'token-alice', id)).body.upload.offset, 123_456);
  const done = await sendChunk(base, 'token-alice', id, 123_456, bytes.subarray(123_456));
  assert.equal(sha256((await download(base, 'token-alice', `/files/${done.body.attachment.id}`)).bytes), sha256(bytes));
});

test('--s3 on the command line: a bad URL is refused in words; a good one serves files', async (t) => {
  const s3 = await startS3rver();
  t.after(() => s3.stop());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-files-s3-flag-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tokens = path.join(dir, 'tokens.json');
  writeFileSync(tokens, JSON.stringify(Object.fromEntries(THREE)));
  assert.throws(() => s3TargetOf('http://127.0.0.1:9000/', {}), /must name the bucket/);
  assert.throws(() => s3TargetOf('http://127.0.0.1:9000/b', {}), /KEY:SECRET/);
  const { proc, url } = await startServerProcess(['--tokens', tokens, '--s3', s3.url]);
  t.after(async () => {
    proc.kill();
    await proc.exited;
  });
  assert.ok(!proc.stderr.join('\n').includes('S3RVER:S3RVER'), 'the secret is not logged');
  const alice = await conversationPeer(url, 'token-alice');
  t.after(() => alice.close());
  const conv = (await alice.request({ type: 'create', name: 'x', kind: 'private', members: [] })).conversation.id as string;
  const a = await uploadFile(filesBase(url), 'token-alice', conv, 'hello.txt', Buffer.from('你好, S3'));
  assert.equal((await download(filesBase(url), 'token-alice', `/files/${a.id}`)).bytes.toString(), '你好, S3');
});
