/**
 * One D-Bus service we listen to (NetworkManager, login1, the deepin power daemon…):
 * whether it is on the bus, and the one value we care about from it.
 *
 * Lifecycle: `attach(bus)` subscribes to its signals (once per connection — dbus-next
 * never removes match rules, so we do not churn them), watches its name, and when an
 * owner is there reads the current value. When the name gets a new owner (a service
 * that starts later, or restarts) the owner cache is refreshed (dbus-next workaround,
 * see bus.ts) and the value read again. `detach()` forgets everything (bus gone).
 */
import { Emitter } from '../../base/emitter';
import { describeError, type Bus, type BusKind, type Remote, type SignalDecl } from './bus';

export interface SourceEvents extends Record<string, unknown> {
  change: void;
}

export interface SourceInfo {
  name: string;
  bus: BusKind;
  present: boolean;
  /** The value as text, for diagnostics (undefined: not known yet). */
  value?: string;
  error?: string;
}

export abstract class ServiceSource<T> extends Emitter<SourceEvents> {
  /** Unique name of the current owner, or null when the service is not on the bus. */
  owner: string | null = null;
  value: T | undefined;
  error: string | undefined;

  protected remote: Remote | undefined;
  private epoch = 0;
  private ownerToken = 0;
  private signalSeq = 0;
  private offs: Array<() => void> = [];

  constructor(
    readonly name: string,
    readonly objectPath: string,
    readonly busKind: BusKind,
  ) {
    super();
  }

  get present(): boolean {
    return this.owner !== null;
  }

  /** The signals this source listens to (declared to dbus-next as introspection XML). */
  protected abstract signals(): SignalDecl[];
  /** Registers signal handlers on the remote; each handler usually ends in `signalled()`. */
  protected abstract subscribe(remote: Remote): Array<() => void>;
  /** Runs when an owner appears (at attach or later): read the value, register, … */
  protected abstract appeared(remote: Remote, isCurrent: () => boolean): Promise<void>;
  /** The value as text for diagnostics. */
  protected describeValue(v: T): string {
    return String(v);
  }

  info(): SourceInfo {
    const out: SourceInfo = { name: this.name, bus: this.busKind, present: this.present };
    if (this.value !== undefined) out.value = this.describeValue(this.value);
    if (this.error !== undefined) out.error = this.error;
    return out;
  }

  /** Never rejects: problems end up in `error`. */
  async attach(bus: Bus): Promise<void> {
    this.reset();
    const epoch = ++this.epoch;
    try {
      const remote = await bus.remote(this.name, this.objectPath, this.signals());
      if (epoch !== this.epoch) return;
      this.remote = remote;
      this.offs = this.subscribe(remote);
      // Subscribed before the owner is queried and the value read, so no change is lost between.
      const owner = await bus.watchName(this.name, (o) => {
        if (epoch === this.epoch) void this.ownerChanged(o, true);
      });
      if (epoch !== this.epoch) return;
      await this.ownerChanged(owner, false);
    } catch (err) {
      if (epoch !== this.epoch) return;
      this.error = describeError(err);
      this.changed();
    }
  }

  detach(): void {
    this.epoch++;
    this.reset();
    this.changed();
  }

  private reset(): void {
    this.offs.forEach((off) => off());
    this.offs = [];
    this.remote = undefined;
    this.owner = null;
    this.value = undefined;
    this.error = undefined;
    this.ownerToken++;
  }

  private async ownerChanged(owner: string | null, isNewOwner: boolean): Promise<void> {
    const token = ++this.ownerToken;
    const isCurrent = () => token === this.ownerToken;
    this.owner = owner;
    this.error = undefined;
    this.value = undefined;
    const remote = this.remote;
    if (owner === null || !remote) {
      this.changed();
      return;
    }
    try {
      // WORKAROUND (dbus-next owner cache, bus.ts #1): without this, every signal from
      // an owner that appeared after we built the proxy is dropped by dbus-next. Done
      // first, so signals are delivered again as early as possible. (Our own method
      // calls to the name also happen to refresh that cache as a side effect of
      // MessageBus.call; sources without a call — login1 — depend on this line alone.)
      if (isNewOwner) await remote.refreshOwner();
      if (!isCurrent()) return;
      await this.appeared(remote, isCurrent);
    } catch (err) {
      if (!isCurrent()) return;
      this.error = describeError(err);
    }
    if (isCurrent()) this.changed();
  }

  /**
   * Reads the value with a guard against a signal racing the reply: a signal that
   * arrives after the request went out is at least as new as the reply (a service
   * emits a signal on every change, and messages from one sender arrive in order),
   * so in that case the reply is dropped.
   */
  protected async readValue(read: () => Promise<T | undefined>, isCurrent: () => boolean): Promise<void> {
    const seq = this.signalSeq;
    const v = await read();
    if (isCurrent() && seq === this.signalSeq) this.value = v;
  }

  /** A signal told us the new value. */
  protected signalled(v: T | undefined): void {
    this.signalSeq++;
    this.value = v;
    this.changed();
  }

  protected changed(): void {
    this.emit('change', undefined);
  }
}

/**
 * Of `sources` (in order of preference), the one to believe: the first present source
 * whose value is `decided`; failing that the first present one; else null.
 */
export function preferred<T>(sources: Array<ServiceSource<T>>, decided: (v: T | undefined) => boolean): ServiceSource<T> | null {
  return sources.find((s) => s.present && decided(s.value)) ?? sources.find((s) => s.present) ?? null;
}
