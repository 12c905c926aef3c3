/**
 * The real app in a real Electron, driven by Playwright's `_electron`, wherever
 * an Electron binary exists. On machines where it cannot be downloaded (like
 * this project's CI) it prints a one-line notice and skips; the stand-in suite
 * (main-preload.test.ts, lifecycle.test.ts, security-checklist.test.ts) covers main and preload there.
 *
 * ELECTRON_OVERRIDE_DIST_PATH names a directory holding an `electron` binary (as the electron
 * package's own launcher honours it). Without a DISPLAY the file re-runs itself under `xvfb-run -a`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { _electron } from 'playwright-core';
import { ChatClient } from '../../electron/core/connection/client';
import { testServer } from '../helpers/server';
import { stateIs, until } from '../helpers/wait';

const root = path.resolve(__dirname, '../..');

/** The binary the `electron` package would run, without triggering its download. */
function electronBinary(): string | undefined {
  const pkg = path.join(root, 'node_modules/electron');
  const pathFile = path.join(pkg, 'path.txt');
  // The electron package's index.js: ELECTRON_OVERRIDE_DIST_PATH + the platform's executable name (path.txt may be absent then).
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const base = process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(pkg, 'dist');
  const exe = path.join(base, rel);
  return existsSync(exe) ? exe : undefined;
}

const binary = electronBinary();
const needsXvfb = binary !== undefined && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
if (!binary)
  console.log(
    'skip: no Electron binary on this machine (it cannot be downloaded here); main and preload are covered by the stand-in tests',
  );

test('without a display, this file runs again under xvfb-run', { skip: needsXvfb ? false : 'a display is there, or no binary' }, () => {
  const r = spawnSync('xvfb-run', ['-a', process.execPath, '--import', 'tsx', '--test', __filename], {
    cwd: root,
    stdio: 'inherit',
    timeout: 600_000,
  });
  assert.equal(r.error, undefined, 'xvfb-run is installed (apt-get install xvfb)');
  assert.equal(r.status, 0);
});
const runHere = binary !== undefined && !needsXvfb;

