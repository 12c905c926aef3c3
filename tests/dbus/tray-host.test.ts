/**
 * Tray-host detection (electron/core/desktop/dbus/tray-host.ts) on a private session bus: a
 * StatusNotifierWatcher with a host, one without, none at all, a host registering later,
 * and the watcher appearing later (the dock restarts: NameOwnerChanged).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrayHostMonitor } from '../../electron/core/desktop/dbus/tray-host';
import { noBusAddress, serve, SNI, SniWatcher, startBus } from '../helpers/dbus';
import { withTimeout } from '../helpers/wait';

function monitorOn(t: import('node:test').TestContext, address: string): TrayHostMonitor {
  const m = new TrayHostMonitor({ address });
  t.after(() => m.stop());
  return m;
}

/** Resolves when the monitor says `want` (at once if it already does). */
function hostIs(m: TrayHostMonitor, want: boolean, what: string): Promise<void> {
  if (m.present() === want) return Promise.resolve();
  let off = () => {};
  const p = new Promise<void>((resolve) => {
    off = m.on('change', (now) => {
      if (now === want) resolve();
    });
  });
  return withTimeout(p, 5_000, what).finally(() => off());
}

test('a watcher with a host registered: a tray host is present', async (t) => {
  const bus = await startBus(t, 'session');
  await serve(t, bus.address, SNI.name, SNI.path, new SniWatcher(true));
  const m = monitorOn(t, bus.address);
  assert.equal(await m.start(), true);
  assert.equal(m.problem, undefined);
});

test('a watcher without a host: none; a host registering later makes one, unregistering takes it away', async (t) => {
  const bus = await startBus(t, 'session');
  const watcher = new SniWatcher(false);
  await serve(t, bus.address, SNI.name, SNI.path, watcher);
  const m = monitorOn(t, bus.address);
  assert.equal(await m.start(), false);
  watcher.setHost(true);
  await hostIs(m, true, 'the host registered');
  watcher.setHost(false);
  await hostIs(m, false, 'the host unregistered');
});

test('no watcher at all, and no bus at all: no tray host', async (t) => {
  const bus = await startBus(t, 'session');
  const m = monitorOn(t, bus.address);
  assert.equal(await m.start(), false);
  const none = monitorOn(t, noBusAddress());
  assert.equal(await none.start(), false);
  assert.match(none.problem ?? '', /session bus unavailable/);
});

test('the watcher appears later and goes away (the dock restarts): NameOwnerChanged is followed', async (t) => {
  const bus = await startBus(t, 'session');
  const m = monitorOn(t, bus.address);
  assert.equal(await m.start(), false);
  const dock = await serve(t, bus.address, SNI.name, SNI.path, new SniWatcher(true));
  await hostIs(m, true, 'the watcher to appear with its host');
  await dock.stop();
  await hostIs(m, false, 'the watcher to go');
  const again = new SniWatcher(false);
  await serve(t, bus.address, SNI.name, SNI.path, again);
  again.setHost(true); // signals from the new owner reach us (dbus-next owner-cache workaround)
  await hostIs(m, true, 'the restarted dock to register its host');
});
