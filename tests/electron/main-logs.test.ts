/**
 * The log file of the real built main.js on the stand-in electron module: it exists
 * after a run, holds main's and the core's lines, the token never (not even when a
 * hostile server echoes it back in its close reason), is complete when the app has
 * quit, and rotates at its 1 MB cap keeping 5 files. Also the two help channels:
 * "Open log folder" (shell.openPath) and "Copy diagnostics" (clipboard.writeText).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { WebSocketServer } from 'ws';
import { logFileName } from '../../electron/core/support/logger';
import { mainPaths, runMain } from '../../electron/main/app';
import { createFakeElectron } from '../helpers/fake-electron';
import { bootStandIn, ROOT, type StandIn } from '../helpers/standin';
import { testServer } from '../helpers/server';
import { withTimeout } from '../helpers/wait';

const TOKEN = 'tok-LOGFILE-3c9e51-secret';
const LEAKS = [TOKEN, encodeURIComponent(TOKEN), Buffer.from(TOKEN).toString('base64')];
const LAUNCH = 'ozone=x11,ozone_by=deepin-wayland,sandbox=namespace,sandbox_by=userns,probe=unshare';

let s: StandIn;
let echo: WebSocketServer;
const logDir = () => path.join(s.userData, 'logs');

/** Every log file's text, newest file last. */
function allLogs(dir: string): string {
  const names = readdirSync(dir).sort().reverse();
  return names.map((n) => readFileSync(path.join(dir, n), 'utf8')).join('');
}

/** Re-checked each turn of the event loop (the logger writes once per turn), bounded by the timeout. */
function untilTrue(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  return withTimeout(
    (async () => {
      while (!check()) await new Promise((r) => setImmediate(r));
    })(),
    ms,
    what,
  );
}

const logHas = (pattern: RegExp) => () => existsSync(path.join(logDir(), logFileName(0))) && pattern.test(allLogs(logDir()));

before(async () => {
  // A hostile server: closes every connection with the request URL, token included, as the reason.
  echo = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => echo.once('listening', () => r()));
  echo.on('connection', (ws, req) => ws.close(4000, String(req.url).slice(0, 120)));
  const url = `ws://127.0.0.1:${(echo.address() as AddressInfo).port}/ws/chat/`;
  s = await bootStandIn(
    TOKEN,
    {},
    {
      waitConnected: false,
      env: { UOS_CHAT_SERVER: url, UOS_CHAT_LAUNCH: LAUNCH, XDG_SESSION_TYPE: 'x11', XDG_CURRENT_DESKTOP: 'Deepin' },
    },
  );
});

after(async () => {
  await s?.stop();
  await new Promise<void>((r) => echo.close(() => r()));
});

