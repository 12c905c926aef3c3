/**
 * Is the machine in power-save mode? Three sources:
 *
 *  - deepin V23: SYSTEM bus `org.deepin.dde.Power1` at `/org/deepin/dde/Power1`,
 *    interface `org.deepin.dde.Power1`, property `PowerSavingModeEnabled` (b).
 *  - deepin V20 / UOS 20: SYSTEM bus `com.deepin.system.Power` at
 *    `/com/deepin/system/Power`, interface `com.deepin.system.Power`, same property.
 *    Both announce changes with org.freedesktop.DBus.Properties.PropertiesChanged.
 *  - The design notes' SESSION bus `com.uniontech.power` (object `/`, interface
 *    `com.uniontech.power.manager`): signal `PowerSaveChanged(b)` (no getter, so its
 *    value is unknown until the first signal) and `AddWhitelist(s)`.
 *
 * Preference: the real deepin daemons (V23, then V20) over the design-notes service —
 * they are what the power settings actually toggle and they can be read at start-up.
 * A source with no answer yet falls through to one that has one; none → not in power save.
 *
 * `AddWhitelist(appId)` is called on `com.uniontech.power` each time it gets an owner
 * (a restarted service has forgotten its list), whichever source we believe for the
 * mode; failures (no such method, access denied) are reported in diagnostics and ignored.
 */
import { Emitter } from '../../base/emitter';
import { asBool, describeError, variantProp, type Bus, type Remote, type SignalDecl } from './bus';
import { preferred, ServiceSource, type SourceInfo } from './source';

export type PowerSourceName = 'org.deepin.dde.Power1' | 'com.deepin.system.Power' | 'com.uniontech.power';

export const DEEPIN_V23 = { name: 'org.deepin.dde.Power1', path: '/org/deepin/dde/Power1', iface: 'org.deepin.dde.Power1' } as const;
export const DEEPIN_V20 = { name: 'com.deepin.system.Power', path: '/com/deepin/system/Power', iface: 'com.deepin.system.Power' } as const;
export const UT_POWER = { name: 'com.uniontech.power', path: '/', iface: 'com.uniontech.power.manager' } as const;
export const DEFAULT_APP_ID = 'org.uoschat.UOSChat';

const PROPERTIES = 'org.freedesktop.DBus.Properties';
const PROP = 'PowerSavingModeEnabled';

class DeepinPowerSource extends ServiceSource<boolean> {
  constructor(private readonly spec: { name: string; path: string; iface: string }) {
    super(spec.name, spec.path, 'system');
  }

  protected signals(): SignalDecl[] {
    return [{ iface: PROPERTIES, member: 'PropertiesChanged', args: ['s', 'a{sv}', 'as'] }];
  }

  protected subscribe(remote: Remote): Array<() => void> {
    return [
      remote.onSignal(PROPERTIES, 'PropertiesChanged', (iface, changed, invalidated) => {
        if (iface !== this.spec.iface) return;
        const p = variantProp(changed, PROP);
        if (p.found) this.signalled(asBool(p.value));
        else if (Array.isArray(invalidated) && invalidated.includes(PROP)) void this.reread(remote);
      }),
    ];
  }

  /** The property was invalidated (changed, value not sent): ask for it. */
  private async reread(remote: Remote): Promise<void> {
    try {
      this.signalled(asBool(await remote.getProperty(this.spec.iface, PROP)));
    } catch (err) {
      this.error = describeError(err);
      this.changed();
    }
  }

  protected async appeared(remote: Remote, isCurrent: () => boolean): Promise<void> {
    await this.readValue(async () => asBool(await remote.getProperty(this.spec.iface, PROP)), isCurrent);
  }
}

class UniontechPowerSource extends ServiceSource<boolean> {
  /** Result of the last AddWhitelist call, for diagnostics. */
  whitelist: 'ok' | string | undefined;

  constructor(private readonly appId: string) {
    super(UT_POWER.name, UT_POWER.path, 'session');
  }

  protected signals(): SignalDecl[] {
    return [{ iface: UT_POWER.iface, member: 'PowerSaveChanged', args: ['b'] }];
  }

  protected subscribe(remote: Remote): Array<() => void> {
    return [remote.onSignal(UT_POWER.iface, 'PowerSaveChanged', (on) => this.signalled(asBool(on)))];
  }

  protected async appeared(remote: Remote, isCurrent: () => boolean): Promise<void> {
    // No getter in the design notes: the mode is unknown until PowerSaveChanged.
    try {
      await remote.call(UT_POWER.iface, 'AddWhitelist', 's', this.appId);
      if (isCurrent()) this.whitelist = 'ok';
    } catch (err) {
      if (isCurrent()) this.whitelist = describeError(err);
    }
  }

  override info(): SourceInfo {
    const out = super.info();
    if (this.whitelist && this.whitelist !== 'ok') out.error = `AddWhitelist failed (ignored): ${this.whitelist}`;
    return out;
  }
}

export interface PowerMonitorEvents extends Record<string, unknown> {
  change: void;
}

export class PowerMonitor extends Emitter<PowerMonitorEvents> {
  private readonly v23 = new DeepinPowerSource(DEEPIN_V23);
  private readonly v20 = new DeepinPowerSource(DEEPIN_V20);
  private readonly ut: UniontechPowerSource;
  /** In order of preference (see the module comment). */
  private readonly sources: Array<ServiceSource<boolean>>;

  constructor(appId: string = DEFAULT_APP_ID) {
    super();
    this.ut = new UniontechPowerSource(appId);
    this.sources = [this.v23, this.v20, this.ut];
    for (const s of this.sources) s.on('change', () => this.emit('change', undefined));
  }

  attachSystem(bus: Bus): Promise<void> {
    return Promise.all([this.v23.attach(bus), this.v20.attach(bus)]).then(() => undefined);
  }

  detachSystem(): void {
    this.v23.detach();
    this.v20.detach();
  }

  attachSession(bus: Bus): Promise<void> {
    return this.ut.attach(bus);
  }

  detachSession(): void {
    this.ut.detach();
  }

  current(): { source: PowerSourceName | null; powerSave: boolean } {
    const s = preferred(this.sources, (v) => v !== undefined);
    return { source: (s?.name as PowerSourceName | undefined) ?? null, powerSave: s?.value ?? false };
  }

  info(): SourceInfo[] {
    return this.sources.map((s) => s.info());
  }
}
