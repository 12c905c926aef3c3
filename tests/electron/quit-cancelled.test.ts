/**
 * A quit that is cancelled (the page refuses to close, as a beforeunload handler can) leaves the app
 * running; the next way out, the close button or Ctrl+Q, still saves the window's size and position
 * before the process ends. The built main.js in a process of its own on the strict stand-in, which
 * ends right after 'quit' as Electron does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startStandInProcess, type StandInProcess } from '../helpers/standin-process';
import { fileFixtures } from '../helpers/file-fixtures';
import { withTimeout } from '../helpers/wait';

const fx = fileFixtures();

const FIRST = { x: 33, y: 44, width: 900, height: 650 };
const LATER = { x: 120, y: 80, width: 1024, height: 720 };
const readState = (userData: string) => JSON.parse(readFileSync(path.join(userData, 'window-state.json'), 'utf8'));

/** The app, connected, whose first quit the page cancels; resolves once that quit is over and the window is still there. */
async function appAfterCancelledQuit(t: { after(fn: () => unknown): void }): Promise<{ app: StandInProcess; userData: string }> {
  const userData = fx.tempDir('uos-chat-cancel-');
  writeFileSync(path.join(userData, 'window-state.json'), JSON.stringify({ width: 1000, height: 700, x: 10, y: 20, maximized: false }));
  const app = startStandInProcess({ userData, env: { UOS_CHAT_SERVER: fx.srv.url, UOS_CHAT_TOKEN: 'token-alice' } });
  t.after(async () => {
    app.kill('SIGKILL');
    await app.exited;
  });
  await app.waitFor((e) => e.ev === 'status' && e.kind === 'connected', 'the app to connect');
  await app.request('set-bounds', FIRST);
  await app.request('refuse-next-close');
  app.post('quit');
  // The work before quitting runs, main quits again, the window refuses: the stand-in's lifecycle then ends in 'close'.
  let lifecycle: string[] = [];
  for (let i = 0; i < 200 && !(lifecycle.filter((e) => e === 'before-quit').length >= 2 && lifecycle.at(-1) === 'close'); i++) {
    lifecycle = (await app.request('state')).lifecycle;
  }
  assert.deepEqual(lifecycle, ['before-quit', 'before-quit', 'close'], 'the quit was cancelled by the window');
  assert.equal((await app.request('state')).windows.length, 1, 'the window is still open');
  assert.deepEqual(readState(userData), { ...FIRST, maximized: false }, 'the cancelled quit saved the state it had');
  return { app, userData };
}

async function endsWithLaterState(app: StandInProcess, userData: string, how: 'close' | 'quit'): Promise<string[]> {
  await app.request('set-bounds', LATER);
  app.post(how);
  assert.deepEqual(
    await withTimeout(app.exited, 15_000, 'the app process to end'),
    { code: 0, signal: null },
    app.stderr.slice(-5).join(' | '),
  );
  assert.deepEqual(
    readState(userData),
    { ...LATER, maximized: false },
    'the later size and position reached the disk before the process ended',
  );
  return app.events.find((e) => e.ev === 'exit')!.lifecycle;
}

test('after a cancelled quit, the close button saves the window state again before the app ends', async (t) => {
  const { app, userData } = await appAfterCancelledQuit(t);
  const lifecycle = await endsWithLaterState(app, userData, 'close');
  assert.deepEqual(lifecycle.slice(3), [
    'close',
    'closed',
    'window-all-closed',
    'before-quit',
    'before-quit',
    'will-quit',
    'quit',
    'exit 0',
  ]);
});

test('after a cancelled quit, Ctrl+Q (app.quit()) saves the window state again before the app ends', async (t) => {
  const { app, userData } = await appAfterCancelledQuit(t);
  const lifecycle = await endsWithLaterState(app, userData, 'quit');
  assert.deepEqual(lifecycle.slice(3), ['before-quit', 'before-quit', 'close', 'closed', 'will-quit', 'quit', 'exit 0']);
});