test('the log file exists after a run, with main and core lines, and the echoed token masked', async () => {
  await untilTrue(logHas(/\[core\] connection closed: .*4000/), 'the close reason in the log');
  const text = allLogs(logDir());
  assert.match(text, /^\d{4}-\d\d-\d\dT[\d:.]+Z INFO {2}\[main\] launch: display ozone x11/m);
  assert.match(text, /\[core\] connecting to ws:\/\/127\.0\.0\.1:\d+\/ws\/chat\//);
  assert.match(text, /token=\*\*\*/, 'the echoed URL is there, masked');
  for (const leak of LEAKS)
    assert.ok(!text.includes(leak), `the token leaked into the log: ${text.slice(text.indexOf(leak) - 80, text.indexOf(leak) + 20)}`);
});

test('"Copy diagnostics": versions, system, launch, logs and the connection on the clipboard, no token', async () => {
  const r = await s.api.copyDiagnostics();
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(s.fake.desktop.clipboard, r.text, 'what was copied is what the renderer is told');
  assert.match(r.text, /^UOS Chat 0\.0\.0-standin$/m);
  assert.match(r.text, /^electron: unknown; chrome: unknown; node: \d+\./m, 'outside Electron its versions are unknown, not made up');
  assert.match(r.text, /^system: \S/m);
  assert.match(r.text, /^session: x11; desktop: Deepin$/m);
  assert.match(r.text, /^display: ozone x11/m);
  assert.match(r.text, /^sandbox: namespace/m);
  assert.match(r.text, /^proxy: /m);
  assert.equal(r.text.match(/^logs: (.*)$/m)?.[1], logDir());
  assert.match(r.text, /^server: ws:\/\/127\.0\.0\.1:\d+\/ws\/chat\/$/m);
  assert.match(r.text, /^connection: (reconnecting|connecting)/m);
  for (const leak of LEAKS) assert.ok(!r.text.includes(leak), 'no token in the diagnostics');
  await untilTrue(logHas(/\[main\] diagnostics copied/), 'the copy logged');
});

test('"Open log folder" opens <userData>/logs with shell.openPath', async () => {
  const r = await s.api.showLogFolder();
  assert.deepEqual(r, { ok: true, folder: logDir() });
  assert.deepEqual(s.fake.desktop.opened, [logDir()]);
});

test('both channels take no argument: anything else is refused before main acts (no path from the renderer)', async () => {
  const top = s.fake.windows[0]!.webContents.mainFrame;
  for (const channel of ['chat:show-log-folder', 'chat:copy-diagnostics']) {
    for (const arg of ['/etc', { path: '/etc' }, ['/etc'], 0, '']) {
      await assert.rejects(s.fake.invokeAs(top, channel, arg), new RegExp(`${channel} takes no argument`));
    }
  }
  assert.deepEqual(s.fake.desktop.opened, [logDir()], 'nothing more was opened');
});

test('quitting: the lines of the quit are on disk when the process ends', async () => {
  let atExit = '';
  s.fake.app.once('quit', () => (atExit = readFileSync(path.join(logDir(), logFileName(0)), 'utf8')));
  s.fake.app.quit();
  await withTimeout(s.fake.app.whenExited(), 10_000, 'the app to end');
  assert.match(atExit, /\[main\] quitting\n$/, atExit.slice(-300));
  for (const leak of LEAKS) assert.ok(!atExit.includes(leak));
});

test('rotation at the cap: a full uos-chat.log becomes uos-chat.1.log, five files are kept', async () => {
  const srv = await testServer();
  const userData = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-rotate-'));
  try {
    const dir = path.join(userData, 'logs');
    mkdirSync(dir);
    writeFileSync(path.join(dir, logFileName(0)), `${'f'.repeat(1_048_576 - 41)}\n`);
    for (let i = 1; i <= 4; i += 1) writeFileSync(path.join(dir, logFileName(i)), `old file ${i}\n`);
    const fake = createFakeElectron(userData);
    const env = { UOS_CHAT_SERVER: srv.url, UOS_CHAT_TOKEN: 'token-alice' };
    const handle = await runMain(fake.electron as never, mainPaths(path.join(ROOT, 'dist/electron')), [], env);
    assert.ok(handle);
    fake.app.quit();
    await withTimeout(fake.app.whenExited(), 10_000, 'the app to end');
    assert.deepEqual(readdirSync(dir).sort(), [0, 1, 2, 3, 4].map(logFileName).sort(), 'five files, no sixth');
    assert.match(readFileSync(path.join(dir, logFileName(1)), 'utf8'), /^f+\n$/, 'the full file moved up whole');
    assert.equal(readFileSync(path.join(dir, logFileName(2)), 'utf8'), 'old file 1\n');
    assert.equal(readFileSync(path.join(dir, logFileName(4)), 'utf8'), 'old file 3\n', 'the oldest (old file 4) is gone');
    assert.match(readFileSync(path.join(dir, logFileName(0)), 'utf8'), /\[main\] launch: .*\n[\s\S]*\[main\] quitting\n$/);
  } finally {
    await srv.stop();
    rmSync(userData, { recursive: true, force: true });
  }
});
