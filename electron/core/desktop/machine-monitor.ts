/**
 * MachineMonitor: makes the connection follow the machine.
 *
 *   network gone   → target.setNetwork('offline')   (the client stops retrying)
 *   network back   → target.setNetwork('online')    (the client reconnects at once)
 *   power save on  → target.setPowerSave(true)      (heartbeat 60 s instead of 30 s)
 *   going to sleep → target.suspend()               (close cleanly)
 *   woke up        → target.resume()                (reconnect at once)
 *
 * Sources (see electron/core/desktop/dbus/*): NetworkManager or `com.uniontech.network` for the
 * network, deepin V23/V20 power daemons or `com.uniontech.power` for power save, logind
 * for sleep. `snapshot()` says which one is in use, for diagnostics.
 *
 * Never fatal: no bus, a missing service, or a bus that dies leaves the app working with
 * the network 'unknown' (which does not block connecting). `start()` never rejects; bus
 * problems show in `snapshot().problems` ("system bus unavailable: <reason>"). A bus that
 * could not be reached, or died, is tried again with backoff; services that appear later
 * or restart are picked up through NameOwnerChanged.
 *
 * Pure Node (no `electron`): the composition root (main process) passes the ChatClient.
 * Start the monitor before the client, so the first connection attempt already knows
 * whether the machine is offline.
 */
import type { MachineState } from '../../common/state';
import { Emitter } from '../base/emitter';
import { Bus, resolveBusAddress, type BusKind } from './dbus/bus';
import { NetworkMonitor, type NetworkSourceName } from './dbus/network';
import { DEFAULT_APP_ID, PowerMonitor, type PowerSourceName } from './dbus/power';
import { SleepMonitor, type SleepSourceName } from './dbus/sleep';
import type { SourceInfo } from './dbus/source';

/** What the monitor drives. ChatClient satisfies it. */
export interface MachineTarget {
  setNetwork(network: MachineState['network']): void;
  setPowerSave(on: boolean): void;
  suspend(): void;
  resume(): void;
}

export interface BusInfo {
  state: 'stopped' | 'connecting' | 'connected' | 'unavailable';
  address: string | null;
  /** "system bus unavailable: <reason>" when state is 'unavailable'. */
  error?: string;
}

export interface MachineSnapshot {
  sources: {
    network: NetworkSourceName | null;
    powerSave: PowerSourceName | null;
    sleep: SleepSourceName | null;
  };
  network: MachineState['network'];
  powerSave: boolean;
  sleeping: boolean;
  buses: Record<BusKind, BusInfo>;
  /** Every service we look for, present or not, with its value or error. */
  services: SourceInfo[];
  /** Human-readable problems for diagnostics (bus unavailable, a failing service). */
  problems: string[];
}

export interface MachineMonitorOptions {
  target: MachineTarget;
  /** Explicit bus addresses; otherwise DBUS_SYSTEM_BUS_ADDRESS / DBUS_SESSION_BUS_ADDRESS, then defaults. */
  systemBusAddress?: string;
  sessionBusAddress?: string;
  /** Environment to read the bus addresses from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Passed to com.uniontech.power AddWhitelist. */
  appId?: string;
  connectTimeoutMs?: number;
  callTimeoutMs?: number;
  /** Reconnecting to a bus that is unavailable or died; false: never. Default 2 s doubling to 60 s. */
  busRetry?: { baseMs: number; capMs: number } | false;
  log?: (line: string) => void;
}

export interface MachineMonitorEvents extends Record<string, unknown> {
  change: MachineSnapshot;
  log: string;
}

interface Slot {
  kind: BusKind;
  info: BusInfo;
  bus: Bus | undefined;
  retryTimer: NodeJS.Timeout | undefined;
  retryMs: number;
  opening: Promise<void> | undefined;
}

export class MachineMonitor extends Emitter<MachineMonitorEvents> {
  private readonly network = new NetworkMonitor();
  private readonly power: PowerMonitor;
  private readonly sleep = new SleepMonitor();
  private readonly slots: Record<BusKind, Slot>;
  private running = false;
  /** While > 0, changes are collected and acted on once at the end (no flapping mid-attach). */
  private batch = 0;
  private pushed: { network: MachineState['network'] | undefined; powerSave: boolean | undefined; sleeping: boolean } = {
    network: undefined,
    powerSave: undefined,
    sleeping: false,
  };

  constructor(private readonly options: MachineMonitorOptions) {
    super();
    this.power = new PowerMonitor(options.appId ?? DEFAULT_APP_ID);
    const env = options.env ?? process.env;
    const slot = (kind: BusKind, explicit: string | undefined): Slot => ({
      kind,
      info: { state: 'stopped', address: resolveBusAddress(kind, explicit, env) ?? null },
      bus: undefined,
      retryTimer: undefined,
      retryMs: this.retryPolicy()?.baseMs ?? 0,
      opening: undefined,
    });
    this.slots = { system: slot('system', options.systemBusAddress), session: slot('session', options.sessionBusAddress) };
    const onChange = () => this.update();
    this.network.on('change', onChange);
    this.power.on('change', onChange);
    this.sleep.on('change', onChange);
  }

