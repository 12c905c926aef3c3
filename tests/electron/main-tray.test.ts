/**
 * A chat app that keeps running (issue 19): the built main.js in a process of its own on the strict
 * stand-in (Tray and Menu in tests/helpers/fake-electron-tray.ts), with a private session bus whose
 * test StatusNotifierWatcher says whether a tray host is there. Closing hides the window with a host
 * and quits without one; the tray menu's Quit saves the window state and the outbox and exits;
 * --hidden starts with no window shown and a notification click shows it; the autostart entry is
 * written, passes desktop-file-validate, and is removed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { accountOutboxText } from '../helpers/account-files';
import { serve, SNI, SniWatcher, startBus } from '../helpers/dbus';
import { startStandInProcess, type StandInProcess } from '../helpers/standin-process';
import { fileFixtures } from '../helpers/file-fixtures';
import { withTimeout } from '../helpers/wait';

const fx = fileFixtures({ bob: true });
const MOVED = { x: 33, y: 44, width: 900, height: 650 };
const LAUNCHER = '/opt/apps/UOS Chat/files/bin/uos-chat'; // a space: the Exec line must quote it

function dataDir(settings?: Record<string, unknown>): string {
  const d = fx.tempDir('uos-chat-tray-');
  writeFileSync(path.join(d, 'window-state.json'), JSON.stringify({ width: 1000, height: 700, x: 10, y: 20, maximized: false }));
  if (settings) writeFileSync(path.join(d, 'settings.json'), JSON.stringify({ version: 1, ...settings }));
  return d;
}

type T = import('node:test').TestContext;

/** A private session bus with a StatusNotifierWatcher; `host` says whether a host (the dock) registered. */
async function sessionBus(t: T, host: boolean): Promise<string> {
  const bus = await startBus(t, 'session');
  await serve(t, bus.address, SNI.name, SNI.path, new SniWatcher(host));
  return bus.address;
}

interface Launch {
  userData: string;
  bus: string;
  host: boolean;
  server?: string;
  args?: string[];
  config?: string;
  waitFor?: 'connected' | 'status';
}

