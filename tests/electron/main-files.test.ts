/**
 * Files through the real built main.js on the stand-in (fake-electron-files.ts): the `uos-file:`
 * scheme registered privileged before ready and handled after it, serving only real images of the
 * user's conversations; the window's bytes staged over IPC (a Uint8Array, never a path) and sent
 * as one message the other member gets byte-exact; a download into the XDG downloads folder
 * (`下载`), shown in its folder and never opened; Save as through the save dialog; Copy as an
 * image/png ClipboardItem. (A quit during an upload: main-files-quit.test.ts.)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DownloadView, UploadView } from '../../electron/common/contract';
import { conversationPeer } from '../helpers/conversation-peer';
import { download, filesBase, sha256, uploadFile } from '../helpers/file-http';
import { makePng } from '../helpers/png';
import { bootStandIn, type StandIn } from '../helpers/standin';

let s: StandIn;
// One boot per file: main.js runs once per process (standin.ts).
before(async () => {
  s = await bootStandIn();
});
after(() => s?.stop());

const done = (s: StandIn, id: string) =>
  s.waitForPush('chat:downloads', (list: DownloadView[]) => list.some((d) => d.id === id && d.state === 'done'), 10_000);

test('uos-file: privileged before ready, handled after; only real images of your conversations', async (t) => {
  const bob = await conversationPeer(s.srv.url, 'token-bob'); // a member of lobby once connected
  t.after(() => bob.close());
  assert.equal(s.fake.files.privilegedBeforeReady, true);
  assert.deepEqual(s.fake.files.privileged, [{ scheme: 'uos-file', privileges: { standard: true, secure: true } }]);
  const base = filesBase(s.srv.url);
  const png = makePng(40, 30);
  const chart = await uploadFile(base, 'token-bob', 'lobby', 'chart.png', png);
  const svg = await uploadFile(
    base,
    'token-bob',
    'lobby',
    'evil.png',
    Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>'),
  );
  const ok = await s.fake.fetchScheme(`uos-file://files/lobby/${chart.id}`);
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('content-type'), 'image/png');
  assert.equal(ok.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(sha256(Buffer.from(await ok.arrayBuffer())), sha256(png));
  assert.equal((await s.fake.fetchScheme(`uos-file://files/lobby/${svg.id}`)).status, 415, 'an SVG is never shown as an image');
  assert.equal((await s.fake.fetchScheme(`uos-file://files/elsewhere/${chart.id}`)).status, 404, 'not one of her conversations');
  assert.equal((await s.fake.fetchScheme(`uos-file://other/lobby/${chart.id}`)).status, 404);
  assert.equal((await s.fake.fetchScheme(`uos-file://files/lobby/%E0%A4%A/x`)).status, 404, 'a malformed path');
});

test('staged over IPC, sent once and byte-exact; downloaded to 下载, shown in its folder, never opened; Save as; Copy', async (t) => {
  const bob = await conversationPeer(s.srv.url, 'token-bob');
  t.after(() => bob.close());
  await bob.subscribe([{ conv: 'lobby' }]);
  const bytes = randomBytes(1024 * 1024 + 17);
  const staged = await s.api.stageFile('lobby', '../报告.pdf', bytes.length);
  assert.ok(staged.ok);
  for (let at = 0; at < bytes.length; at += 1024 * 1024)
    await s.api.stageChunk(staged.stage, at, new Uint8Array(bytes.subarray(at, at + 1024 * 1024)));
  const sent = await s.api.sendFiles({ conv: 'lobby', caption: '季度报告', stages: [staged.stage] });
  assert.ok(sent.ok);
  await s.waitForPush('chat:uploads', (list: UploadView[]) => list.length === 0, 10_000);
  const got = await bob.next((f) => f.type === 'chat_message' && f.message === '季度报告', 10_000, 'the message at bob');
  assert.equal(got.attachments[0].name, '报告.pdf');
  assert.equal(sha256((await download(filesBase(s.srv.url), 'token-bob', `/files/${got.attachments[0].id}`)).bytes), sha256(bytes));

  const { id, name, size } = got.attachments[0];
  const d = await s.api.download({ conv: 'lobby', attachment: { id, name, size } });
  assert.ok(d.ok);
  assert.equal(d.download.path, path.join(s.userData, '下载', '报告.pdf'), 'the XDG downloads folder');
  await done(s, d.download.id);
  assert.equal(sha256(readFileSync(d.download.path)), sha256(bytes));
  assert.deepEqual(await s.api.showDownload(d.download.id), { ok: true });
  assert.deepEqual(s.fake.files.shownInFolder, [d.download.path]);
  assert.deepEqual(s.fake.desktop.opened, [], 'nothing downloaded is opened');

  const png = makePng(64, 48, [[255, 163, 26]]);
  const image = await uploadFile(filesBase(s.srv.url), 'token-bob', 'lobby', 'sunset.png', png);
  const to = path.join(s.userData, 'saved-sunset.png');
  s.fake.dialogState.saveAnswer = { canceled: false, filePath: to };
  const saved = await s.api.saveAttachmentAs({ conv: 'lobby', attachment: { id: image.id, name: image.name, size: image.size } });
  assert.ok(saved.ok);
  assert.equal(s.fake.dialogState.saveCalls[0]!.options.defaultPath, path.join(s.userData, '下载', 'sunset.png'));
  await done(s, saved.download.id);
  assert.equal(sha256(readFileSync(to)), sha256(png));
  assert.deepEqual(await s.api.copyImage('lobby', image.id), { ok: true });
  const [item] = s.fake.files.clipboardItems.at(-1)!;
  assert.deepEqual(item!.types, ['image/png']);
  assert.equal(sha256(Buffer.from(await ((await item!.getType('image/png')) as Blob).arrayBuffer())), sha256(png));
});
