/**
 * The dbus-next seam (electron/core/desktop/dbus/bus.ts) on real private buses, and canaries
 * proving the dbus-next 0.10.2 defects it works around are real (if one of these
 * starts failing, dbus-next changed and the workaround may be removable).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dbus from 'dbus-next';
import { Bus, resolveBusAddress } from '../../electron/core/desktop/dbus/bus';
import { withTimeout } from '../helpers/wait';
import { matchRuleCount, noBusAddress, serve, startBus, UtNetwork } from '../helpers/dbus';

const UT = { name: 'com.uniontech.network', path: '/', iface: 'com.uniontech.network.manager' };

/** Resolves when `mb` receives (at the socket level) a signal named `member`. */
function rawSignal(mb: dbus.MessageBus, member: string): Promise<dbus.Message> {
  let off = () => {};
  const p = new Promise<dbus.Message>((resolve) => {
    const fn = (msg: dbus.Message) => {
      if (msg.member === member) resolve(msg);
    };
    mb.on('message', fn);
    off = () => mb.removeListener('message', fn);
  });
  return withTimeout(p, 5_000, `raw ${member}`).finally(off);
}

/** One turn after the raw message: dbus-next dispatches to proxies synchronously after 'message'. */
const afterDispatch = () => new Promise<void>((r) => setImmediate(r));

async function rawClient(t: import('node:test').TestContext, address: string): Promise<dbus.MessageBus> {
  const mb = dbus.sessionBus({ busAddress: address });
  mb.on('error', () => {});
  await withTimeout(new Promise<void>((r) => mb.once('connect', () => r())), 5_000, 'connect');
  t.after(() => mb.disconnect());
  return mb;
}

test('dbus-next defect (canary): signals from a restarted service are dropped until getProxyObject refreshes the owner cache', async (t) => {
  const bus = await startBus(t, 'system');
  const svc1 = await serve(t, bus.address, UT.name, UT.path, new UtNetwork(true));
  const mb = await rawClient(t, bus.address);
  const proxy = await mb.getProxyObject(UT.name, UT.path);
  const iface = proxy.getInterface(UT.iface);
  const got: boolean[] = [];
  iface.on('StatusChanged', (v: boolean) => got.push(v));
  await iface.GetStatus!(); // a round trip: the AddMatch is in place

  await svc1.stop();
  const second = new UtNetwork(true);
  await serve(t, bus.address, UT.name, UT.path, second);
  let arrived = rawSignal(mb, 'StatusChanged');
  second.set(false);
  await arrived; // the daemon delivered it to us (the match rule names the well-known name)…
  await afterDispatch();
  assert.deepEqual(got, [], '…but dbus-next dropped it: stale owner cache');

  await mb.getProxyObject(UT.name, UT.path); // the workaround
  arrived = rawSignal(mb, 'StatusChanged');
  second.set(true);
  await arrived;
  await afterDispatch();
  assert.deepEqual(got, [true]);
});

test('dbus-next defect (canary): removing a signal listener leaves its match rule', async (t) => {
  const bus = await startBus(t, 'system');
  const svc = new UtNetwork(true);
  await serve(t, bus.address, UT.name, UT.path, svc);
  const mb = await rawClient(t, bus.address);
  const iface = (await mb.getProxyObject(UT.name, UT.path)).getInterface(UT.iface);
  const before = await matchRuleCount(bus.address);
  const h = () => {};
  for (let i = 0; i < 3; i++) {
    iface.on('StatusChanged', h);
    iface.removeListener('StatusChanged', h);
  }
  await iface.GetStatus!();
  assert.equal(await matchRuleCount(bus.address), before + 3, 'one leaked rule per on/off');
  // And the daemon still routes the signal to us though nobody listens.
  const arrived = rawSignal(mb, 'StatusChanged');
  svc.set(false);
  await arrived;
});

