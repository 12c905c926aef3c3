/**
 * The seam between our code and dbus-next 0.10.2. Nothing else in the app imports
 * dbus-next: the monitors see only `Bus` and `Remote` below, which expose exactly what
 * they need (connect to an address, watch a name's owner, call a method, read a
 * property, subscribe to a signal once).
 *
 * dbus-next 0.10.2 is the last release and has defects we work around here; each
 * workaround is marked "WORKAROUND" with the reason. The ones that matter:
 *
 *  1. Stale owner cache. ProxyInterface drops every signal whose sender is not
 *     `bus._nameOwners[name]`. That cache is meant to follow NameOwnerChanged, but
 *     `MessageBus.handleMessage` destructures `iface` from the message (the field is
 *     `interface`), so the update never runs — and nothing subscribes to
 *     NameOwnerChanged anyway. After a service restarts (or first appears after we
 *     made its proxy) its signals are silently dropped. `Remote.refreshOwner()` calls
 *     `getProxyObject` again, whose GetNameOwner round trip rewrites the cache.
 *  2. Match rules are never removed: `_addMatch`/`_removeMatch` call
 *     `hasOwnProperty.call(match, this._matchRules)` (arguments swapped), so every
 *     `on()` adds a rule and `removeListener` never sends RemoveMatch. We therefore
 *     subscribe once per (object, interface, member) per connection and fan out to
 *     our own handlers; we never add/remove listeners on a ProxyInterface again.
 *  3. `MessageBus` forwards only `error`, not the stream's `end`/`close`: a bus that
 *     dies is invisible. We listen on the underlying stream.
 *  4. Method calls have no timeout and are never rejected when the connection
 *     closes (the reply handler just stays in `_methodReturnHandlers`). We add both.
 *  5. Decorators do not work under TypeScript (test services use
 *     `Interface.configureMembers`); not relevant to the client side here.
 *
 * Pure Node: no `electron` import.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as dbus from 'dbus-next';
import { Emitter } from '../../base/emitter';

export type BusKind = 'system' | 'session';

export const DEFAULT_SYSTEM_BUS_ADDRESS = 'unix:path=/var/run/dbus/system_bus_socket';

const DBUS_NAME = 'org.freedesktop.DBus';
const DBUS_PATH = '/org/freedesktop/DBus';
const PROPERTIES = 'org.freedesktop.DBus.Properties';

/**
 * Where the bus lives: an explicit address wins, then DBUS_SYSTEM_BUS_ADDRESS /
 * DBUS_SESSION_BUS_ADDRESS, then the well-known defaults (system socket;
 * `$XDG_RUNTIME_DIR/bus` for the session, as systemd user sessions provide).
 * Returns undefined when there is nowhere to look (no session address at all).
 */
export function resolveBusAddress(kind: BusKind, explicit?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (explicit) return explicit;
  if (kind === 'system') return env.DBUS_SYSTEM_BUS_ADDRESS || DEFAULT_SYSTEM_BUS_ADDRESS;
  if (env.DBUS_SESSION_BUS_ADDRESS) return env.DBUS_SESSION_BUS_ADDRESS;
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && existsSync(path.join(runtime, 'bus'))) return `unix:path=${path.join(runtime, 'bus')}`;
  return undefined;
}

/** One signal a Remote can deliver: interface, member, and its argument types (one complete type each). */
export interface SignalDecl {
  iface: string;
  member: string;
  args: string[];
}

export type SignalHandler = (...args: unknown[]) => void;

export interface BusEvents extends Record<string, unknown> {
  /** The connection is gone (daemon died, socket closed). Not emitted for close(). */
  closed: string;
}

export interface BusOptions {
  /** How long opening (connect + auth + Hello) may take. */
  connectTimeoutMs?: number;
  /** How long any method call may take. */
  callTimeoutMs?: number;
}

/** The parts of dbus-next's private state we must touch; see the workarounds above. */
interface MessageBusInternals {
  _connection: { stream: NodeJS.EventEmitter & { writable?: boolean; destroy?: () => void } };
}

