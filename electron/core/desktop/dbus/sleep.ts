/**
 * Suspend / resume from systemd-logind: SYSTEM bus `org.freedesktop.login1` at
 * `/org/freedesktop/login1`, interface `org.freedesktop.login1.Manager`, signal
 * `PrepareForSleep(b)` — true just before sleeping, false after waking.
 *
 * No value is read when login1 appears: a process that is running is awake (reading
 * `PreparingForSleep` would only matter inside the few hundred ms before a sleep).
 * If login1 disappears or the bus dies while we believe the machine is asleep, we are
 * plainly running again, so that counts as awake (the client is resumed).
 *
 * Not done: a "delay" inhibitor lock (Manager.Inhibit) to guarantee the close frame is
 * written before the machine sleeps. It returns a file descriptor, which needs unix fd
 * passing — dbus-next only supports it through the optional native `usocket` module,
 * which is not installed.
 */
import { Emitter } from '../../base/emitter';
import { asBool, type Bus, type Remote, type SignalDecl } from './bus';
import { ServiceSource, type SourceInfo } from './source';

export type SleepSourceName = 'org.freedesktop.login1';
export const LOGIN1 = { name: 'org.freedesktop.login1', path: '/org/freedesktop/login1', iface: 'org.freedesktop.login1.Manager' } as const;

class Login1Source extends ServiceSource<boolean> {
  constructor() {
    super(LOGIN1.name, LOGIN1.path, 'system');
  }

  protected signals(): SignalDecl[] {
    return [{ iface: LOGIN1.iface, member: 'PrepareForSleep', args: ['b'] }];
  }

  protected subscribe(remote: Remote): Array<() => void> {
    return [remote.onSignal(LOGIN1.iface, 'PrepareForSleep', (start) => this.signalled(asBool(start) ?? false))];
  }

  protected async appeared(_remote: Remote, isCurrent: () => boolean): Promise<void> {
    // Running, hence awake — unless a PrepareForSleep(true) already arrived.
    if (isCurrent() && this.value === undefined) this.value = false;
  }

  protected override describeValue(v: boolean): string {
    return v ? 'going to sleep' : 'awake';
  }
}

export interface SleepMonitorEvents extends Record<string, unknown> {
  change: void;
}

export class SleepMonitor extends Emitter<SleepMonitorEvents> {
  private readonly login1 = new Login1Source();

  constructor() {
    super();
    this.login1.on('change', () => this.emit('change', undefined));
  }

  attach(systemBus: Bus): Promise<void> {
    return this.login1.attach(systemBus);
  }

  detach(): void {
    this.login1.detach();
  }

  current(): { source: SleepSourceName | null; sleeping: boolean } {
    return { source: this.login1.present ? LOGIN1.name : null, sleeping: this.login1.present && this.login1.value === true };
  }

  info(): SourceInfo[] {
    return [this.login1.info()];
  }
}