test('seam: onSignal subscribes once; owner refreshes and more handlers add no match rules', async (t) => {
  const sys = await startBus(t, 'system');
  const svc = new UtNetwork(true);
  await serve(t, sys.address, UT.name, UT.path, svc);
  const bus = await Bus.open('system', sys.address);
  t.after(() => bus.close());
  const remote = await bus.remote(UT.name, UT.path, [{ iface: UT.iface, member: 'StatusChanged', args: ['b'] }]);
  const a: unknown[] = [];
  const b: unknown[] = [];
  remote.onSignal(UT.iface, 'StatusChanged', (v) => a.push(v));
  const offB = remote.onSignal(UT.iface, 'StatusChanged', (v) => b.push(v));
  await bus.watchName(UT.name, () => {});
  await bus.watchName(UT.name, () => {});
  for (let i = 0; i < 3; i++) await remote.refreshOwner();
  assert.equal(await matchRuleCount(sys.address), 2, 'StatusChanged + NameOwnerChanged(arg0)');
  assert.equal(await bus.remote(UT.name, UT.path, []), remote, 'one Remote per name and path');
  assert.deepEqual(await remote.call(UT.iface, 'GetStatus'), [true]);

  const got = new Promise<void>((resolve) => remote.onSignal(UT.iface, 'StatusChanged', () => resolve()));
  svc.set(false);
  await withTimeout(got, 5_000, 'StatusChanged');
  assert.deepEqual(a, [false]);
  assert.deepEqual(b, [false]);
  offB();
  svc.set(true);
  await withTimeout(new Promise<void>((r) => remote.onSignal(UT.iface, 'StatusChanged', () => r())), 5_000, 'StatusChanged');
  assert.deepEqual(a, [false, true]);
  assert.deepEqual(b, [false]);
});

test('seam: calls time out, and a dying bus rejects pending calls and says so', async (t) => {
  const sys = await startBus(t, 'system');
  class Slow extends dbus.interface.Interface {
    constructor() {
      super('org.example.Slow');
    }
    Never(): Promise<boolean> {
      return new Promise<boolean>(() => {});
    }
  }
  Slow.configureMembers({ methods: { Never: { outSignature: 'b' } } });
  await serve(t, sys.address, 'org.example.Slow', '/', new Slow());
  const bus = await Bus.open('system', sys.address, { callTimeoutMs: 200 });
  t.after(() => bus.close());
  await assert.rejects(bus.call('org.example.Slow', '/', 'org.example.Slow', 'Never'), /no reply within 200 ms/);

  const slowBus = await Bus.open('system', sys.address, { callTimeoutMs: 60_000 });
  const closed = withTimeout(new Promise<string>((r) => slowBus.on('closed', r)), 5_000, 'closed');
  const pending = assert.rejects(slowBus.call('org.example.Slow', '/', 'org.example.Slow', 'Never'), /system bus connection lost/);
  await sys.stop();
  assert.equal(await closed, 'system bus connection lost');
  await pending;
  assert.equal(slowBus.isOpen, false);
  await assert.rejects(
    slowBus.call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'ListNames'),
    /connection lost/,
  );
});

test('seam: open() rejects with a clear reason and never throws', async () => {
  await assert.rejects(Bus.open('system', noBusAddress()), /^Error: system bus unavailable: connect ENOENT/);
  await assert.rejects(Bus.open('session', undefined), /session bus unavailable: no bus address/);
  await assert.rejects(Bus.open('session', 'unix:abstract=/tmp/dbus-xyz'), /session bus unavailable: unsupported address/);
  await assert.rejects(Bus.open('system', 'bogus:foo=bar'), /system bus unavailable: unknown address type/);
});

test('seam: bus addresses: explicit, then environment, then defaults', () => {
  assert.equal(resolveBusAddress('system', 'unix:path=/x', { DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/y' }), 'unix:path=/x');
  assert.equal(resolveBusAddress('system', undefined, { DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/y' }), 'unix:path=/y');
  assert.equal(resolveBusAddress('system', undefined, {}), 'unix:path=/var/run/dbus/system_bus_socket');
  assert.equal(resolveBusAddress('session', undefined, { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/s' }), 'unix:path=/s');
  assert.equal(resolveBusAddress('session', undefined, { XDG_RUNTIME_DIR: '/nonexistent' }), undefined);
});
