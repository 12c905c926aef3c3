/**
 * The sandbox notice through the built main.js on the stand-in, in a process of its own per start:
 * launched with the sandbox off because the system disables user namespaces (UOS_CHAT_LAUNCH from the
 * launcher), main offers the notice and logs why; dismissed, it is remembered in <userData>/notices.json
 * and the next start offers nothing. --no-sandbox by choice, or a normal sandbox, offers nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { launchForTest, quitApp, type StandInProcess } from '../helpers/standin-process';
import { fileFixtures } from '../helpers/file-fixtures';

const NO_USERNS = 'ozone=x11,ozone_by=deepin-wayland,sandbox=none,sandbox_by=no-userns,probe=proc';
const BY_FLAG = 'ozone=x11,ozone_by=deepin-wayland,sandbox=none,sandbox_by=flag,probe=none';
const WHY =
  'this system disables user namespaces; the renderer runs without the OS sandbox; context isolation, the CSP and IPC checks still apply';

const fx = fileFixtures();

function dataDir(): string {
  return fx.tempDir('uos-chat-notices-');
}

async function start(t: { after(fn: () => unknown): void }, userData: string, launch: string): Promise<StandInProcess> {
  const app = launchForTest(t, { userData, env: { UOS_CHAT_SERVER: fx.srv.url, UOS_CHAT_TOKEN: 'token-alice', UOS_CHAT_LAUNCH: launch } });
  await app.waitFor((e) => e.ev === 'status' && e.kind === 'connected', 'the app to connect');
  return app;
}

const notices = (app: StandInProcess) => app.request('invoke', { channel: 'chat:get-notices', arg: null });
const appLog = (userData: string) => readFileSync(path.join(userData, 'logs', 'uos-chat.log'), 'utf8');

test('sandbox off for lack of user namespaces: the notice is offered and logged; dismissed, the next start offers nothing', async (t) => {
  const userData = dataDir();
  const first = await start(t, userData, NO_USERNS);
  assert.deepEqual(await notices(first), ['sandbox-off']);
  assert.equal(await first.request('invoke', { channel: 'chat:dismiss-notice', arg: 'sandbox-off' }), null);
  assert.deepEqual(await notices(first), [], 'gone at once');
  await quitApp(first);
  assert.deepEqual(JSON.parse(readFileSync(path.join(userData, 'notices.json'), 'utf8')), { version: 1, dismissed: ['sandbox-off'] });
  assert.ok(appLog(userData).includes(`notice sandbox-off shown: ${WHY}`), 'main logs why');

  const next = await start(t, userData, NO_USERNS);
  assert.deepEqual(await notices(next), [], 'one-time: not on the next start');
  await quitApp(next);
  assert.ok(appLog(userData).includes(`notice sandbox-off (dismissed before, not shown): ${WHY}`));
});

test('--no-sandbox by choice, or the sandbox on: no notice, no state file', async (t) => {
  for (const launch of [BY_FLAG, 'ozone=auto,ozone_by=electron,sandbox=namespace,sandbox_by=userns,probe=unshare']) {
    const userData = dataDir();
    const app = await start(t, userData, launch);
    assert.deepEqual(await notices(app), [], launch);
    await assert.rejects(app.request('invoke', { channel: 'chat:dismiss-notice', arg: 'all' }), /dismiss-notice needs one of sandbox-off/);
    await quitApp(app);
    assert.equal(existsSync(path.join(userData, 'notices.json')), false);
  }
});
