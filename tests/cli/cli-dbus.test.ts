/**
 * The CLI follows the machine through real private D-Bus daemons: `listen`
 * prints network and power-save changes as status lines; `doctor` lists the
 * D-Bus sources it found, and reports a server it cannot use.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTs, type Proc } from '../helpers/proc';
import { testServer } from '../helpers/server';
import { withTimeout } from '../helpers/wait';
import { DeepinPower, Login1, NetworkManager, serve, startBuses, V23 } from '../helpers/dbus';

const exit = (p: Proc, ms = 20_000) => withTimeout(p.exited, ms, 'the CLI to exit');

test('listen prints network and power-save changes from D-Bus as status lines', async (t) => {
  const buses = await startBuses(t);
  const nm = new NetworkManager(70);
  const power = new DeepinPower(V23.iface, false);
  await serve(t, buses.system.address, 'org.freedesktop.NetworkManager', '/org/freedesktop/NetworkManager', nm);
  await serve(t, buses.system.address, V23.name, V23.path, power);
  const srv = await testServer();
  const env = { DBUS_SYSTEM_BUS_ADDRESS: buses.system.address, DBUS_SESSION_BUS_ADDRESS: buses.session.address };
  const listen = runTs('electron/cli/main.ts', ['listen', '--server', srv.url, '--token', 'token-bob', '--timeout', '30'], env);
  t.after(async () => {
    listen.kill();
    await listen.exited;
    await srv.stop();
  });
  const machine = JSON.parse(await listen.line((l) => JSON.parse(l).event === 'machine', 15_000, 'machine line'));
  assert.deepEqual(machine.sources, { network: 'org.freedesktop.NetworkManager', powerSave: 'org.deepin.dde.Power1', sleep: null });
  await listen.line((l) => JSON.parse(l).state === 'connected', 15_000, 'connected');

  nm.set(20);
  const offline = JSON.parse(await listen.line((l) => JSON.parse(l).state === 'offline', 5000, 'offline line'));
  assert.equal(offline.network, 'offline');
  assert.equal(offline.words, 'offline — waiting for network');
  nm.set(70);
  await listen.line((l) => JSON.parse(l).network === 'online' && JSON.parse(l).state === 'connected', 5000, 'back online');

  power.set(true);
  const saving = JSON.parse(await listen.line((l) => JSON.parse(l).powerSave === true, 5000, 'power save line'));
  assert.equal(saving.heartbeatMs, 60_000);
});

test('doctor lists the D-Bus sources and their values, and the server checks', async (t) => {
  const buses = await startBuses(t);
  await serve(t, buses.system.address, 'org.freedesktop.NetworkManager', '/org/freedesktop/NetworkManager', new NetworkManager(70));
  await serve(t, buses.system.address, 'org.freedesktop.login1', '/org/freedesktop/login1', new Login1());
  const srv = await testServer();
  t.after(() => srv.stop());
  const env = { DBUS_SYSTEM_BUS_ADDRESS: buses.system.address, DBUS_SESSION_BUS_ADDRESS: buses.session.address };

  const json = runTs('electron/cli/main.ts', ['doctor', '--server', srv.url, '--token', 'token-alice', '--json'], env);
  assert.equal((await exit(json)).code, 0, json.stderr.join('\n'));
  const report = JSON.parse(json.stdout.join('\n'));
  assert.equal(report.ok, true);
  assert.equal(report.tcp.ok, true);
  assert.equal(report.websocket.user, 'alice');
  assert.deepEqual(report.websocket.features, [
    ...['ack', 'seq', 'resume', 'dedup', 'history', 'conversations', 'batch', 'zdict1'],
    ...['reply_to', 'edit', 'recall', 'receipts', 'files', 'thumbnails'],
  ]);
  assert.match(report.websocket.extensions, /permessage-deflate/);
  assert.ok(report.ping.ok && report.ping.ms >= 0);
  assert.equal(report.dbus.sources.network, 'org.freedesktop.NetworkManager');
  assert.equal(report.dbus.sources.sleep, 'org.freedesktop.login1');
  assert.equal(report.dbus.network, 'online');
  assert.ok(!JSON.stringify(report).includes('token-alice'), 'the token is not in the report');

  const text = runTs('electron/cli/main.ts', ['doctor', '--server', srv.url, '--token', 'token-alice'], env);
  assert.equal((await exit(text)).code, 0);
  const out = text.stdout.join('\n');
  assert.match(out, /✔ WebSocket/);
  assert.match(out, /D-Bus network {2}org\.freedesktop\.NetworkManager → online/);
  assert.ok(!out.includes('token-alice'));

  const bad = runTs('electron/cli/main.ts', ['doctor', '--server', srv.url, '--token', 'wrong'], env);
  assert.equal((await exit(bad)).code, 3);
  assert.match(bad.stdout.join('\n'), /✘ WebSocket +authentication failed/);
});

test('no D-Bus at all: the CLI still sends, and doctor says the buses are unavailable', async (t) => {
  const srv = await testServer();
  t.after(() => srv.stop());
  const env = { DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/nonexistent/system', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/session' };
  const send = runTs(
    'electron/cli/main.ts',
    ['send', '--server', srv.url, '--token', 'token-alice', '--data-dir', `/tmp/uos-chat-nobus-${process.pid}`, 'no bus, no problem'],
    env,
  );
  assert.equal((await exit(send)).code, 0, send.stderr.join('\n'));
  const doc = runTs('electron/cli/main.ts', ['doctor', '--server', srv.url, '--token', 'token-alice', '--json'], env);
  assert.equal((await exit(doc)).code, 0);
  const report = JSON.parse(doc.stdout.join('\n'));
  assert.equal(report.dbus.network, 'unknown');
  assert.ok(
    report.dbus.problems.some((p: string) => /system bus unavailable/.test(p)),
    report.dbus.problems.join('; '),
  );
});