async function launch(t: T, o: Launch): Promise<StandInProcess> {
  const env = {
    UOS_CHAT_SERVER: o.server ?? fx.srv.url,
    UOS_CHAT_TOKEN: 'token-alice',
    DBUS_SESSION_BUS_ADDRESS: o.bus,
    XDG_CONFIG_HOME: o.config ?? fx.tempDir('uos-chat-config-'),
    UOS_CHAT_LAUNCHER: LAUNCHER,
  };
  const app = startStandInProcess({ userData: o.userData, env, args: o.args, fake: { trayHost: o.host } });
  t.after(async () => {
    app.kill('SIGKILL');
    await app.exited;
  });
  const want = o.waitFor ?? 'connected';
  await app.waitFor((e) => e.ev === 'status' && (want === 'status' || e.kind === 'connected'), `the app to report ${want}`);
  return app;
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const exited = (app: StandInProcess) => withTimeout(app.exited, 15_000, 'the app process to end');

test('with a tray host: closing hides the window (a one-time notice says so); the tray menu Show brings it back', async (t) => {
  const app = await launch(t, { userData: dataDir(), bus: await sessionBus(t, true), host: true });
  const tray = await app.waitFor((e) => e.ev === 'tray' && e.tray?.tooltip === 'UOS Chat: connected', 'the tray to say connected');
  assert.equal(tray.tray.tooltip, 'UOS Chat: connected');
  assert.equal(tray.tray.image, 'normal.png');
  assert.equal(await app.request('close'), false, 'the close was turned into a hide');
  let state = await app.request('state');
  assert.deepEqual(
    state.windows.map((w: { visible: boolean }) => w.visible),
    [false],
    'one window, hidden',
  );
  assert.deepEqual(
    state.tray.menu.map((m: { label: string }) => m.label),
    ['Show window', '', 'UOS Chat: connected', 'Reconnect now', '', 'Quit UOS Chat'],
  );
  const notice = await app.waitFor((e) => e.ev === 'notification', 'the keeps-running notice');
  assert.equal(notice.options.title, 'UOS Chat keeps running in the tray');

  await app.request('gc'); // main keeps a reference: the tray survives a collection (Tray docs)
  assert.equal(await app.request('click-tray', 'Show window'), true);
  await app.waitFor((e) => e.ev === 'window-shown', 'the window shown from the tray');
  assert.equal(await app.request('close'), false);
  state = await app.request('state');
  assert.equal(state.notifications.length, 1, 'the notice shows once, not on every close');
  assert.equal(app.events.filter((e) => e.ev === 'exit').length, 0, 'still running');
});

test('the tray menu Quit saves the window state and the outbox, and exits', async (t) => {
  const userData = dataDir();
  // A server that does not answer: the message stays pending, and the tray shows the offline look.
  const app = await launch(t, {
    userData,
    bus: await sessionBus(t, true),
    host: true,
    server: 'ws://127.0.0.1:9/ws/chat/',
    waitFor: 'status',
  });
  await app.request('set-bounds', MOVED);
  assert.equal((await app.request('invoke', { channel: 'chat:send', arg: 'pending at tray quit' })).ok, true);
  assert.equal(await app.request('close'), false, 'hidden into the tray');
  const tray = (await app.request('state')).tray;
  assert.equal(tray.image, 'offline.png');
  app.post('click-tray', 'Quit UOS Chat');
  assert.deepEqual(await exited(app), { code: 0, signal: null });
  assert.deepEqual(readJson(path.join(userData, 'window-state.json')), { ...MOVED, maximized: false });
  assert.match(accountOutboxText(userData), /pending at tray quit/);
  const { lifecycle } = app.events.find((e) => e.ev === 'exit')!;
  assert.deepEqual(lifecycle.slice(-5), ['close', 'closed', 'will-quit', 'quit', 'exit 0']);
});

test('a watcher without a host: closing quits, as before', async (t) => {
  const userData = dataDir();
  const app = await launch(t, { userData, bus: await sessionBus(t, false), host: false });
  await app.request('set-bounds', MOVED);
  app.post('close');
  assert.deepEqual(await exited(app), { code: 0, signal: null });
  assert.deepEqual(readJson(path.join(userData, 'window-state.json')), { ...MOVED, maximized: false });
  assert.ok(app.events.find((e) => e.ev === 'exit')!.lifecycle.includes('window-all-closed'));
});

test('--hidden with a tray host: no window shown; a notification click shows it', async (t) => {
  const app = await launch(t, { userData: dataDir(), bus: await sessionBus(t, true), host: true, args: ['--hidden'] });
  assert.deepEqual(
    (await app.request('state')).windows.map((w: { visible: boolean }) => w.visible),
    [false],
  );
  assert.equal(
    app.events.some((e) => e.ev === 'window-shown'),
    false,
  );
  await fx.bob.send('hello to the tray');
  const n = await app.waitFor((e) => e.ev === 'notification', 'a notification for the hidden window');
  assert.equal(await app.request('click', n.index), true);
  await app.waitFor((e) => e.ev === 'window-shown', 'the window shown by the click');
  assert.deepEqual(
    (await app.request('state')).windows.map((w: { visible: boolean }) => w.visible),
    [true],
  );
});

test('--hidden without a tray host shows the window anyway (it could not be found again)', async (t) => {
  const app = await launch(t, { userData: dataDir(), bus: await sessionBus(t, false), host: false, args: ['--hidden'] });
  await app.waitFor((e) => e.ev === 'window-shown', 'the window shown');
});

test('"Start UOS Chat when I log in" writes an XDG autostart entry through the launcher with --hidden, and removes it', async (t) => {
  const config = fx.tempDir('uos-chat-xdg-');
  const file = path.join(config, 'autostart', 'org.uoschat.uos-chat.desktop');
  const userData = dataDir({ autostart: 'on' });
  const bus = await sessionBus(t, true);
  const first = await launch(t, { userData, bus, host: true, config });
  first.post('quit'); // quitting waits for the entry to be written
  assert.deepEqual(await exited(first), { code: 0, signal: null });
  const entry = readFileSync(file, 'utf8');
  assert.match(entry, /^Exec="\/opt\/apps\/UOS Chat\/files\/bin\/uos-chat" --hidden$/m);
  execFileSync('desktop-file-validate', [file]); // throws with its complaints on stderr

  const second = await launch(t, { userData, bus, host: true, config });
  const saved = await second.request('invoke', { channel: 'chat:save-settings', arg: { autostart: 'off' } });
  assert.equal(saved.ok, true);
  assert.equal(saved.settings.autostart, 'off');
  second.post('quit');
  assert.deepEqual(await exited(second), { code: 0, signal: null });
  assert.equal(existsSync(file), false, 'the entry is gone');
});