function describe(err: unknown): string {
  if (err instanceof dbus.DBusError) return `${err.type}: ${err.text}`;
  if (err instanceof Error) return err.message;
  return String(err);
}

export class Bus extends Emitter<BusEvents> {
  private closedWhy: string | undefined;
  private readonly pending = new Set<(err: Error) => void>();
  private readonly nameWatchers = new Map<string, Set<(owner: string | null) => void>>();
  private readonly remotes = new Map<string, Promise<Remote>>();
  private readonly callTimeoutMs: number;

  /**
   * Connects to `address`. Never throws synchronously; rejects with
   * "<kind> bus unavailable: <reason>".
   */
  static open(kind: BusKind, address: string | undefined, options: BusOptions = {}): Promise<Bus> {
    const connectTimeoutMs = options.connectTimeoutMs ?? 3_000;
    return new Promise<Bus>((resolve, reject) => {
      const fail = (why: string) => reject(new Error(`${kind} bus unavailable: ${why}`));
      if (!address) return fail('no bus address (DBUS_SESSION_BUS_ADDRESS is not set)');
      let mb: dbus.MessageBus;
      try {
        // `sessionBus({ busAddress })` is dbus-next's only way to pass an address; it
        // connects to whatever address it is given, system bus included.
        // (`systemBus()` takes no address and reads the environment itself.)
        mb = dbus.sessionBus({ busAddress: address });
      } catch (err) {
        // e.g. unix:abstract= needs the optional native `usocket` module, not installed.
        const msg = describe(err);
        return fail(/usocket/.test(msg) ? `unsupported address ${address} (abstract sockets need usocket)` : msg);
      }
      const stream = (mb as unknown as MessageBusInternals)._connection.stream;
      let settled = false;
      const timer = setTimeout(() => done(`timed out after ${connectTimeoutMs} ms connecting to ${address}`), connectTimeoutMs);
      const onError = (err: unknown) => done(describe(err));
      const onClose = () => done(`connection to ${address} closed during setup`);
      function done(why?: string) {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        mb.removeListener('error', onError);
        stream.removeListener('close', onClose);
        if (why === undefined) {
          resolve(new Bus(kind, address!, mb, options));
          return;
        }
        // Keep a listener: an 'error' event with none would throw.
        mb.on('error', () => {});
        try {
          mb.disconnect();
        } catch {
          /* already gone */
        }
        fail(why);
      }
      mb.on('error', onError);
      stream.once('close', onClose);
      mb.once('connect', () => done());
    });
  }

  private constructor(
    readonly kind: BusKind,
    readonly address: string,
    private readonly mb: dbus.MessageBus,
    options: BusOptions,
  ) {
    super();
    this.callTimeoutMs = options.callTimeoutMs ?? 5_000;
    // An EventEmitter 'error' without a listener throws; dbus-next emits errors for
    // failed AddMatch calls and writes to a closed stream. They are not fatal to us:
    // a dead connection is reported through the stream's close below.
    mb.on('error', () => {});
    // WORKAROUND (3): MessageBus does not forward end/close; watch the socket itself.
    const stream = (mb as unknown as MessageBusInternals)._connection.stream;
    stream.once('close', () => this.markClosed(`${kind} bus connection lost`, true));
    mb.on('message', (msg: dbus.Message) => this.onMessage(msg));
  }

  get isOpen(): boolean {
    return this.closedWhy === undefined;
  }

  /** Our unique name on this bus (":1.42"). */
  get uniqueName(): string | null {
    return (this.mb as unknown as { name: string | null }).name;
  }

  close(): void {
    if (!this.isOpen) return;
    this.markClosed(`${this.kind} bus closed`, false);
    try {
      this.mb.disconnect();
    } catch {
      /* already gone */
    }
  }

