/**
 * ConversationClients: a ChatClient per conversation, all over one ConversationLink.
 * Each conversation's client is exactly the one-room client (its own outbox and history
 * store, as an account: server + user + room), so a message never goes to another
 * conversation; only its socket is a channel of the shared one.
 *
 * Against a server without the extension there is one client, for the configured room,
 * on a socket of its own: the design notes' one room per connection.
 */
import type { ConversationInfo } from '../../../protocol';
import type { Reason } from '../../common/errors';
import { Emitter } from '../base/emitter';
import type { Clock } from '../base/clock';
import { ChatClient, type ClientConfig } from '../connection/client';
import type { SocketFactory } from '../connection/transport';
import type { MachineTarget } from '../desktop/machine-monitor';
import type { MachineState } from '../../common/state';
import type { AccountStores } from '../store/accounts';
import type { FilesConfig } from '../files/file-http';
import { ConversationLink } from './conversation-link';

export interface ConversationClientsDeps {
  config: Partial<ClientConfig> & { url: string };
  accounts?: AccountStores;
  clock?: Clock;
  socketFactory?: SocketFactory;
  /** Made for each conversation's client (the CLI listens to each). */
  onClient?: (conv: string, client: ChatClient) => void;
}

export interface ConversationClientsEvents extends Record<string, unknown> {
  /** The server greeted: `multi` false means one room per connection (the fallback client runs). */
  ready: { multi: boolean };
  list: readonly ConversationInfo[];
  problem: Reason;
  /** Reconfigured: every client was replaced (the window shows the new one of its conversation). */
  reset: undefined;
  /** A conversation's client was made (at its first use, or after a reset). */
  client: { conv: string; client: ChatClient };
}

/** The URL of one conversation: the configured server with `room=` naming it (as configured when it already does). */
export function roomUrl(url: string, conv: string): string {
  if (roomOf(url) === conv) return url;
  const u = new URL(url);
  u.searchParams.set('room', conv);
  return u.toString();
}

/** The conversation a URL names (`room=`), `lobby` without one. */
export function roomOf(url: string): string {
  return new URL(url).searchParams.get('room') || 'lobby';
}

/**
 * The machine's word (D-Bus: network, power save, sleep) goes to every client, and to each one made
 * later, and the shared socket follows: closed while offline or asleep, its heartbeat slower in
 * power save. So ConversationClients is the MachineMonitor's target, as one ChatClient was.
 */
export class ConversationClients extends Emitter<ConversationClientsEvents> implements MachineTarget {
  readonly link: ConversationLink;
  private readonly clients = new Map<string, ChatClient>();
  private following: 'all' | Set<string> = new Set();
  private started = false;
  private config: Partial<ClientConfig> & { url: string };
  private machine: { network?: MachineState['network']; powerSave: boolean; asleep: boolean } = { powerSave: false, asleep: false };

  constructor(private readonly deps: ConversationClientsDeps) {
    super();
    this.config = deps.config;
    this.link = new ConversationLink({
      config: deps.config,
      ...(deps.clock ? { clock: deps.clock } : {}),
      ...(deps.socketFactory ? { socketFactory: deps.socketFactory } : {}),
    });
    this.link.on('ready', ({ multi }) => {
      if (!multi) this.fallBack();
      else this.sync();
      this.emit('ready', { multi });
    });
    this.link.on('list', (list) => {
      this.sync();
      this.emit('list', list);
    });
    this.link.on('problem', (why) => this.emit('problem', why));
  }

  /** The conversation a server without the extension gets: the configured URL's room. */
  get fallbackRoom(): string {
    return roomOf(this.config.url);
  }

  /** Connects; resolves once the server greeted (or the connection failed: rejects with why). */
  start(): Promise<{ multi: boolean }> {
    this.started = true;
    // Clients followed before the start (the window's last conversation) open their stores now.
    for (const client of this.clients.values()) void client.start();
    return new Promise((resolve, reject) => {
      const offs = [this.link.on('ready', (r) => done(() => resolve(r))), this.link.on('closed', (why) => done(() => reject(why)))];
      const done = (then: () => void) => {
        offs.forEach((off) => off());
        then();
      };
      const refused = this.link.open();
      if (refused) done(() => reject(refused));
    });
  }

  /** Follows every conversation in the list, now and as it changes (the app, `listen --all`). */
  followAll(): void {
    this.following = 'all';
    this.sync();
  }

