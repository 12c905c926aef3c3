/**
 * ConversationDesk: which conversation the window shows, over ConversationClients. The
 * window's log, composer and search talk to the current conversation's ChatClient; the
 * sidebar is the list with its counts. Switching only changes which client the window
 * is shown: every followed conversation keeps receiving (and counting) meanwhile.
 */
import type { ConversationInfo } from '../../../protocol';
import type { ConversationView, ConversationsView } from '../../common/ipc-types';
import { Emitter } from '../base/emitter';
import type { ChatClient } from '../connection/client';
import type { ConversationClients } from './conversation-clients';

export interface DeskEvents extends Record<string, unknown> {
  /** The list or the current conversation changed. */
  changed: ConversationsView;
  /** Another conversation's client is now the one the window shows. */
  switched: ChatClient;
}

export class ConversationDesk extends Emitter<DeskEvents> {
  private currentId: string;
  private multi = false;

  constructor(
    private readonly clients: ConversationClients,
    initial: string,
  ) {
    super();
    this.currentId = initial;
    // Shown at once, from its local store, before any network.
    clients.follow(initial);
    clients.on('ready', ({ multi }) => {
      this.multi = multi;
      if (!multi) this.switchTo(this.clients.fallbackRoom);
      else this.keepCurrent();
      this.emit('changed', this.view());
    });
    clients.on('list', () => {
      this.keepCurrent();
      this.emit('changed', this.view());
    });
  }

  get current(): string {
    return this.currentId;
  }

  /** The current conversation's client (made on demand: it is always followed). */
  client(): ChatClient {
    return this.clients.follow(this.currentId);
  }

  /** The client of a conversation of the user's; undefined for any other id (never made for a guess). */
  clientOf(id: string): ChatClient | undefined {
    if (id === this.currentId) return this.client();
    return this.isListed(id) ? this.clients.follow(id) : undefined;
  }

  view(): ConversationsView {
    const me = this.clients.link.user;
    return { multi: this.multi, current: this.currentId, list: this.clients.link.list.all().map((c) => viewOf(c, me)) };
  }

  /** Shows `id`; false when it is not one of the user's conversations. */
  open(id: string): boolean {
    if (!this.isListed(id)) return false;
    if (id !== this.currentId) {
      this.switchTo(id);
      this.emit('changed', this.view());
    }
    return true;
  }

  /** Moves the read marker of `id` to its newest message (no-op when nothing waits). */
  markRead(id: string): void {
    const c = this.clients.link.list.get(id);
    if (c && c.read < c.seq) this.clients.link.markRead(id, c.seq);
  }

  private isListed(id: string): boolean {
    return this.multi ? this.clients.link.list.get(id) !== undefined : id === this.currentId;
  }

  /** The current conversation was left (or never was ours): the newest one in the list is shown instead. */
  private keepCurrent(): void {
    if (!this.multi || this.clients.link.list.get(this.currentId)) return;
    const first = this.clients.link.list.all()[0];
    if (first) this.switchTo(first.id);
  }

  private switchTo(id: string): void {
    this.currentId = id;
    this.emit('switched', this.client());
  }
}

/** A DM is named by the other person (the server's name for it is both users'). */
function viewOf(c: ConversationInfo, me: string | undefined): ConversationView {
  const other = c.kind === 'dm' ? c.members.find((m) => m !== me) : undefined;
  return {
    id: c.id,
    name: other ?? c.name,
    kind: c.kind,
    members: c.members.length,
    unread: c.unread,
    mentions: c.mentions,
    ...(c.last ? { last: { user: c.last.user, text: c.last.message, timestamp: c.last.timestamp } } : {}),
  };
}
