/**
 * The stand-in's rules for what main's files glue uses (tests/helpers/fake-electron-files.ts), each
 * enforced: protocol.registerSchemesAsPrivileged only before ready and only once, protocol.handle
 * only after ready, once per scheme and only for a scheme registered `standard`; showItemInFolder
 * only with an absolute path; the save dialog only after ready with an absolute defaultPath;
 * nativeImage.createFromBuffer decodes PNG (anything else is empty); contextBridge copies typed arrays.
 * (The built main.js under these rules: main-files.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createFakeElectron } from '../helpers/fake-electron';
import { makePng } from '../helpers/png';

function fresh(t: { after(fn: () => void): void }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-standin-files-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return createFakeElectron(dir);
}

test('stand-in: protocol privileges before ready and once; handle after ready, once, for a standard scheme', async (t) => {
  const fake = fresh(t);
  const { protocol } = fake.electron;
  assert.throws(() => protocol.handle('uos-file', () => new Response('x')), /before app is ready/);
  protocol.registerSchemesAsPrivileged([{ scheme: 'uos-file', privileges: { standard: true } }, { scheme: 'plain' }]);
  assert.throws(() => protocol.registerSchemesAsPrivileged([{ scheme: 'b' }]), /only once/);
  await fake.app.whenReady();
  protocol.handle('uos-file', (req) => new Response(new URL(req.url).pathname));
  assert.throws(() => protocol.handle('uos-file', () => new Response('x')), /Failed to register protocol/);
  assert.throws(() => protocol.handle('plain', () => new Response('x')), /standard/);
  assert.equal(await (await fake.fetchScheme('uos-file://files/a/b')).text(), '/a/b');
  await assert.rejects(fake.fetchScheme('nothing://x'), /ERR_UNKNOWN_URL_SCHEME/);
  protocol.unhandle('uos-file');
  await assert.rejects(fake.fetchScheme('uos-file://files/a/b'), /ERR_UNKNOWN_URL_SCHEME/);
  const late = fresh(t);
  await late.app.whenReady();
  assert.throws(() => late.electron.protocol.registerSchemesAsPrivileged([{ scheme: 'x' }]), /before app is ready/);
});

test('stand-in: showItemInFolder and the save dialog want absolute paths; the save dialog waits for ready', async (t) => {
  const fake = fresh(t);
  await assert.rejects(fake.electron.dialog.showSaveDialog({ defaultPath: '/tmp/a.txt' }), /before app is ready/);
  await fake.app.whenReady();
  assert.throws(() => fake.electron.shell.showItemInFolder('Downloads/a.pdf'), /not an absolute path/);
  fake.electron.shell.showItemInFolder('/home/li/下载/a.pdf');
  assert.deepEqual(fake.files.shownInFolder, ['/home/li/下载/a.pdf']);
  await assert.rejects(fake.electron.dialog.showSaveDialog({ defaultPath: 'a.txt' }), /absolute/);
  assert.deepEqual(await fake.electron.dialog.showSaveDialog({ defaultPath: '/tmp/a.txt' }), { canceled: true, filePath: '' });
});

test('stand-in: createFromBuffer decodes PNG only; clipboard.write takes ClipboardItems', async (t) => {
  const fake = fresh(t);
  const { nativeImage, clipboard, ClipboardItem } = fake.electron;
  const png = makePng(7, 5);
  assert.deepEqual(nativeImage.createFromBuffer(png).getSize(), { width: 7, height: 5 });
  assert.equal(nativeImage.createFromBuffer(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0])).isEmpty(), true, 'harsher: a JPEG is empty');
  assert.equal(nativeImage.createFromBuffer(Buffer.from('<svg/>')).isEmpty(), true);
  await assert.rejects(clipboard.write([{ 'image/png': png }] as never), /ClipboardItem/);
  await clipboard.write([new ClipboardItem({ 'image/png': new Blob([new Uint8Array(png)]) })]);
  assert.deepEqual(fake.files.clipboardItems[0]![0]!.types, ['image/png']);
});
