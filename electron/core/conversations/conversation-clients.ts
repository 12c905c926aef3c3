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
import type { AccountStores } from '../store/accounts';
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
}

/** The URL of one conversation: the configured server with `room=` naming it. */
export function roomUrl(url: string, conv: string): string {
  const u = new URL(url);
  u.searchParams.set('room', conv);
  return u.toString();
}

/** The conversation a URL names (`room=`), `lobby` without one. */
export function roomOf(url: string): string {
  return new URL(url).searchParams.get('room') || 'lobby';
}

export class ConversationClients extends Emitter<ConversationClientsEvents> {
  readonly link: ConversationLink;
  private readonly clients = new Map<string, ChatClient>();
  private following: 'all' | Set<string> = new Set();
  private started = false;

  constructor(private readonly deps: ConversationClientsDeps) {
    super();
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
    return roomOf(this.deps.config.url);
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
      config: { ...this.deps.config, url: roomUrl(this.deps.config.url, conv), ...(legacy ? {} : { compression: 'off' as const }) },
      ...(this.deps.accounts ? { accounts: this.deps.accounts } : {}),
      ...(this.deps.clock ? { clock: this.deps.clock } : {}),
      ...(socketFactory ? { socketFactory } : {}),
    });
    this.clients.set(conv, client);
    this.deps.onClient?.(conv, client);
    if (this.started) void client.start();
    return client;
  }

  /** One room per connection: the configured room's client, on its own socket. */
  private fallBack(): void {
    for (const client of this.clients.values()) void client.stop();
    this.clients.clear();
    this.clientFor(this.fallbackRoom);
  }
}
