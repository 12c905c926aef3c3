/**
 * Quitting the real built main.js (on the stand-in) while an upload is under way: nothing asks,
 * nothing holds the quit, and the upload stays queued on disk with its own copy of the file, for
 * the next start to go on with (core/files FileDesk resumes it: tests/core/file-desk.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { bootStandIn } from '../helpers/standin';

test('quitting during an upload asks nothing and leaves the upload queued on disk for the next start', async (t) => {
  const s = await bootStandIn();
  t.after(() => s.stop());
  const bytes = randomBytes(16 * 1024 * 1024);
  const staged = await s.api.stageFile('lobby', 'video.bin', bytes.length);
  assert.ok(staged.ok);
  for (let at = 0; at < bytes.length; at += 1024 * 1024)
    await s.api.stageChunk(staged.stage, at, new Uint8Array(bytes.subarray(at, at + 1024 * 1024)));
  const sent = await s.api.sendFiles({ conv: 'lobby', caption: 'clip', stages: [staged.stage] });
  assert.ok(sent.ok);
  s.fake.app.quit();
  assert.equal(await s.fake.app.whenExited(), 0);
  assert.ok(!s.fake.lifecycle.some((l) => /prevent|cancel/i.test(l)), `nothing held the quit: ${s.fake.lifecycle.join(', ')}`);
  assert.deepEqual(s.fake.dialogState.calls, [], 'no dialog asked anything');
  const queue = [...s.fake.app.diskAtExit!].find(([name]) => name.endsWith('/uploads/queue.json'));
  assert.ok(queue, `the queue is on disk: ${[...s.fake.app.diskAtExit!.keys()].join(', ')}`);
  const items = JSON.parse(queue[1]).items as Array<{ id: string; caption: string; files: Array<{ size: number }> }>;
  assert.deepEqual(
    items.map((i) => [i.id, i.caption, i.files[0]!.size]),
    [[sent.upload.id, 'clip', bytes.length]],
  );
  assert.ok([...s.fake.app.diskAtExit!.values()].includes(`<${bytes.length} bytes>`), 'with its own copy of the file');
});