  /** Connects to both buses and reads the current state. Never rejects. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await Promise.all([this.open(this.slots.system), this.open(this.slots.session)]);
    this.update();
  }

  /** Disconnects; the target is left with 'unknown' network, no power save, and resumed. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.batch++;
    try {
      for (const slot of Object.values(this.slots)) {
        if (slot.retryTimer) clearTimeout(slot.retryTimer);
        slot.retryTimer = undefined;
        this.detach(slot.kind);
        slot.bus?.close();
        slot.bus = undefined;
        slot.info = { state: 'stopped', address: slot.info.address };
      }
    } finally {
      this.batch--;
    }
    this.update();
    this.running = false;
  }

  snapshot(): MachineSnapshot {
    const net = this.network.current();
    const pow = this.power.current();
    const slp = this.sleep.current();
    const services = [...this.network.info(), ...this.power.info(), ...this.sleep.info()];
    const problems: string[] = [];
    for (const slot of Object.values(this.slots)) if (slot.info.error) problems.push(slot.info.error);
    for (const s of services) if (s.error) problems.push(`${s.name}: ${s.error}`);
    return {
      sources: { network: net.source, powerSave: pow.source, sleep: slp.source },
      network: net.network,
      powerSave: pow.powerSave,
      sleeping: slp.sleeping,
      buses: { system: { ...this.slots.system.info }, session: { ...this.slots.session.info } },
      services,
      problems,
    };
  }

  // ---- buses ------------------------------------------------------------------

  private retryPolicy(): { baseMs: number; capMs: number } | undefined {
    const r = this.options.busRetry;
    if (r === false) return undefined;
    return r ?? { baseMs: 2_000, capMs: 60_000 };
  }

  private open(slot: Slot): Promise<void> {
    if (slot.opening) return slot.opening;
    slot.opening = this.doOpen(slot).finally(() => (slot.opening = undefined));
    return slot.opening;
  }

  private async doOpen(slot: Slot): Promise<void> {
    const address = slot.info.address;
    slot.info = { state: 'connecting', address };
    let bus: Bus;
    try {
      bus = await Bus.open(slot.kind, address ?? undefined, {
        ...(this.options.connectTimeoutMs !== undefined ? { connectTimeoutMs: this.options.connectTimeoutMs } : {}),
        ...(this.options.callTimeoutMs !== undefined ? { callTimeoutMs: this.options.callTimeoutMs } : {}),
      });
    } catch (err) {
      if (!this.running) return;
      this.unavailable(slot, (err as Error).message);
      return;
    }
    if (!this.running) {
      bus.close();
      return;
    }
    slot.bus = bus;
    slot.info = { state: 'connected', address };
    slot.retryMs = this.retryPolicy()?.baseMs ?? 0;
    this.logLine(`${slot.kind} bus connected (${address})`);
    bus.on('closed', (why) => {
      if (slot.bus !== bus || !this.running) return;
      slot.bus = undefined;
      this.batch++;
      try {
        this.detach(slot.kind);
      } finally {
        this.batch--;
      }
      this.unavailable(slot, `${slot.kind} bus unavailable: ${why}`);
    });
    this.batch++;
    try {
      await this.attach(slot.kind, bus);
    } finally {
      this.batch--;
    }
    this.update();
  }

  private unavailable(slot: Slot, error: string): void {
    slot.info = { state: 'unavailable', address: slot.info.address, error };
    this.logLine(error);
    this.update();
    const policy = this.retryPolicy();
    // Nothing to retry without an address (no session bus configured at all).
    if (!policy || !slot.info.address || slot.retryTimer) return;
    const delay = slot.retryMs;
    slot.retryMs = Math.min(policy.capMs, Math.max(1, slot.retryMs) * 2);
    slot.retryTimer = setTimeout(() => {
      slot.retryTimer = undefined;
      if (this.running) void this.open(slot);
    }, delay);
    // A retry must never keep the process alive on its own.
    slot.retryTimer.unref?.();
  }

  private async attach(kind: BusKind, bus: Bus): Promise<void> {
    if (kind === 'system') {
      await Promise.all([this.network.attach(bus), this.power.attachSystem(bus), this.sleep.attach(bus)]);
    } else {
      await this.power.attachSession(bus);
    }
  }

  private detach(kind: BusKind): void {
    if (kind === 'system') {
      this.network.detach();
      this.power.detachSystem();
      this.sleep.detach();
    } else {
      this.power.detachSession();
    }
  }

  // ---- driving the target ---------------------------------------------------------

  private update(): void {
    if (this.batch > 0 || !this.running) return;
    const snap = this.snapshot();
    const t = this.options.target;
    if (snap.network !== this.pushed.network) {
      this.logLine(`network ${snap.network} (${snap.sources.network ?? 'no source'})`);
      this.pushed.network = snap.network;
      this.call(() => t.setNetwork(snap.network));
    }
    if (snap.powerSave !== this.pushed.powerSave) {
      this.logLine(`power save ${snap.powerSave ? 'on' : 'off'} (${snap.sources.powerSave ?? 'no source'})`);
      this.pushed.powerSave = snap.powerSave;
      this.call(() => t.setPowerSave(snap.powerSave));
    }
    if (snap.sleeping !== this.pushed.sleeping) {
      this.logLine(snap.sleeping ? 'preparing for sleep' : 'resumed');
      this.pushed.sleeping = snap.sleeping;
      this.call(() => (snap.sleeping ? t.suspend() : t.resume()));
    }
    this.emit('change', snap);
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.logLine(`target threw: ${(err as Error)?.message}`);
    }
  }

  private logLine(line: string): void {
    this.options.log?.(line);
    this.emit('log', line);
  }
}
