/**
 * Three rules of the strict stand-in (tests/helpers/fake-electron.ts), each shown twice: the stand-in
 * enforces it, and the built main.js behaves right under it.
 * - Switches appended after 'ready' have no effect (command-line-switches docs: "before the ready event");
 *   ozone-platform never does from main (electron#49084). Main appends none: the launcher decides.
 * - safeStorage is unavailable before 'ready' ("On Linux, returns true if the app has emitted the ready event
 *   and the secret key is available", safeStorage docs) and encryptString throws then. Main reads the sealed
 *   token only after 'ready'.
 * - The 'basic_text' backend (no keyring) is a hard-coded password, not protection (getSelectedStorageBackend
 *   docs). Main then keeps the token plainly in the 0600 settings file instead of pretending it is sealed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createFakeElectron } from '../helpers/fake-electron';
import { launchForTest, quitApp, type StandInProcess } from '../helpers/standin-process';
import type { ChildConfig } from '../helpers/standin-child';
import { fileFixtures } from '../helpers/file-fixtures';

const fx = fileFixtures();

function dataDir(files: Record<string, string> = {}): string {
  const d = fx.tempDir('uos-chat-rules-');
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(d, name), text, { mode: 0o600 });
  return d;
}

/** The app in its own process with settings from its files only; killed when the test ends if still there. */
function launch(t: { after(fn: () => unknown): void }, userData: string, fake?: ChildConfig['fake']): StandInProcess {
  return launchForTest(t, { userData, env: { UOS_CHAT_SERVER: undefined, UOS_CHAT_TOKEN: undefined }, fake });
}

test('stand-in: a switch appended before ready is kept; after ready, or ozone-platform at any time, it is ignored', async () => {
  const fake = createFakeElectron(dataDir());
  fake.app.commandLine.appendSwitch('disable-gpu-compositing');
  fake.app.commandLine.appendSwitch('ozone-platform', 'x11');
  assert.deepEqual(fake.ignoredSwitches, ['ozone-platform']);
  await fake.app.whenReady();
  fake.app.commandLine.appendSwitch('enable-features', 'WaylandWindowDecorations');
  assert.deepEqual(fake.ignoredSwitches, ['ozone-platform', 'enable-features']);
});

test('stand-in: safeStorage is unavailable before ready (encryptString throws), available after; basic_text says so', async () => {
  const fake = createFakeElectron(dataDir());
  assert.equal(fake.safeStorage.isEncryptionAvailable(), false);
  assert.throws(() => fake.safeStorage.encryptString('token'), /Encryption is not available/);
  assert.throws(() => fake.safeStorage.getSelectedStorageBackend(), /before app is ready/);
  await fake.app.whenReady();
  assert.equal(fake.safeStorage.isEncryptionAvailable(), true);
  assert.notEqual(fake.safeStorage.encryptString('token').toString(), 'token');

  const noKeyring = createFakeElectron(dataDir(), { safeStorageBackend: 'basic_text' });
  await noKeyring.app.whenReady();
  // Electron reports encryption as available with basic_text: only the backend's name tells it is not protection.
  assert.equal(noKeyring.safeStorage.isEncryptionAvailable(), true);
  assert.equal(noKeyring.safeStorage.getSelectedStorageBackend(), 'basic_text');
});

test('main appends no switch after ready: the display backend and the sandbox are the launcher’s (nothing ignored)', async (t) => {
  const app = launch(t, dataDir({ 'settings.json': JSON.stringify({ version: 1, serverUrl: fx.srv.url, token: 'token-alice' }) }));
  await app.waitFor((e) => e.ev === 'status' && e.kind === 'connected', 'the app to connect');
  await app.request('invoke', { channel: 'chat:save-settings', arg: { language: 'en' } });
  const { switches, ignoredSwitches } = await app.request('state');
  assert.deepEqual(ignoredSwitches, [], `switches main appended too late to count: ${JSON.stringify(switches)}`);
  await quitApp(app);
});

test('main opens a sealed token only after ready: with a keyring the app starts connected from the sealed file', async (t) => {
  // The stand-in's sealing (fake-electron.ts safeStorage), as the settings file keeps it: base64 of the sealed bytes.
  const sealed = Buffer.from(`sealed:${Buffer.from('token-alice').toString('hex')}`).toString('base64');
  const userData = dataDir({ 'settings.json': JSON.stringify({ version: 1, serverUrl: fx.srv.url, tokenSealed: sealed }) });
  const app = launch(t, userData, { safeStorageBackend: 'gnome_libsecret' });
  await app.waitFor((e) => e.ev === 'status' && e.kind === 'connected', 'the app to connect with the unsealed token');
  assert.equal(app.events.filter((e) => e.ev === 'status' && e.kind === 'auth-failed').length, 0);
  await quitApp(app);
});

test('basic_text (no keyring): a token saved in settings is kept plainly in the 0600 file, not "sealed" with a known password', async (t) => {
  const userData = dataDir({ 'settings.json': JSON.stringify({ version: 1, serverUrl: fx.srv.url }) });
  const app = launch(t, userData, { safeStorageBackend: 'basic_text' });
  await app.waitFor((e) => e.ev === 'status', 'the first status');
  const saved = await app.request('invoke', { channel: 'chat:save-settings', arg: { token: 'token-alice' } });
  assert.equal(saved.ok, true, JSON.stringify(saved));
  await app.waitFor((e) => e.ev === 'status' && e.kind === 'connected', 'the app to connect with the saved token');
  await quitApp(app);
  const file = path.join(userData, 'settings.json');
  const onDisk = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(onDisk.token, 'token-alice');
  assert.equal(onDisk.tokenSealed, undefined, 'nothing pretends to be sealed');
  assert.equal(statSync(file).mode & 0o777, 0o600);
});
