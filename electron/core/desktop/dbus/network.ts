/**
 * Is the machine online? Two sources, both on the SYSTEM bus:
 *
 *  - NetworkManager (`org.freedesktop.NetworkManager`): what UOS / deepin actually run.
 *    `State` property + `StateChanged(u)` signal; mapping in `networkFromNmState`.
 *  - The design notes' `com.uniontech.network` (object `/`, interface
 *    `com.uniontech.network.manager`): `GetStatus() → b`, `StatusChanged(b)`.
 *
 * Preference when both are on the bus: NetworkManager. It is the service that owns the
 * network on every UOS/deepin release we know of, while `com.uniontech.network` is only
 * described in design notes (if it exists it is most likely a wrapper over
 * NetworkManager, so it can only lag behind it). If the preferred source has no definite
 * answer (not read yet, or NM says unknown/connecting), a definite answer from the other
 * is used. No source at all → 'unknown', which never blocks connecting.
 */
import type { MachineState } from '../../../common/state';
import { Emitter } from '../../base/emitter';
import { asBool, asNumber, variantProp, type Bus, type Remote, type SignalDecl } from './bus';
import { preferred, ServiceSource, type SourceInfo } from './source';

export type Network = MachineState['network'];
export type NetworkSourceName = 'org.freedesktop.NetworkManager' | 'com.uniontech.network';

export const NM_NAME = 'org.freedesktop.NetworkManager';
export const NM_PATH = '/org/freedesktop/NetworkManager';
export const NM_IFACE = 'org.freedesktop.NetworkManager';
export const UT_NETWORK_NAME = 'com.uniontech.network';
export const UT_NETWORK_PATH = '/';
export const UT_NETWORK_IFACE = 'com.uniontech.network.manager';

/**
 * NMState → our network state.
 *   70 CONNECTED_GLOBAL                         → online
 *   60 CONNECTED_SITE, 50 CONNECTED_LOCAL       → online: "online-ish". UOS is often deployed
 *        on intranets where the chat server is reachable though NM's internet check fails;
 *        blocking there would be wrong, and if the server really is unreachable the
 *        client's own backoff handles it.
 *   40 CONNECTING                               → unknown (do not block, do not force a reconnect)
 *   10 ASLEEP, 20 DISCONNECTED, 30 DISCONNECTING → offline
 *    0 UNKNOWN, anything else                   → unknown
 * (`Connectivity` is not used: `State` 70 already includes it, and when NM's
 * connectivity check is disabled Connectivity stays unknown while State is right.)
 */
export function networkFromNmState(state: number | undefined): Network {
  switch (state) {
    case 70:
    case 60:
    case 50:
      return 'online';
    case 10:
    case 20:
    case 30:
      return 'offline';
    default:
      return 'unknown';
  }
}

class NetworkManagerSource extends ServiceSource<Network> {
  /** The raw NMState, for diagnostics. */
  nmState: number | undefined;

  constructor() {
    super(NM_NAME, NM_PATH, 'system');
  }

  protected signals(): SignalDecl[] {
    return [
      { iface: NM_IFACE, member: 'StateChanged', args: ['u'] },
      { iface: 'org.freedesktop.DBus.Properties', member: 'PropertiesChanged', args: ['s', 'a{sv}', 'as'] },
    ];
  }

  protected subscribe(remote: Remote): Array<() => void> {
    return [
      remote.onSignal(NM_IFACE, 'StateChanged', (state) => this.fromState(asNumber(state))),
      // Newer NM also reports State through PropertiesChanged; same value, harmless twice.
      remote.onSignal('org.freedesktop.DBus.Properties', 'PropertiesChanged', (iface, changed) => {
        if (iface !== NM_IFACE) return;
        const p = variantProp(changed, 'State');
        if (p.found) this.fromState(asNumber(p.value));
      }),
    ];
  }

  private fromState(state: number | undefined): void {
    this.nmState = state;
    this.signalled(networkFromNmState(state));
  }

  protected async appeared(remote: Remote, isCurrent: () => boolean): Promise<void> {
    await this.readValue(async () => {
      const state = asNumber(await remote.getProperty(NM_IFACE, 'State'));
      if (isCurrent()) this.nmState = state;
      return networkFromNmState(state);
    }, isCurrent);
  }

  protected override describeValue(v: Network): string {
    return `${v} (NMState ${this.nmState ?? '?'})`;
  }
}

class UniontechNetworkSource extends ServiceSource<Network> {
  constructor() {
    super(UT_NETWORK_NAME, UT_NETWORK_PATH, 'system');
  }

  protected signals(): SignalDecl[] {
    return [{ iface: UT_NETWORK_IFACE, member: 'StatusChanged', args: ['b'] }];
  }

  protected subscribe(remote: Remote): Array<() => void> {
    return [remote.onSignal(UT_NETWORK_IFACE, 'StatusChanged', (up) => this.signalled(fromBool(asBool(up))))];
  }

  protected async appeared(remote: Remote, isCurrent: () => boolean): Promise<void> {
    await this.readValue(async () => {
      const [up] = await remote.call(UT_NETWORK_IFACE, 'GetStatus');
      return fromBool(asBool(up));
    }, isCurrent);
  }
}

function fromBool(up: boolean | undefined): Network {
  return up === undefined ? 'unknown' : up ? 'online' : 'offline';
}

export interface NetworkMonitorEvents extends Record<string, unknown> {
  change: void;
}

export class NetworkMonitor extends Emitter<NetworkMonitorEvents> {
  /** In order of preference (see the module comment). */
  private readonly sources: Array<ServiceSource<Network>> = [new NetworkManagerSource(), new UniontechNetworkSource()];

  constructor() {
    super();
    for (const s of this.sources) s.on('change', () => this.emit('change', undefined));
  }

  attach(systemBus: Bus): Promise<void> {
    return Promise.all(this.sources.map((s) => s.attach(systemBus))).then(() => undefined);
  }

  detach(): void {
    this.sources.forEach((s) => s.detach());
  }

  /** The state to act on and the service it comes from (null: none on the bus). */
  current(): { source: NetworkSourceName | null; network: Network } {
    const s = preferred(this.sources, (v) => v === 'online' || v === 'offline');
    return { source: (s?.name as NetworkSourceName | undefined) ?? null, network: s?.value ?? 'unknown' };
  }

  info(): SourceInfo[] {
    return this.sources.map((s) => s.info());
  }
}