  /** A low-level method call; resolves with the reply body. Bounded by the call timeout. */
  call(destination: string, objectPath: string, iface: string, member: string, signature = '', body: unknown[] = []): Promise<unknown[]> {
    const msg = new dbus.Message({ destination, path: objectPath, interface: iface, member, signature, body });
    return this.bounded(
      this.mb.call(msg).then((reply) => reply?.body ?? []),
      `${iface}.${member} on ${destination}`,
    );
  }

  /** Current owner (unique name) of `name`, or null. */
  async nameOwner(name: string): Promise<string | null> {
    try {
      const [owner] = await this.call(DBUS_NAME, DBUS_PATH, DBUS_NAME, 'GetNameOwner', 's', [name]);
      return typeof owner === 'string' ? owner : null;
    } catch (err) {
      if (err instanceof dbus.DBusError && err.type === 'org.freedesktop.DBus.Error.NameHasNoOwner') return null;
      throw err;
    }
  }

  /**
   * Calls `onOwner` each time `name` gets a new owner (unique name) or loses it (null),
   * and resolves with the current owner. The match rule (arg0-filtered, so we do not see
   * every connection on the system bus come and go) is added once per name and before
   * the GetNameOwner query, so no change can fall between the two.
   */
  async watchName(name: string, onOwner: (owner: string | null) => void): Promise<string | null> {
    let set = this.nameWatchers.get(name);
    if (!set) {
      set = new Set();
      this.nameWatchers.set(name, set);
      const rule = `type='signal',sender='${DBUS_NAME}',path='${DBUS_PATH}',interface='${DBUS_NAME}',member='NameOwnerChanged',arg0='${name}'`;
      await this.call(DBUS_NAME, DBUS_PATH, DBUS_NAME, 'AddMatch', 's', [rule]);
    }
    set.add(onOwner);
    return this.nameOwner(name);
  }

  /**
   * A client-side view of `name` at `objectPath` that can deliver `signals`. The
   * service need not exist yet: we hand dbus-next the introspection XML ourselves, so
   * no Introspect call is made and a missing service is not an error. One Remote per
   * (name, path) per connection (see workaround 2); later calls must declare the same signals.
   */
  remote(name: string, objectPath: string, signals: SignalDecl[]): Promise<Remote> {
    const key = `${name} ${objectPath}`;
    let r = this.remotes.get(key);
    if (!r) {
      const xml = introspectionXml(signals);
      r = this.bounded(this.mb.getProxyObject(name, objectPath, xml), `proxy for ${name}`).then(
        (proxy) => new Remote(this, name, objectPath, xml, proxy),
      );
      r.catch(() => this.remotes.delete(key));
      this.remotes.set(key, r);
    }
    return r;
  }

  /** @internal used by Remote.refreshOwner */
  proxyObject(name: string, objectPath: string, xml: string): Promise<dbus.ProxyObject> {
    return this.bounded(this.mb.getProxyObject(name, objectPath, xml), `proxy for ${name}`);
  }

  private onMessage(msg: dbus.Message): void {
    if (
      msg.type !== dbus.MessageType.SIGNAL ||
      msg.sender !== DBUS_NAME ||
      msg.interface !== DBUS_NAME ||
      msg.member !== 'NameOwnerChanged'
    )
      return;
    const [name, , newOwner] = msg.body as [string, string, string];
    const set = this.nameWatchers.get(name);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(newOwner ? newOwner : null);
      } catch {
        /* a watcher's problem is its own */
      }
    }
  }

  // WORKAROUND (4): every call gets a timeout, and is rejected when the bus closes.
  private bounded<T>(p: Promise<T>, what: string): Promise<T> {
    if (!this.isOpen) return Promise.reject(new Error(`${what}: ${this.closedWhy}`));
    return new Promise<T>((resolve, reject) => {
      const abort = (err: Error) => finish(() => reject(err));
      const timer = setTimeout(() => abort(new Error(`${what}: no reply within ${this.callTimeoutMs} ms`)), this.callTimeoutMs);
      const finish = (fn: () => void) => {
        clearTimeout(timer);
        this.pending.delete(abort);
        fn();
      };
      this.pending.add(abort);
      p.then(
        (v) => finish(() => resolve(v)),
        (e) => finish(() => reject(e)),
      );
    });
  }

  private markClosed(why: string, unexpected: boolean): void {
    if (this.closedWhy !== undefined) return;
    this.closedWhy = why;
    for (const abort of [...this.pending]) abort(new Error(why));
    this.pending.clear();
    if (unexpected) this.emit('closed', why);
  }
}

