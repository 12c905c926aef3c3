/**
 * Desktop behaviour of the real built main.js on the stand-in electron module:
 * settings over IPC (validated, saved with the token sealed, applied without a
 * restart), notifications and the unread count, window size and position
 * remembered, single instance.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SaveSettingsResult, SettingsProblem, SettingsView } from '../../electron/common/contract';
import type { Status } from '../../electron/common/state';
import { ChatClient } from '../../electron/core/connection/client';
import { mainPaths, runMain } from '../../electron/main/app';
import { createFakeElectron, type FakeElectron } from '../helpers/fake-electron';
import { bootStandIn, ROOT as root, type StandIn } from '../helpers/standin';
import type { TestServer } from '../helpers/server';
import { stateIs, withTimeout } from '../helpers/wait';
import { MAIN_PROCESS_V8_FLAGS } from '../../electron/core/desktop/heap-tuning';

let s: StandIn;
let srv: TestServer;
let fake: FakeElectron;
let userData: string;
let bob: ChatClient;
const top = () => fake.windows[0]!.webContents.mainFrame;
const invoke = (channel: string, arg: unknown = null) => fake.invokeAs(top(), channel, arg);

/** The next push on `channel` (from now on) that satisfies `predicate`. */
function pushed(channel: string, predicate: (payload: any) => boolean, ms = 5000): Promise<unknown> {
  const wc = fake.windows[0]!.webContents;
  const start = wc.sent.length;
  const hit = () => wc.sent.slice(start).find((x) => x.channel === channel && predicate(x.payload));
  return withTimeout(
    new Promise((resolve) => {
      const l = () => {
        const h = hit();
        if (h) {
          wc.off('test:sent', l);
          resolve(h.payload);
        }
      };
      wc.on('test:sent', l);
      l();
    }),
    ms,
    `${channel} push`,
  );
}

const until = (check: () => boolean, what: string, ms = 5000) =>
  withTimeout(
    (async () => {
      while (!check()) await new Promise((r) => setImmediate(r));
    })(),
    ms,
    what,
  );

before(async () => {
  // Settings from the file only (no env overrides), with a wrong token to begin with.
  s = await bootStandIn(
    null,
    {},
    {
      waitConnected: false,
      files: (server) => ({
        'window-state.json': JSON.stringify({ width: 1000, height: 700, x: 10, y: 20, maximized: false }),
        'settings.json': JSON.stringify({ version: 1, serverUrl: server.url, token: 'wrong-token' }),
      }),
    },
  );
  ({ srv, fake, userData } = s);
  bob = new ChatClient({ config: { url: srv.url, token: 'token-bob' } });
  await bob.start();
  await stateIs(bob, 'connected');
});

after(async () => {
  await bob?.stop();
  await s?.stop();
});

test('the window opens with the remembered size and position', () => {
  const o = fake.windows[0]!.options;
  assert.deepEqual([o.width, o.height, o.x, o.y], [1000, 700, 10, 20]);
});

test('settings: a wrong token says so; the right one, saved in settings, connects without a restart and is stored sealed', async () => {
  await s.waitForPush('chat:status', (x: Status) => x.connection.kind === 'auth-failed');
  const view = (await invoke('chat:get-settings')) as SettingsView;
  assert.equal(view.serverUrl, srv.url);
  assert.equal(view.hasToken, true);
  assert.ok(!JSON.stringify(view).includes('wrong-token'), 'the token never goes to the renderer');

  const bad = (await invoke('chat:save-settings', { serverUrl: 'http://not-websocket/' })) as SaveSettingsResult;
  assert.equal(bad.ok, false);
  assert.deepEqual((bad as { problems: SettingsProblem[] }).problems, [{ field: 'serverUrl', code: 'BAD_URL' }]);
  await assert.rejects(invoke('chat:save-settings', { token: 42 }), /token must be a string/);
  await assert.rejects(invoke('chat:save-settings', { evil: 'x' }), /unknown field/);

  const connected = pushed('chat:status', (s: Status) => s.connection.kind === 'connected');
  const ok = (await invoke('chat:save-settings', { token: 'token-alice' })) as SaveSettingsResult;
  assert.ok(ok.ok);
  await connected;
  const file = path.join(userData, 'settings.json');
  const text = readFileSync(file, 'utf8');
  assert.ok(!text.includes('token-alice') && !text.includes('wrong-token'), 'no plain token in the file');
  assert.match(text, /"tokenSealed"/);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  // Language only: saved, no reconnect.
  const before = fake.windows[0]!.webContents.sent.length;
  const lang = (await invoke('chat:save-settings', { language: 'zh-CN' })) as SaveSettingsResult;
  assert.ok(lang.ok && lang.settings.language === 'zh-CN');
  assert.ok(
    !fake.windows[0]!.webContents.sent.slice(before).some(
      (s) => s.channel === 'chat:status' && (s.payload as Status).connection.kind !== 'connected',
    ),
  );
});

