/**
 * `doctor` reports the launcher's display-backend and sandbox decisions from UOS_CHAT_LAUNCH, or says the app
 * was not launched through the launcher. The server is a closed port: only the launch lines matter here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../electron/cli/commands';
import { describeLaunch, readLaunchInfo, sandboxFallback } from '../../electron/core/desktop/launch-flags';

async function doctor(env: NodeJS.ProcessEnv, json: boolean): Promise<string> {
  const out: string[] = [];
  // No D-Bus: the monitor gives up at once instead of waiting for a bus.
  const io = {
    out: (l: string) => out.push(l),
    err: () => {},
    env: { DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/nonexistent', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', ...env },
  };
  await runCli(['doctor', '--server', 'ws://127.0.0.1:9/ws/chat/', '--timeout', '1', ...(json ? ['--json'] : [])], io);
  return out.join('\n');
}

test('doctor shows the launcher decisions (text and --json)', async () => {
  const env = { UOS_CHAT_LAUNCH: 'ozone=x11,ozone_by=deepin-wayland,sandbox=none,sandbox_by=no-userns,probe=unshare' };
  const text = await doctor(env, false);
  assert.match(text, /^ {2}Display {8}ozone x11 — X11 in a deepin\/UOS Wayland session, for fcitx \(electron#49084\)$/m);
  assert.match(
    text,
    /^ {2}Sandbox {8}none — OFF: this system disables user namespaces; the renderer runs without the OS sandbox; context isolation, the CSP and IPC checks still apply \(probe: unshare\)$/m,
  );
  const json = JSON.parse(await doctor(env, true)) as { launch: unknown };
  assert.deepEqual(json.launch, {
    viaLauncher: true,
    ozone: 'x11',
    ozoneBy: 'deepin-wayland',
    sandbox: 'none',
    sandboxBy: 'no-userns',
    probe: 'unshare',
  });
});

test('doctor without the launcher says so', async () => {
  const text = await doctor({}, false);
  assert.match(text, /Display {8}not launched through the launcher/);
  assert.match(text, /Sandbox {8}not launched through the launcher/);
});

test('UOS_CHAT_LAUNCH is parsed strictly: unknown words read as unknown, never echoed', () => {
  assert.deepEqual(readLaunchInfo({}), { viaLauncher: false });
  const odd = readLaunchInfo({ UOS_CHAT_LAUNCH: 'ozone=<script>,ozone_by=magic,sandbox=root,sandbox_by=x,probe=rm -rf' });
  assert.deepEqual(odd, {
    viaLauncher: true,
    ozone: 'unknown',
    ozoneBy: 'unknown',
    sandbox: 'unknown',
    sandboxBy: 'unknown',
    probe: 'unknown',
  });
  assert.equal(sandboxFallback(odd), false);
  assert.equal(
    sandboxFallback(readLaunchInfo({ UOS_CHAT_LAUNCH: 'ozone=auto,ozone_by=electron,sandbox=none,sandbox_by=no-userns,probe=proc' })),
    true,
  );
  assert.equal(
    sandboxFallback(readLaunchInfo({ UOS_CHAT_LAUNCH: 'ozone=auto,ozone_by=electron,sandbox=none,sandbox_by=flag,probe=unshare' })),
    false,
    '--no-sandbox by choice: no notice',
  );
  assert.match(
    describeLaunch(
      readLaunchInfo({ UOS_CHAT_LAUNCH: 'ozone=auto,ozone_by=electron,sandbox=setuid,sandbox_by=chrome-sandbox,probe=unshare' }),
    ).sandbox,
    /^setuid — the setuid chrome-sandbox helper/,
  );
});
