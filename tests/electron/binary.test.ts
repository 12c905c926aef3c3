/**
 * The real app in a real Electron, driven by Playwright's `_electron`, wherever
 * an Electron binary exists. On machines where it cannot be downloaded (like
 * this project's CI) it prints a one-line notice and skips; the stand-in suite
 * (main-preload.test.ts, security-checklist.test.ts) covers main and preload there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { _electron } from 'playwright-core';
import { ChatClient } from '../../electron/core/client';
import { testServer } from '../helpers/server';
import { stateIs, until } from '../helpers/wait';

const root = path.resolve(__dirname, '../..');

/** The binary the `electron` package would run, without triggering its download. */
function electronBinary(): string | undefined {
  const pkg = path.join(root, 'node_modules/electron');
  const pathFile = path.join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const rel = readFileSync(pathFile, 'utf8').trim();
  const base = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(pkg, 'dist');
  const exe = path.join(base, rel);
  return existsSync(exe) ? exe : undefined;
}

const binary = electronBinary();
if (!binary) console.log('skip: no Electron binary on this machine (it cannot be downloaded here); main and preload are covered by the stand-in tests');

test('the real app connects, sends and receives in a real Electron window', { skip: binary ? false : 'no Electron binary here' }, async (t) => {
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
  assert.deepEqual(await page.evaluate(() => Object.keys((window as any).chat).sort()), ['getOlder', 'getSettings', 'getSnapshot', 'onEntries', 'onStatus', 'reconnectNow', 'retry', 'saveSettings', 'send']);
  assert.equal(await page.evaluate(() => typeof (window as any).require), 'undefined');
  assert.equal(await page.evaluate(() => typeof (window as any).process), 'undefined');

  await bob.start();
  await stateIs(bob, 'connected');
  await page.getByTestId('input').fill('from real Electron');
  await page.getByTestId('send').click();
  await until(bob, () => bob.snapshot().entries.some((e) => e.kind === 'message' && e.text === 'from real Electron'), 10_000, 'bob receives');
  await bob.send('hello Electron');
  await page.getByTestId('message-text').getByText('hello Electron', { exact: true }).waitFor({ timeout: 10_000 });
  await page.screenshot({ path: path.join(root, 'tests/artifacts/electron-window.png') });
});
