/**
 * The real built main.js and preload.js, run with a stand-in for the electron
 * module, against the real core and the real reference server.
 * (The Electron binary cannot be downloaded here; tests/electron/binary.test.ts
 * runs the app for real wherever one exists.)
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ChatApi, LogEntry } from '../../electron/common/contract';
import type { Status } from '../../electron/common/state';
import { CONTENT_SECURITY_POLICY } from '../../electron/common/csp';
import { ChatClient } from '../../electron/core/connection/client';
import type { FakeElectron } from '../helpers/fake-electron';
import { bootStandIn, type StandIn } from '../helpers/standin';
import type { TestServer } from '../helpers/server';
import { stateIs, until } from '../helpers/wait';

const root = path.resolve(__dirname, '../..');
const distPreload = path.join(root, 'dist/electron/preload.js');

let s: StandIn;
let srv: TestServer;
let fake: FakeElectron;
let api: ChatApi;
let bob: ChatClient;

const waitForPush = (channel: string, predicate: (payload: any) => boolean, ms = 5000) => s.waitForPush(channel, predicate, ms);

before(async () => {
  s = await bootStandIn('token-alice', {}, { env: { XDG_CURRENT_DESKTOP: 'Deepin' } });
  ({ srv, fake, api } = s);
  bob = new ChatClient({ config: { url: srv.url, token: 'token-bob' } });
  await bob.start();
  await stateIs(bob, 'connected');
});

after(async () => {
  await bob?.stop();
  // Quitting the app stops its core cleanly (before-quit → client.stop → app.quit).
  await s?.stop();
});

test('the window is created with secure webPreferences', () => {
  assert.equal(fake.windows.length, 1);
  const prefs = fake.windows[0]!.options.webPreferences;
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.nodeIntegrationInSubFrames, false);
  assert.equal(prefs.webSecurity, true);
  assert.equal(prefs.allowRunningInsecureContent, false);
  assert.equal(prefs.webviewTag, false);
  assert.equal(prefs.disableBlinkFeatures, 'Auxclick');
  assert.equal(prefs.preload, distPreload);
  assert.ok(existsSync(prefs.preload), 'preload path resolves');
  assert.equal(fake.windows[0]!.loadedFile, path.join(root, 'dist/renderer/index.html'));
  assert.ok(existsSync(fake.windows[0]!.loadedFile!), 'index.html path resolves');
});

test('navigation, new windows, webviews and permissions are denied; CSP header is set', () => {
  const wc = fake.windows[0]!.webContents;
  assert.equal(wc.fireCancellable('will-navigate', 'https://example.com/'), true);
  assert.equal(wc.fireCancellable('will-redirect', 'https://example.com/'), true);
  assert.equal(wc.fireCancellable('will-attach-webview', {}, {}), true);
  assert.deepEqual(wc.windowOpenHandler?.({ url: 'https://example.com/' }), { action: 'deny' });
  let granted: boolean | undefined;
  fake.session.permissionRequestHandler?.({}, 'notifications', (ok: boolean) => (granted = ok));
  assert.equal(granted, false);
  assert.equal(fake.session.permissionCheckHandler?.({}, 'media'), false);
  let headers: Record<string, string[]> | undefined;
  fake.session.headersHandler?.(
    { responseHeaders: {} },
    (r: { responseHeaders: Record<string, string[]> }) => (headers = r.responseHeaders),
  );
  assert.deepEqual(headers?.['Content-Security-Policy'], [CONTENT_SECURITY_POLICY]);
});

test('main appends no ozone-platform switch: the launcher picks the backend before Chromium starts (too late from main.js)', () => {
  // Booted with XDG_CURRENT_DESKTOP=Deepin: the old runtime switch would have been appended here.
  assert.deepEqual(
    fake.switches.filter((s: { name: string }) => /ozone|wayland/.test(s.name)),
    [],
  );
});

test('preload exposes exactly the typed window.chat API and nothing generic', () => {
  assert.deepEqual([...fake.exposed.keys()], ['chat']);
  assert.deepEqual(Object.keys(api).sort(), [
    'act',
    'cancelUpload',
    'chooseCaBundle',
    'clearHistory',
    'copyDiagnostics',
    'copyImage',
    'createRoom',
    'discardLeftovers',
    'dismissNotice',
    'download',
    'dropStaged',
    'getConversations',
    'getDownloads',
    'getFilePlaces',
    'getLeftovers',
    'getMembers',
    'getNotices',
    'getOlder',
    'getSettings',
    'getSnapshot',
    'getUploads',
    'invite',
    'listUsers',
    'markRead',
    'onAccount',
    'onConversations',
    'onDownloads',
    'onEntries',
    'onStatus',
    'onUploads',
    'openConversation',
    'reconnectNow',
    'retry',
    'retryUpload',
    'saveAttachmentAs',
    'saveSettings',
    'search',
    'send',
    'sendFiles',
    'sendTo',
    'setDraft',
    'setNotify',
    'showDownload',
    'showLogFolder',
    'stageChunk',
    'stageFile',
    'startDm',
  ]);
  for (const k of Object.keys(api)) assert.equal(typeof (api as any)[k], 'function');
  assert.equal((api as any).invoke, undefined);
  assert.deepEqual([...fake.handlers.keys()].sort(), [
    'chat:act',
    'chat:cancel-upload',
    'chat:choose-ca-bundle',
    'chat:clear-history',
    'chat:copy-diagnostics',
    'chat:copy-image',
    'chat:create-room',
    'chat:discard-leftovers',
    'chat:dismiss-notice',
    'chat:download',
    'chat:drop-staged',
    'chat:get-attachment-places',
    'chat:get-conversations',
    'chat:get-downloads',
    'chat:get-leftovers',
    'chat:get-members',
    'chat:get-notices',
    'chat:get-older',
    'chat:get-settings',
    'chat:get-snapshot',
    'chat:get-uploads',
    'chat:invite',
    'chat:list-users',
    'chat:mark-read',
    'chat:reconnect-now',
    'chat:retry',
    'chat:retry-upload',
    'chat:save-attachment-as',
    'chat:save-settings',
    'chat:search',
    'chat:select-conversation',
    'chat:send',
    'chat:send-attachments',
    'chat:send-to',
    'chat:set-draft',
    'chat:set-notify',
    'chat:show-download',
    'chat:show-log-folder',
    'chat:stage-attachment',
    'chat:stage-chunk',
    'chat:start-dm',
  ]);
});

test('every IPC channel reaches the core, and status and messages are pushed to the window', async () => {
  const snap = await api.getSnapshot();
  assert.equal(snap.status.connection.kind, 'connected');
  assert.equal(snap.status.maxMessageBytes, 10240);

  const statuses: Status[] = [];
  const entries: LogEntry[] = [];
  const offStatus = api.onStatus((s) => statuses.push(s));
  const offEntries = api.onEntries((e) => entries.push(...e));

  // send → ipcMain → ChatService → ChatClient → real server → bob
  const r = await api.send('from the window 窗口');
  assert.ok(r.ok);
  await until(
    bob,
    () => bob.snapshot().entries.some((e) => e.kind === 'message' && e.text === 'from the window 窗口'),
    5000,
    'bob receives',
  );
  await waitForPush('chat:entries', (es: LogEntry[]) =>
    es.some((e) => e.kind === 'message' && e.text === 'from the window 窗口' && e.delivery === 'sent'),
  );

  // bob → server → core → pushed to the window → preload listener
  await bob.send('hello window');
  await waitForPush('chat:entries', (es: LogEntry[]) => es.some((e) => e.kind === 'message' && e.text === 'hello window'));
  assert.ok(entries.some((e) => e.kind === 'message' && e.text === 'hello window' && e.user === 'bob'));

  // retry: only failed own messages can be retried; anything else is a clear refusal, not a crash.
  const retry = await api.retry('no-such-key');
  assert.equal(!retry.ok && retry.reason.code, 'REJECTED');

  // reconnect-now is a no-op while connected and must not throw.
  assert.equal(await api.reconnectNow(), null);

  // Server restart: a status push reaches the window.
  await srv.restart();
  await waitForPush('chat:status', (s: Status) => s.connection.kind === 'reconnecting' || s.connection.kind === 'connecting');
  await waitForPush(
    'chat:status',
    (s: Status) => s.connection.kind === 'connected' && s.connection.since > (snap.status.connection as { since: number }).since,
  );
  assert.ok(statuses.some((s) => s.connection.kind !== 'connected'));
  offStatus();
  offEntries();
});

test('main validates every argument and refuses untrusted frames', async () => {
  const top = fake.windows[0]!.webContents.mainFrame;
  assert.equal(top.url, pathToFileURL(path.join(root, 'dist/renderer/index.html')).href);
  await assert.rejects(fake.invokeAs(top, 'chat:send', 42), /send needs a string/);
  await assert.rejects(fake.invokeAs(top, 'chat:send', 'x'.repeat(100_000)), /over/);
  await assert.rejects(fake.invokeAs(top, 'chat:get-snapshot', { sneaky: true }), /takes no argument/);
  await assert.rejects(fake.invokeAs(top, 'chat:retry', ''), /retry needs a message key/);
  await assert.rejects(fake.invokeAs({ url: 'https://evil.example/', parent: null }, 'chat:send', 'hi'), /untrusted sender/);
  await assert.rejects(fake.invokeAs({ url: top.url, parent: top }, 'chat:send', 'hi'), /untrusted sender/);
  // Still healthy afterwards.
  const ok = await fake.invokeAs(top, 'chat:get-snapshot', null);
  assert.equal((ok as { status: Status }).status.connection.kind, 'connected');
});

test('a second launch focuses the existing window', () => {
  const w = fake.windows[0]!;
  w.minimized = true;
  const before = w.focused;
  fake.app.emit('second-instance', {}, []);
  assert.equal(w.minimized, false);
  assert.equal(w.focused, before + 1);
});
