/**
 * Is there a tray to close into? On the SESSION bus, `org.kde.StatusNotifierWatcher` at
 * `/StatusNotifierWatcher` (interface `org.kde.StatusNotifierWatcher`) says so with its
 * property `IsStatusNotifierHostRegistered` (b). deepin's dock registers a host; so do KDE's
 * Plasma and GNOME with the AppIndicator extension. Hosts come and go with the signals
 * `StatusNotifierHostRegistered()` / `StatusNotifierHostUnregistered()` (no arguments), after
 * which the property is read again; the watcher itself may appear later (the dock restarts),
 * which NameOwnerChanged reports (ServiceSource, with the dbus-next workarounds in bus.ts).
 *
 * No bus, no watcher, or a watcher without a host: no tray host, and closing the window quits
 * (a hidden window with no way back would be worse). Pure Node: no `electron` import.
 */
import { Emitter } from '../../base/emitter';
import { asBool, Bus, describeError, resolveBusAddress, type Remote, type SignalDecl } from './bus';
import { ServiceSource } from './source';

export const SNI_WATCHER = {
  name: 'org.kde.StatusNotifierWatcher',
  path: '/StatusNotifierWatcher',
  iface: 'org.kde.StatusNotifierWatcher',
} as const;

class WatcherSource extends ServiceSource<boolean> {
  constructor() {
    super(SNI_WATCHER.name, SNI_WATCHER.path, 'session');
  }

  protected signals(): SignalDecl[] {
    return [
      { iface: SNI_WATCHER.iface, member: 'StatusNotifierHostRegistered', args: [] },
      { iface: SNI_WATCHER.iface, member: 'StatusNotifierHostUnregistered', args: [] },
    ];
  }

  protected subscribe(remote: Remote): Array<() => void> {
    // Registered: a host is there. Unregistered: one went, another may remain, so ask.
    return [
      remote.onSignal(SNI_WATCHER.iface, 'StatusNotifierHostRegistered', () => this.signalled(true)),
      remote.onSignal(SNI_WATCHER.iface, 'StatusNotifierHostUnregistered', () => void this.reread(remote)),
    ];
  }

  protected async appeared(remote: Remote, isCurrent: () => boolean): Promise<void> {
    await this.readValue(async () => asBool(await remote.getProperty(SNI_WATCHER.iface, 'IsStatusNotifierHostRegistered')), isCurrent);
  }

  private async reread(remote: Remote): Promise<void> {
    try {
      this.signalled(asBool(await remote.getProperty(SNI_WATCHER.iface, 'IsStatusNotifierHostRegistered')));
    } catch (err) {
      this.error = describeError(err);
      this.signalled(false);
    }
  }

  protected override describeValue(v: boolean): string {
    return v ? 'a host is registered' : 'no host registered';
  }
}

export interface TrayHostEvents extends Record<string, unknown> {
  /** Whether a tray host is present now. */
  change: boolean;
}

export interface TrayHostOptions {
  /** The session bus address; else DBUS_SESSION_BUS_ADDRESS, then $XDG_RUNTIME_DIR/bus. */
  address?: string;
  env?: NodeJS.ProcessEnv;
  connectTimeoutMs?: number;
  callTimeoutMs?: number;
}

/** Follows whether a StatusNotifier host is registered. start() never rejects; problems land in `problem`. */
export class TrayHostMonitor extends Emitter<TrayHostEvents> {
  private readonly source = new WatcherSource();
  private bus: Bus | undefined;
  private last = false;
  problem: string | undefined;

  constructor(private readonly options: TrayHostOptions = {}) {
    super();
    this.source.on('change', () => this.update());
  }

  /** True when a watcher is on the bus and says a host is registered. */
  present(): boolean {
    return this.source.present && this.source.value === true;
  }

  async start(): Promise<boolean> {
    const o = this.options;
    try {
      this.bus = await Bus.open('session', resolveBusAddress('session', o.address, o.env ?? process.env), {
        connectTimeoutMs: o.connectTimeoutMs,
        callTimeoutMs: o.callTimeoutMs,
      });
      this.bus.on('closed', (why) => {
        this.problem = why;
        this.source.detach();
      });
      await this.source.attach(this.bus);
      this.problem = this.source.error;
    } catch (err) {
      this.problem = describeError(err);
    }
    this.update();
    return this.present();
  }

  stop(): void {
    this.source.detach();
    this.bus?.close();
    this.bus = undefined;
  }

  private update(): void {
    const now = this.present();
    if (now === this.last) return;
    this.last = now;
    this.emit('change', now);
  }
}
