/**
 * The CA bundle field's "Choose…" on the built main.js and the stand-in's dialog
 * (fake-electron-dialog.ts): the dialog is parented to the chat window and filtered to
 * PEM/CRT/CER; the chosen file is read and parsed (PEM bundle or one DER certificate)
 * before the renderer gets its path, and anything else comes back as a structured problem.
 * The channel takes no argument: the renderer never names a path here.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { bootStandIn, type StandIn } from '../helpers/standin';
import { makePki, type TestPki } from '../helpers/certs';

let s: StandIn;
let dir: string;
let pki: TestPki;
const pick = (file: string | null) =>
  (s.fake.dialogState.answer = file === null ? { canceled: true, filePaths: [] } : { canceled: false, filePaths: [file] });

before(async () => {
  s = await bootStandIn();
  dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-ca-'));
  pki = makePki();
});

after(async () => {
  await s?.stop();
  rmSync(dir, { recursive: true, force: true });
  pki?.cleanup();
});

test('a PEM bundle and a DER .cer are taken; the dialog is parented to the window and filtered', async () => {
  const pem = path.join(dir, 'corp-ca.pem');
  writeFileSync(pem, pki.ca.cert + pki.good.cert);
  pick(pem);
  assert.deepEqual(await s.api.chooseCaBundle(), { ok: true, path: pem, certificates: 2 });
  const call = s.fake.dialogState.calls.at(-1)!;
  assert.equal(call.parent, s.fake.windows[0], 'modal to the chat window');
  assert.deepEqual(call.options.properties?.includes('openFile'), true);
  assert.deepEqual(call.options.filters?.[0]?.extensions, ['pem', 'crt', 'cer']);

  const der = path.join(dir, 'corp-ca.cer');
  writeFileSync(der, new X509Certificate(pki.ca.cert).raw);
  pick(der);
  assert.deepEqual(await s.api.chooseCaBundle(), { ok: true, path: der, certificates: 1 });
});

test('cancelled, unreadable and not-a-certificate files come back as problems, never as the path', async () => {
  pick(null);
  assert.deepEqual(await s.api.chooseCaBundle(), { ok: false, code: 'CANCELLED' });

  const missing = path.join(dir, 'gone.pem');
  pick(missing);
  assert.deepEqual(await s.api.chooseCaBundle(), { ok: false, code: 'CA_UNREADABLE', path: missing, detail: 'file not found' });

  const text = path.join(dir, 'notes.crt');
  writeFileSync(text, 'not a certificate\n');
  pick(text);
  assert.deepEqual(await s.api.chooseCaBundle(), {
    ok: false,
    code: 'CA_NO_CERTIFICATES',
    path: text,
    detail: 'no PEM or DER certificate found',
  });

  const broken = path.join(dir, 'broken.pem');
  writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
  pick(broken);
  assert.deepEqual(await s.api.chooseCaBundle(), {
    ok: false,
    code: 'CA_NO_CERTIFICATES',
    path: broken,
    detail: '1 certificate(s) could not be parsed',
  });

  if (process.getuid?.() !== 0) {
    const locked = path.join(dir, 'locked.pem');
    writeFileSync(locked, 'x');
    chmodSync(locked, 0o000);
    pick(locked);
    assert.deepEqual(await s.api.chooseCaBundle(), { ok: false, code: 'CA_UNREADABLE', path: locked, detail: 'permission denied' });
  }
});

test('the channel takes no argument: a path from the renderer is refused before main acts', async () => {
  const calls = s.fake.dialogState.calls.length;
  await assert.rejects(
    s.fake.invokeAs(s.fake.windows[0]!.webContents.mainFrame, 'chat:choose-ca-bundle', '/etc/passwd'),
    /takes no argument/,
  );
  assert.equal(s.fake.dialogState.calls.length, calls, 'no dialog shown');
});

test('the stand-in’s dialog is as strict as the docs: dotted extensions and foreign parents are refused', async () => {
  const { dialog } = s.fake.electron;
  await assert.rejects(dialog.showOpenDialog({ filters: [{ name: 'x', extensions: ['.pem'] }] }), /no dots or wildcards/);
  await assert.rejects(dialog.showOpenDialog({}, { properties: ['openFile'] }), /live BrowserWindow/);
});
