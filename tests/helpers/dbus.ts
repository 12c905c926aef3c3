/**
 * Real, private D-Bus daemons for tests, and test services exported with dbus-next.
 *
 * `startBus('system')` runs /usr/bin/dbus-daemon with a generated config: its own
 * socket in a temp dir, EXTERNAL auth, and a policy letting anyone own any name and
 * send/receive anything — a stand-in for the system bus that needs no root and
 * touches nothing on the machine. `startBus('session')` is the same with type session.
 *
 * Test services use `Interface.configureMembers` (dbus-next's decorators do not work
 * under TypeScript). Only tests import dbus-next directly; app code goes through
 * electron/core/desktop/dbus/bus.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as dbus from 'dbus-next';
import type { TestContext } from 'node:test';
import type { MachineMonitor, MachineSnapshot } from '../../electron/core/desktop/machine-monitor';
import { withTimeout } from './wait';

export type BusKind = 'system' | 'session';

export interface PrivateBus {
  kind: BusKind;
  address: string;
  socketPath: string;
  /** Kills the daemon (the bus "dies"). */
  stop(): Promise<void>;
  /** A new daemon on the same socket path (after stop()). */
  restart(): Promise<void>;
}

function busConfig(kind: BusKind, socketPath: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>${kind === 'session' ? 'session' : 'uoschat-test-system'}</type>
  <listen>unix:path=${socketPath}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
`;
}

function spawnDaemon(configPath: string): Promise<{ proc: ChildProcess; address: string }> {
  const proc = spawn('/usr/bin/dbus-daemon', [`--config-file=${configPath}`, '--nofork', '--print-address'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const ready = new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl).trim());
    });
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`dbus-daemon exited (${code}) before printing its address: ${err}`)));
  });
  return withTimeout(ready, 5_000, 'dbus-daemon address').then(
    (address) => ({ proc, address }),
    (e) => {
      proc.kill('SIGKILL');
      throw e;
    },
  );
}

async function killDaemon(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  try {
    await withTimeout(exited, 3_000, 'dbus-daemon exit');
  } catch {
    proc.kill('SIGKILL');
    await withTimeout(exited, 3_000, 'dbus-daemon exit after SIGKILL');
  }
}

/** Starts a private bus; it is stopped (and its temp dir removed) when the test ends. */
export async function startBus(t: TestContext, kind: BusKind): Promise<PrivateBus> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `uoschat-dbus-${kind}-`));
  const socketPath = path.join(dir, kind);
  const configPath = path.join(dir, `${kind}.conf`);
  writeFileSync(configPath, busConfig(kind, socketPath));
  let { proc, address } = await spawnDaemon(configPath);
  const bus: PrivateBus = {
    kind,
    address,
    socketPath,
    stop: () => killDaemon(proc),
    async restart() {
      await killDaemon(proc);
      try {
        unlinkSync(socketPath);
      } catch {
        /* the daemon removed it */
      }
      ({ proc, address } = await spawnDaemon(configPath));
      bus.address = address;
    },
  };
  t.after(async () => {
    await killDaemon(proc);
    rmSync(dir, { recursive: true, force: true });
  });
  return bus;
}

/** Both buses. */
export async function startBuses(t: TestContext): Promise<{ system: PrivateBus; session: PrivateBus }> {
  const [system, session] = await Promise.all([startBus(t, 'system'), startBus(t, 'session')]);
  return { system, session };
}

/** An address where no bus listens. */
export function noBusAddress(): string {
  return `unix:path=${path.join(os.tmpdir(), `uoschat-no-bus-${process.pid}-${Math.random().toString(36).slice(2)}`)}`;
}

// ---- test services ---------------------------------------------------------------

const { Interface } = dbus.interface;

export class UtNetwork extends Interface {
  online: boolean;
  constructor(online = true) {
    super('com.uniontech.network.manager');
    this.online = online;
  }
  GetStatus(): boolean {
    return this.online;
  }
  StatusChanged(up: boolean): boolean {
    return up;
  }
  set(up: boolean): void {
    this.online = up;
    this.StatusChanged(up);
  }
}
UtNetwork.configureMembers({
  methods: { GetStatus: { inSignature: '', outSignature: 'b' } },
  signals: { StatusChanged: { signature: 'b' } },
});

export class NetworkManager extends Interface {
  State: number;
  Connectivity = 4;
  constructor(state = 70) {
    super('org.freedesktop.NetworkManager');
    this.State = state;
  }
  StateChanged(state: number): number {
    return state;
  }
  set(state: number): void {
    this.State = state;
    this.StateChanged(state);
  }
}
NetworkManager.configureMembers({
  properties: { State: { signature: 'u', access: 'read' }, Connectivity: { signature: 'u', access: 'read' } },
  signals: { StateChanged: { signature: 'u' } },
});

/** deepin's power daemon (V20 and V23 differ only in names). */
export class DeepinPower extends Interface {
  PowerSavingModeEnabled: boolean;
  constructor(ifaceName: string, on = false) {
    super(ifaceName);
    this.PowerSavingModeEnabled = on;
  }
  set(on: boolean): void {
    this.PowerSavingModeEnabled = on;
    Interface.emitPropertiesChanged(this, { PowerSavingModeEnabled: on }, []);
  }
}
DeepinPower.configureMembers({ properties: { PowerSavingModeEnabled: { signature: 'b', access: 'read' } } });

export class UtPower extends Interface {
  whitelisted: string[] = [];
  /** dbus-next's Interface is not an EventEmitter at runtime (despite its typings): our own. */
  readonly events = new EventEmitter();
  constructor() {
    super('com.uniontech.power.manager');
  }
  AddWhitelist(appId: string): void {
    this.whitelisted.push(appId);
    this.events.emit('whitelisted', appId);
  }
  PowerSaveChanged(on: boolean): boolean {
    return on;
  }
}
UtPower.configureMembers({
  methods: { AddWhitelist: { inSignature: 's', outSignature: '' } },
  signals: { PowerSaveChanged: { signature: 'b' } },
});

export class Login1 extends Interface {
  constructor() {
    super('org.freedesktop.login1.Manager');
  }
  PrepareForSleep(start: boolean): boolean {
    return start;
  }
}
Login1.configureMembers({ signals: { PrepareForSleep: { signature: 'b' } } });

export const V20 = { name: 'com.deepin.system.Power', path: '/com/deepin/system/Power', iface: 'com.deepin.system.Power' };
export const V23 = { name: 'org.deepin.dde.Power1', path: '/org/deepin/dde/Power1', iface: 'org.deepin.dde.Power1' };

export interface Service {
  bus: dbus.MessageBus;
  name: string;
  /** Disconnects: the name is released and NameOwnerChanged reports it gone. */
  stop(): Promise<void>;
}

/** Connects to `address`, exports `iface` at `objectPath` and takes `name`. Stopped when the test ends. */
export async function serve(
  t: TestContext,
  address: string,
  name: string,
  objectPath: string,
  iface: dbus.interface.Interface,
): Promise<Service> {
  const bus = dbus.sessionBus({ busAddress: address });
  bus.on('error', () => {});
  const stream = (bus as unknown as { _connection: { stream: NodeJS.EventEmitter } })._connection.stream;
  const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
  bus.export(objectPath, iface);
  const reply = await withTimeout(bus.requestName(name, dbus.NameFlag.DO_NOT_QUEUE), 5_000, `RequestName ${name}`);
  if (reply !== dbus.RequestNameReply.PRIMARY_OWNER) throw new Error(`could not own ${name} (reply ${reply})`);
  let stopped = false;
  const service: Service = {
    bus,
    name,
    async stop() {
      if (stopped) return;
      stopped = true;
      bus.disconnect();
      await withTimeout(closed, 5_000, `${name} connection close`);
    },
  };
  t.after(() => service.stop());
  return service;
}

// ---- waiting on the monitor ---------------------------------------------------------

/** Waits until the monitor's snapshot satisfies `check` (checked now and on every change). */
export function monitorUntil(
  monitor: MachineMonitor,
  check: (s: MachineSnapshot) => boolean,
  ms = 5_000,
  what = 'monitor state',
): Promise<MachineSnapshot> {
  const now = monitor.snapshot();
  if (check(now)) return Promise.resolve(now);
  let off: () => void = () => {};
  const p = new Promise<MachineSnapshot>((resolve) => {
    off = monitor.on('change', (s) => {
      if (check(s)) resolve(s);
    });
  });
  // On a timeout, say where the monitor was (buses, sources, problems) and what it logged meanwhile.
  const started = Date.now();
  const lines: string[] = [];
  const offLog = monitor.on('log', (line) => {
    lines.push(`+${Date.now() - started} ms ${line}`);
    if (lines.length > 40) lines.shift();
  });
  return withTimeout(p, ms, what)
    .catch((err: Error) => {
      throw new Error(`${err.message}; monitor was at ${JSON.stringify(monitor.snapshot())}; its log meanwhile: ${JSON.stringify(lines)}`);
    })
    .finally(() => {
      off();
      offLog();
    });
}

/** Resolves on the next `event` from an EventEmitter (a test service), with a timeout. */
export function once<T = unknown>(emitter: NodeJS.EventEmitter, event: string, ms = 5_000): Promise<T> {
  let listener: (v: T) => void = () => {};
  const p = new Promise<T>((resolve) => {
    listener = resolve;
    emitter.once(event, listener);
  });
  return withTimeout(p, ms, `${event} event`).finally(() => emitter.removeListener(event, listener));
}

/**
 * Match rules held on the bus by all connections (the daemon's Debug.Stats). Test
 * services add none, so on a test bus this is what the monitor subscribed to.
 */
export async function matchRuleCount(address: string): Promise<number> {
  const bus = dbus.sessionBus({ busAddress: address });
  bus.on('error', () => {});
  try {
    const call = (iface: string, member: string, signature = '', body: unknown[] = []) =>
      withTimeout(
        bus.call(
          new dbus.Message({
            destination: 'org.freedesktop.DBus',
            path: '/org/freedesktop/DBus',
            interface: iface,
            member,
            signature,
            body,
          }),
        ),
        5_000,
        member,
      );
    const names = ((await call('org.freedesktop.DBus', 'ListNames'))?.body[0] ?? []) as string[];
    let total = 0;
    for (const name of names.filter((n) => n.startsWith(':'))) {
      const stats = (await call('org.freedesktop.DBus.Debug.Stats', 'GetConnectionStats', 's', [name]))?.body[0] as Record<
        string,
        dbus.Variant
      >;
      total += Number(stats.MatchRules?.value ?? 0);
    }
    return total;
  } finally {
    bus.disconnect();
  }
}

/**
 * A StatusNotifierWatcher as KDE and deepin's dock export it (org.kde.StatusNotifierWatcher at
 * /StatusNotifierWatcher): `IsStatusNotifierHostRegistered`, and the host signals. A test
 * registers or unregisters "the dock's" host with setHost().
 */
export class SniWatcher extends Interface {
  IsStatusNotifierHostRegistered: boolean;
  constructor(host: boolean) {
    super('org.kde.StatusNotifierWatcher');
    this.IsStatusNotifierHostRegistered = host;
  }
  StatusNotifierHostRegistered(): void {}
  StatusNotifierHostUnregistered(): void {}
  setHost(host: boolean): void {
    this.IsStatusNotifierHostRegistered = host;
    if (host) this.StatusNotifierHostRegistered();
    else this.StatusNotifierHostUnregistered();
  }
}
SniWatcher.configureMembers({
  properties: { IsStatusNotifierHostRegistered: { signature: 'b', access: 'read' } },
  signals: { StatusNotifierHostRegistered: { signature: '' }, StatusNotifierHostUnregistered: { signature: '' } },
});

export const SNI = { name: 'org.kde.StatusNotifierWatcher', path: '/StatusNotifierWatcher' };
