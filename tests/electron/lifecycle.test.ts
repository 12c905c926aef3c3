/**
 * The shell under Electron's real lifecycle: the built main.js in a process of its own on the
 * strict stand-in (tests/helpers/standin-process.ts), which ends right after 'quit' as Electron's
 * does. Window size and position, the outbox and settings reach the disk on every way out (the
 * close button, app.quit() / Ctrl+Q, SIGTERM, SIGINT); a notification stays clickable after a
 * garbage collection; a second launch during start-up is not lost; the app's own page is
 * trusted when the app lives under a path with spaces, Chinese or a '%'.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { accountOutboxText } from '../helpers/account-files';
import type { ChildConfig } from '../helpers/standin-child';
import { startStandInProcess, type StandInProcess } from '../helpers/standin-process';
import { fileFixtures } from '../helpers/file-fixtures';
import { withTimeout } from '../helpers/wait';

const ROOT = path.resolve(__dirname, '../..');
const fx = fileFixtures({ bob: true });

function dataDir(): string {
  const d = fx.tempDir('uos-chat-life-');
  writeFileSync(path.join(d, 'window-state.json'), JSON.stringify({ width: 1000, height: 700, x: 10, y: 20, maximized: false }));
  return d;
}

/** The app in its own process, connected; killed when the test ends if it is still there. */
async function launch(
  t: { after(fn: () => unknown): void },
  userData: string,
  more: { main?: string; fake?: ChildConfig['fake'] } = {},
): Promise<StandInProcess> {
  const app = startStandInProcess({
    userData,
    env: { UOS_CHAT_SERVER: fx.srv.url, UOS_CHAT_TOKEN: 'token-alice', XDG_CURRENT_DESKTOP: 'Deepin' },
    ...more,
  });
  t.after(async () => {
    app.kill('SIGKILL');
    await app.exited;
  });
  await app.waitFor((e) => e.ev === 'status' && e.kind === 'connected', 'the app to connect');
  return app;
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const MOVED = { x: 33, y: 44, width: 900, height: 650 };

/** Ends the app one way, then checks what the process left on disk and the order of events. */
async function endsSaving(
  t: { after(fn: () => unknown): void },
  how: (app: StandInProcess) => void,
  expect: { windowAllClosed: boolean },
): Promise<void> {
  const userData = dataDir();
  const app = await launch(t, userData);
  await app.request('set-bounds', MOVED);
  how(app);
  const end = await withTimeout(app.exited, 15_000, 'the app process to end');
  assert.deepEqual(end, { code: 0, signal: null }, `the app quits by itself (stderr: ${app.stderr.slice(-5).join(' | ')})`);
  assert.deepEqual(
    readJson(path.join(userData, 'window-state.json')),
    { ...MOVED, maximized: false },
    'size and position saved before the process ended',
  );
  const { lifecycle } = app.events.find((e) => e.ev === 'exit')!;
  assert.deepEqual(
    lifecycle.filter((e: string) => e !== 'before-quit'),
    ['close', 'closed', ...(expect.windowAllClosed ? ['window-all-closed'] : []), 'will-quit', 'quit', 'exit 0'],
  );
}

test('Ctrl+Q (app.quit()) saves the window size and position before the process ends', async (t) => {
  await endsSaving(t, (app) => app.post('quit'), { windowAllClosed: false });
});

test('SIGTERM (logout, systemctl stop, kill) saves the window state and quits cleanly', async (t) => {
  await endsSaving(t, (app) => app.kill('SIGTERM'), { windowAllClosed: false });
});

test('SIGINT (Ctrl+C in a terminal) saves the window state and quits cleanly', async (t) => {
  await endsSaving(t, (app) => app.kill('SIGINT'), { windowAllClosed: false });
});

test('the close button saves the window state, then the app quits', async (t) => {
  await endsSaving(t, (app) => app.post('close'), { windowAllClosed: true });
});

test('quitting keeps what is pending: an unsent message in the outbox and a settings change just saved', async (t) => {
  const userData = dataDir();
  // A server that does not answer: the message stays pending.
  const app = startStandInProcess({ userData, env: { UOS_CHAT_SERVER: 'ws://127.0.0.1:9/ws/chat/', UOS_CHAT_TOKEN: 'token-alice' } });
  t.after(async () => {
    app.kill('SIGKILL');
    await app.exited;
  });
  await app.waitFor((e) => e.ev === 'status', 'the first status');
  const sent = await app.request('invoke', { channel: 'chat:send', arg: 'pending when quitting' });
  assert.equal(sent.ok, true);
  // The settings change and the quit are sent together: quitting waits for the save.
  app.post('invoke', { channel: 'chat:save-settings', arg: { language: 'zh-CN' } });
  app.post('quit');
  assert.deepEqual(await withTimeout(app.exited, 15_000, 'the app process to end'), { code: 0, signal: null });
  assert.match(accountOutboxText(userData), /pending when quitting/);
  assert.equal(readJson(path.join(userData, 'settings.json')).language, 'zh-CN');
});

test('a second launch during start-up brings the window forward; the second instance hands over and touches nothing', async (t) => {
  const userData = dataDir();
  const first = await launch(t, userData, { fake: { secondInstanceAtStartUp: true } });
  const state = await first.request('state');
  assert.ok(state.windows[0].focused >= 1, 'the second-instance event that came right after ready focused the window');

  const before = [
    ...['window-state.json', 'settings.json'].map((f) => [f, readOrNone(path.join(userData, f))]),
    ['outboxes', accountOutboxText(userData)],
  ];
  // The stand-in's lock is per process: this child plays the second launch by being told it did not get the lock.
  const second = startStandInProcess({
    userData,
    env: { UOS_CHAT_SERVER: fx.srv.url, UOS_CHAT_TOKEN: 'token-alice' },
    fake: { singleInstanceLock: false },
  });
  t.after(() => second.kill('SIGKILL'));
  assert.deepEqual(await withTimeout(second.exited, 15_000, 'the second instance to end'), { code: 0, signal: null });
  const { lifecycle } = second.events.find((e) => e.ev === 'exit')!;
  assert.ok(!lifecycle.includes('close'), 'the second instance opened no window');
  const after = [
    ...['window-state.json', 'settings.json'].map((f) => [f, readOrNone(path.join(userData, f))]),
    ['outboxes', accountOutboxText(userData)],
  ];
  assert.deepEqual(after, before, 'the second instance wrote nothing');
  const focusedBefore = (await first.request('state')).windows[0].focused;
  await first.request('second-instance');
  assert.equal((await first.request('state')).windows[0].focused, focusedBefore + 1);
});

function readOrNone(file: string): string {
  try {
    return `${statSync(file).size}:${readFileSync(file, 'utf8')}`;
  } catch {
    return 'none';
  }
}

test('a notification survives garbage collection: clicking it later still brings the window forward', async (t) => {
  const app = await launch(t, dataDir());
  await app.request('blur');
  await fx.bob.send('are you there? 在吗');
  const shown = await app.waitFor((e) => e.ev === 'notification', 'a notification');
  assert.deepEqual(shown.options, { title: 'lobby', body: 'bob: are you there? 在吗', silent: false });
  const focusedBefore = (await app.request('state')).windows[0].focused;
  await app.request('gc');
  assert.equal(await app.request('click', shown.index), true, 'the click reached the notification object');
  assert.equal((await app.request('state')).windows[0].focused, focusedBefore + 1, 'clicking focuses the window');
});

test("the app's own page may use IPC when the app lives under ~/下载/UOS 聊天 or a folder with a '%' in its name", async (t) => {
  const cases: Array<[string[], string]> = [
    [['下载', 'UOS 聊天'], '/%E4%B8%8B%E8%BD%BD/UOS%20%E8%81%8A%E5%A4%A9/dist/renderer/index.html'],
    // Chromium keeps a literal '%' (Node's pathToFileURL would write '%25').
    [['100% 中文', 'UOS 聊天'], '/100%%20%E4%B8%AD%E6%96%87/UOS%20%E8%81%8A%E5%A4%A9/dist/renderer/index.html'],
  ];
  for (const [where, urlEnd] of cases) {
    const home = fx.tempDir('uos-chat-home-');
    const appDir = path.join(home, ...where);
    mkdirSync(path.join(appDir, 'dist'), { recursive: true });
    cpSync(path.join(ROOT, 'dist/electron'), path.join(appDir, 'dist/electron'), { recursive: true });
    cpSync(path.join(ROOT, 'dist/renderer'), path.join(appDir, 'dist/renderer'), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(appDir, 'node_modules'));
    const app = await launch(t, dataDir(), { main: path.join(appDir, 'dist/electron/main.js') });
    const { frameUrl } = (await app.request('state')).windows[0];
    assert.ok(frameUrl.endsWith(urlEnd), frameUrl);
    const snapshot = await app.request('invoke', { channel: 'chat:get-snapshot', arg: null });
    assert.equal(snapshot.status.connection.kind, 'connected', `IPC from ${frameUrl}`);
    app.post('quit');
    assert.equal((await withTimeout(app.exited, 15_000, 'the app to end')).code, 0);
  }
});
