/**
 * Leftovers and Clear history through the real built main.js and preload.js (stand-in electron,
 * real core with its per-account stores under userData, real reference servers on loopback):
 * a server change in settings pushes chat:account to the window through webContents.send and
 * the preload, the message written for the dead server is listed (never sent to the new one),
 * a discard takes only a listed key, and clearing the history pushes chat:account again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccountInfo } from '../../electron/common/contract';
import { SETTINGS_VERSION } from '../../electron/core/settings/settings';
import { AccountDirectory } from '../../electron/core/store/accounts';
import { bootStandIn } from '../helpers/standin';
import { testServer } from '../helpers/server';
import { withTimeout } from '../helpers/wait';

test("a server change: chat:account reaches the window, the old server's message is a leftover, discard and clear go through main", async (t) => {
  // Settings from the file (no UOS_CHAT_SERVER, which would win over a saved server).
  const s = await bootStandIn(
    null,
    {},
    { files: (srv) => ({ 'settings.json': JSON.stringify({ version: SETTINGS_VERSION, serverUrl: srv.url, token: 'token-alice' }) }) },
  );
  t.after(() => s.stop());
  const dead = await testServer();
  await dead.stop();
  // The next chat:account push as window.chat.onAccount (the preload's ipcRenderer listener) hands it over.
  const next = (matches: (a: AccountInfo) => boolean, what: string) =>
    withTimeout(
      new Promise<AccountInfo>((resolve) => {
        const off = s.api.onAccount((a) => {
          if (!matches(a)) return;
          off();
          resolve(a);
        });
      }),
      // Generous: under a loaded machine an account switch (closing and opening stores, a desk) takes seconds.
      15_000,
      what,
    );
  const pushedFor = (port: number) => next((a) => new URL(a.server).port === String(port), `chat:account for port ${port}`);

  let told = pushedFor(dead.port);
  const saved = await s.api.saveSettings({ serverUrl: dead.url });
  assert.equal(saved.ok, true, JSON.stringify(saved));
  await told;
  const sent = await s.api.send('only for the dead server');
  assert.equal(sent.ok && sent.entry.delivery, 'pending');

  told = pushedFor(s.srv.port);
  await s.api.saveSettings({ serverUrl: s.srv.url });
  await told;
  assert.equal(
    (await s.api.getSnapshot()).entries.some((e) => e.kind === 'message' && e.text === 'only for the dead server'),
    false,
    "the new account's log does not show it",
  );

  const leftovers = await s.api.getLeftovers();
  assert.equal(leftovers.length, 1);
  assert.deepEqual(
    { host: leftovers[0]!.host, count: leftovers[0]!.count, room: leftovers[0]!.room },
    { host: `127.0.0.1:${dead.port}`, count: 1, room: 'lobby' },
  );
  await assert.rejects(s.api.discardLeftovers('0'.repeat(24)), /no messages are waiting for that account/);
  await assert.rejects(s.api.discardLeftovers('../settings.json'), /discard-leftovers needs an account key/);
  assert.equal(await s.api.discardLeftovers(leftovers[0]!.key), 1);
  assert.deepEqual(await s.api.getLeftovers(), []);
  assert.deepEqual(await new AccountDirectory({ base: s.userData }).leftovers(''), [], 'none left on disk');

  told = pushedFor(s.srv.port); // the same account: its log was replaced
  assert.equal(await s.api.clearHistory(), null);
  await told;
});