export class Remote {
  private readonly handlers = new Map<string, Set<SignalHandler>>();

  constructor(
    private readonly bus: Bus,
    readonly name: string,
    readonly objectPath: string,
    private readonly xml: string,
    private readonly proxy: dbus.ProxyObject,
  ) {}

  /**
   * Adds `handler` for `iface.member`. The ProxyInterface listener (and with it the
   * match rule) is installed once, on first use, and never removed — see workaround 2.
   * Handlers run only for signals from the name's current owner (dbus-next's filter).
   */
  onSignal(iface: string, member: string, handler: SignalHandler): () => void {
    const key = `${iface}.${member}`;
    let set = this.handlers.get(key);
    if (!set) {
      set = new Set();
      this.handlers.set(key, set);
      const fanOut = set;
      this.proxy.getInterface(iface).on(member, (...args: unknown[]) => {
        for (const h of [...fanOut]) {
          try {
            h(...args);
          } catch {
            /* one handler must not starve the others */
          }
        }
      });
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  call(iface: string, member: string, signature = '', ...args: unknown[]): Promise<unknown[]> {
    return this.bus.call(this.name, this.objectPath, iface, member, signature, args);
  }

  /** Properties.Get, unwrapped from its Variant. */
  async getProperty(iface: string, property: string): Promise<unknown> {
    const [v] = await this.bus.call(this.name, this.objectPath, PROPERTIES, 'Get', 'ss', [iface, property]);
    return v instanceof dbus.Variant ? v.value : v;
  }

  /**
   * WORKAROUND (1): make dbus-next's owner cache follow a new owner. dbus-next never
   * updates `_nameOwners` from NameOwnerChanged, so after a restart its ProxyInterface
   * drops the new owner's signals as "not from the owner". `getProxyObject` with XML
   * issues GetNameOwner and stores the answer in that (bus-wide) cache, which also
   * serves the listeners of our original proxy — so they keep working without being
   * re-added (re-adding would leak match rules, workaround 2). The new proxy is discarded.
   */
  async refreshOwner(): Promise<void> {
    await this.bus.proxyObject(this.name, this.objectPath, this.xml);
  }
}

/** Builds just enough introspection XML for dbus-next to route the declared signals. */
export function introspectionXml(signals: SignalDecl[]): string {
  const byIface = new Map<string, SignalDecl[]>();
  for (const s of signals) byIface.set(s.iface, [...(byIface.get(s.iface) ?? []), s]);
  const ifaces = [...byIface].map(
    ([iface, list]) =>
      `<interface name="${iface}">${list.map((s) => `<signal name="${s.member}">${s.args.map((a) => `<arg type="${a}"/>`).join('')}</signal>`).join('')}</interface>`,
  );
  return `<node>${ifaces.join('')}</node>`;
}

/** `true`/`false` from a D-Bus boolean, else undefined. */
export function asBool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

/** A number from u/i/t values (t may be a bigint), else undefined. */
export function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

/** Reads a property from an a{sv} dict as dbus-next delivers it ({ [k]: Variant }). */
export function variantProp(dict: unknown, key: string): { found: boolean; value: unknown } {
  if (typeof dict !== 'object' || dict === null || !Object.prototype.hasOwnProperty.call(dict, key))
    return { found: false, value: undefined };
  const v = (dict as Record<string, unknown>)[key];
  return { found: true, value: v instanceof dbus.Variant ? v.value : v };
}

export { describe as describeError };