test('in the background: a notification for a new message (clicking focuses the window) and the unread count in the title', async () => {
  const snap = (await invoke('chat:get-snapshot')) as { status: Status };
  assert.equal(snap.status.connection.kind, 'connected');
  const w = fake.windows[0]!;
  w.blur();
  const n0 = fake.notifications.length;
  await bob.send('are you there?');
  await until(() => fake.notifications.length > n0, 'a notification');
  const index = fake.notifications.length - 1;
  const n = fake.notifications[index]!;
  assert.deepEqual(n.options, { title: 'lobby', body: 'bob: are you there?', silent: false });
  assert.equal(n.shown, true);
  assert.equal(w.title, '(1) UOS Chat');
  await bob.send('hello?');
  await until(() => w.title === '(2) UOS Chat', 'the second unread');
  assert.equal(fake.notifications.length, n0 + 1, 'bursts do not become a storm of notifications');
  const focusedBefore = w.focused;
  assert.equal(fake.clickNotification(index), true, 'the click reached the notification');
  assert.equal(w.focused, focusedBefore + 1, 'clicking the notification asks for focus');
  assert.equal(w.title, '(2) UOS Chat', 'asking is not getting: the window manager may refuse focus');
  w.userFocus();
  // The window, shown and focused, says the conversation was seen (the renderer's markRead): every device's count clears.
  await invoke('chat:mark-read', 'lobby');
  await until(() => w.title === 'UOS Chat', 'the unread count cleared by reading');
});

test('where notifications are not supported, none is shown and the unread count still shows', async () => {
  const w = fake.windows[0]!;
  fake.notificationState.supported = false;
  try {
    w.blur();
    const n0 = fake.notifications.length;
    await bob.send('no notification server here');
    await until(() => w.title === '(1) UOS Chat', 'the unread count');
    assert.equal(fake.notifications.length, n0, 'no Notification was created');
    w.userFocus();
    await invoke('chat:mark-read', 'lobby');
    await until(() => w.title === 'UOS Chat', 'read');
  } finally {
    fake.notificationState.supported = true;
  }
});

test('closing the window remembers its size and position, then the app quits', async () => {
  const w = fake.windows[0]!;
  w.bounds = { x: 33, y: 44, width: 800, height: 600 };
  w.close();
  await withTimeout(fake.app.whenExited(), 10_000, 'the app to end after its last window closed');
  // What was on disk when the process ended (a save finishing later would not count).
  assert.deepEqual(JSON.parse(fake.app.diskAtExit!.get('window-state.json')!), { x: 33, y: 44, width: 800, height: 600, maximized: false });
  const fromClose = fake.lifecycle.slice(fake.lifecycle.indexOf('close')).filter((e) => e !== 'before-quit');
  assert.deepEqual(fromClose, ['close', 'closed', 'window-all-closed', 'will-quit', 'quit', 'exit 0']);
});

test('single instance: a second launch quits without opening a window', async () => {
  const second = createFakeElectron(mkdtempSync(path.join(os.tmpdir(), 'uos-chat-second-')));
  second.app.singleInstance = false;
  const v8Flags: string[] = [];
  const handle = await runMain(
    second.electron as never,
    mainPaths(path.join(root, 'dist/electron')),
    [],
    {},
    { setV8Flags: (f) => v8Flags.push(f) },
  );
  assert.equal(handle, undefined);
  // The heap tuning happens first thing, in every main process (electron/core/desktop/heap-tuning.ts).
  assert.deepEqual(v8Flags, [...MAIN_PROCESS_V8_FLAGS]);
  assert.equal(second.app.quitCalls, 1);
  assert.equal(second.windows.length, 0);
});