  /** Follows one conversation (made or joined first, where the server needs that). */
  follow(conv: string): ChatClient {
    if (this.following !== 'all') this.following.add(conv);
    return this.clientFor(conv);
  }

  client(conv: string): ChatClient | undefined {
    return this.clients.get(conv);
  }

  all(): ReadonlyMap<string, ChatClient> {
    return this.clients;
  }

  /** How files of `conv` travel: its URL, with the same token, CAs and proxy as its messages. */
  filesConfig(conv: string): FilesConfig {
    const { token, tls, proxy } = this.config;
    return { url: roomUrl(this.config.url, conv), ...(token ? { token } : {}), ...(tls ? { tls } : {}), ...(proxy ? { proxy } : {}) };
  }

  maxFileBytes(): number | undefined {
    return this.link.maxFileBytes;
  }

  setNetwork(network: MachineState['network']): void {
    this.machine.network = network;
    for (const c of this.clients.values()) c.setNetwork(network);
    if (network === 'offline') this.link.close();
  }

  setPowerSave(on: boolean): void {
    this.machine.powerSave = on;
    for (const c of this.clients.values()) c.setPowerSave(on);
    this.link.setPowerSave(on);
  }

  suspend(): void {
    this.machine.asleep = true;
    for (const c of this.clients.values()) c.suspend();
    this.link.close(); // cleanly, so the server is not left holding a socket that sleeps
  }

  resume(): void {
    this.machine.asleep = false;
    for (const c of this.clients.values()) c.resume(); // each reconnects, and the first reopens the link
  }

  /**
   * Another server, token or network path: every client is replaced (each account has its own
   * stores: another server or token is another account), the list is the new server's.
   */
  async reconfigure(config: Partial<ClientConfig> & { url: string }): Promise<void> {
    this.config = config;
    const old = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(old.map((c) => c.stop()));
    this.link.reconfigure(config);
    this.emit('reset', undefined);
    if (!this.started) return;
    if (this.following !== 'all') for (const conv of this.following) this.clientFor(conv);
    const refused = this.link.open();
    if (refused) this.emit('problem', refused);
  }

  /** Reconnects now (the tray's "Reconnect now"): every client, at once. */
  reconnectNow(): void {
    for (const c of this.clients.values()) c.reconnectNow();
    if (this.clients.size === 0 && this.started) this.link.open();
  }

  async stop(): Promise<void> {
    this.started = false;
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(clients.map((c) => c.stop()));
    this.link.close();
  }

  /** Clients for the followed conversations in the list; the ones left are stopped. */
  private sync(): void {
    if (!this.started || this.link.legacy) return;
    const listed = new Set(this.link.list.all().map((c) => c.id));
    const wanted = this.following === 'all' ? listed : this.following;
    for (const id of wanted) if (listed.has(id)) this.clientFor(id);
    for (const [id, client] of this.clients) {
      if (listed.has(id) || !this.link.alive) continue;
      this.clients.delete(id);
      void client.stop();
    }
  }

  private clientFor(conv: string): ChatClient {
    let client = this.clients.get(conv);
    if (client) return client;
    const legacy = this.link.legacy;
    // The fallback client has a socket of its own, as before; the others are channels of the link.
    const socketFactory = legacy ? this.deps.socketFactory : this.link.channelFactory(conv);
    client = new ChatClient({
      config: { ...this.config, url: roomUrl(this.config.url, conv), ...(legacy ? {} : { compression: 'off' as const }) },
      ...(this.deps.accounts ? { accounts: this.deps.accounts } : {}),
      ...(this.deps.clock ? { clock: this.deps.clock } : {}),
      ...(socketFactory ? { socketFactory } : {}),
    });
    this.clients.set(conv, client);
    this.tellMachine(client);
    this.deps.onClient?.(conv, client);
    this.emit('client', { conv, client });
    if (this.started) void client.start();
    return client;
  }

  /** A client made now hears what the machine said so far. */
  private tellMachine(client: ChatClient): void {
    const { network, powerSave, asleep } = this.machine;
    if (network !== undefined) client.setNetwork(network);
    if (powerSave) client.setPowerSave(true);
    if (asleep) client.suspend();
  }

  /** One room per connection: the configured room's client, on its own socket. */
  private fallBack(): void {
    for (const client of this.clients.values()) void client.stop();
    this.clients.clear();
    this.clientFor(this.fallbackRoom);
  }
}