function launchApp(userData: string, env: NodeJS.ProcessEnv) {
  return _electron.launch({
    executablePath: binary!,
    args: [root, `--user-data-dir=${userData}`, '--js-flags=--expose-gc', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    env: Object.fromEntries(Object.entries({ ...process.env, ...env }).filter((e): e is [string, string] => e[1] !== undefined)),
    timeout: 60_000,
  });
}

test(
  'the real app connects, sends and receives in a real Electron window',
  { skip: runHere ? false : 'no Electron binary here (or run under xvfb-run)' },
  async (t) => {
    const srv = await testServer();
    const userData = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-electron-'));
    const bob = new ChatClient({ config: { url: srv.url, token: 'token-bob' } });
    const app = await _electron.launch({
      executablePath: binary!,
      args: [root, `--user-data-dir=${userData}`, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
      env: { ...process.env, UOS_CHAT_SERVER: srv.url, UOS_CHAT_TOKEN: 'token-alice' },
      timeout: 60_000,
    });
    t.after(async () => {
      await app.close();
      await bob.stop();
      await srv.stop();
      rmSync(userData, { recursive: true, force: true });
    });
    const page = await app.firstWindow();
    await page.locator('[data-testid="status"][data-state="connected"]').waitFor({ timeout: 20_000 });
    // The renderer has window.chat and nothing of Node.
    assert.deepEqual(await page.evaluate(() => Object.keys((window as any).chat).sort()), [
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
    assert.equal(await page.evaluate(() => typeof (window as any).require), 'undefined');
    assert.equal(await page.evaluate(() => typeof (window as any).process), 'undefined');

    await bob.start();
    await stateIs(bob, 'connected');
    await page.getByTestId('input').fill('from real Electron');
    await page.getByTestId('send').click();
    await until(
      bob,
      () => bob.snapshot().entries.some((e) => e.kind === 'message' && e.text === 'from real Electron'),
      10_000,
      'bob receives',
    );
    await bob.send('hello Electron');
    await page.getByTestId('message-text').getByText('hello Electron', { exact: true }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(root, 'tests/artifacts/electron-window.png') });
  },
);

test(
  'real Electron: Ctrl+Q saves the window size and position, the next start restores them',
  { skip: runHere ? false : 'no Electron binary here' },
  async (t) => {
    const srv = await testServer();
    const userData = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-electron-'));
    t.after(async () => {
      await srv.stop();
      rmSync(userData, { recursive: true, force: true });
    });
    const env = { UOS_CHAT_SERVER: srv.url, UOS_CHAT_TOKEN: 'token-alice' };
    const first = await launchApp(userData, env);
    await (await first.firstWindow()).locator('[data-testid="status"][data-state="connected"]').waitFor({ timeout: 20_000 });
    await first.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.setBounds({ x: 40, y: 50, width: 820, height: 610 }));
    const exited = new Promise((r) => first.process().once('exit', r));
    await first.evaluate(({ app }) => app.quit());
    await exited;
    const second = await launchApp(userData, env);
    t.after(() => second.close());
    await second.firstWindow();
    const b = await second.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.getNormalBounds());
    assert.deepEqual([b.width, b.height], [820, 610]);
  },
);

test(
  'real Electron: a notification clicked after a garbage collection focuses the window; navigation is denied; the CSP holds',
  { skip: runHere ? false : 'no Electron binary here' },
  async (t) => {
    const srv = await testServer();
    const userData = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-electron-'));
    writeFileSync(path.join(userData, 'window-state.json'), JSON.stringify({ width: 800, height: 600, maximized: false }));
    const bob = new ChatClient({ config: { url: srv.url, token: 'token-bob' } });
    const app = await launchApp(userData, { UOS_CHAT_SERVER: srv.url, UOS_CHAT_TOKEN: 'token-alice' });
    t.after(async () => {
      await app.close();
      await bob.stop();
      await srv.stop();
      rmSync(userData, { recursive: true, force: true });
    });
    const page = await app.firstWindow();
    await page.locator('[data-testid="status"][data-state="connected"]').waitFor({ timeout: 20_000 });
    // Remember each notification weakly (as Electron does), and count focus requests.
    await app.evaluate(({ Notification, BrowserWindow }) => {
      const g = globalThis as any;
      g.__shown = [];
      const show = Notification.prototype.show;
      Notification.prototype.show = function (this: any) {
        g.__shown.push(new WeakRef(this));
        return show.call(this);
      };
      const w = BrowserWindow.getAllWindows()[0]!;
      g.__focusCalls = 0;
      const focus = w.focus.bind(w);
      w.focus = () => {
        g.__focusCalls += 1;
        return focus();
      };
      w.blur();
      w.emit('blur');
    });
    await bob.start();
    await stateIs(bob, 'connected');
    await bob.send('are you there?');
    await page.getByTestId('message-text').getByText('are you there?', { exact: true }).waitFor({ timeout: 10_000 });
    const clicked = await app.evaluate(async () => {
      const g = globalThis as any;
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setImmediate(r));
        g.gc?.();
      }
      const n = g.__shown.at(-1)?.deref();
      n?.emit('click', {});
      return { reached: n !== undefined, focusCalls: g.__focusCalls };
    });
    assert.deepEqual(clicked, { reached: true, focusCalls: 1 });

    const before = page.url();
    await page.evaluate(() => (location.href = 'https://example.com/')).catch(() => undefined);
    assert.equal(page.url(), before, 'navigation away is denied');
    const inlineRan = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inline = true';
      document.body.append(s);
      return (window as any).__inline === true;
    });
    assert.equal(inlineRan, false, 'the CSP refuses inline script');
  },
);
