/**
 * ConversationDesk: which conversation the window shows, over ConversationClients. The
 * window's log, composer and search talk to the current conversation's ChatClient; the
 * sidebar is the list with its counts. Switching only changes which client the window
 * is shown: every followed conversation keeps receiving (and counting) meanwhile.
 *
 * With a memory (desk-memory.ts) the desk starts where the person left: the last
 * conversation, and the list as last seen until the server greets, so the sidebar paints
 * before any network. Notification levels and drafts are kept there too.
 */
import type { ConversationInfo } from '../../../protocol';
import { reason, type Reason } from '../../common/errors';
import type {
  ConversationView,
  ConversationsView,
  CreateRoomArg,
  MembersResult,
  NotifyLevel,
  StartDmResult,
  UsersResult,
} from '../../common/ipc-types';
import { Emitter } from '../base/emitter';
import type { ChatClient } from '../connection/client';
import type { ConversationClients } from './conversation-clients';
import type { DeskMemoryPort, DeskRecord } from './desk-memory';
import { DeskReceipts } from './desk-receipts';

export interface DeskEvents extends Record<string, unknown> {
  /** The list or the current conversation changed. */
  changed: ConversationsView;
  /** Another conversation's client is now the one the window shows. */
  switched: ChatClient;
}

/** What waits: unread messages outside muted conversations, and @mentions anywhere (a muted one's too). */
export interface DeskTotals {
  unread: number;
  mentions: number;
}

/** Without a desk.json (tests, the test host): remembered for this run only. */
function runMemory(): () => DeskMemoryPort {
  let record: DeskRecord = {};
  const port: DeskMemoryPort = { get: () => record, update: (patch) => void (record = { ...record, ...patch }) };
  return () => port;
}

export class ConversationDesk extends Emitter<DeskEvents> {
  private currentId: string;
  private readonly receipts: DeskReceipts;
  private multi = false;
  private greeted = false;

  /** `memory`: the account's record; asked again after a reconfigure (another account). */
  constructor(
    private readonly clients: ConversationClients,
    initial: string,
    private readonly memory: () => DeskMemoryPort = runMemory(),
  ) {
    super();
    this.currentId = memory().get().current ?? initial;
    this.receipts = new DeskReceipts(clients.link, (conv) => {
      if (conv === this.currentId) this.emit('changed', this.view());
    });
    // Shown at once, from its local store, before any network.
    clients.follow(this.currentId);
    clients.on('ready', ({ multi }) => {
      this.multi = multi;
      this.greeted = true;
      if (!multi) this.switchTo(this.clients.fallbackRoom);
      else this.keepCurrent();
      if (multi) this.receipts.fetch(this.currentId);
      this.remember();
      this.emit('changed', this.view());
    });
    clients.on('list', () => {
      if (!this.greeted) return; // a reconfigure's empty list: the cached one stays until the greeting
      this.keepCurrent();
      this.remember();
      this.emit('changed', this.view());
    });
    clients.on('reset', () => {
      this.greeted = false;
      this.receipts.clear();
      this.multi = false;
      this.currentId = this.memory().get().current ?? this.currentId;
      this.emit('switched', this.client());
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
    const record = this.memory().get();
    const live = this.greeted;
    // Before the greeting: the list as last seen (a server without conversations had none).
    const list = live ? this.clients.link.list.all() : (record.list ?? []);
    const me = (live ? this.clients.link.user : undefined) ?? record.user;
    const receipts = live && this.multi ? this.receipts.of(this.currentId) : undefined;
    return {
      multi: live ? this.multi : list.length > 0,
      current: this.currentId,
      list: list.map((c) => viewOf(c, me, record)),
      ...(receipts ? { receipts } : {}),
    };
  }

  totals(): DeskTotals {
    let unread = 0;
    let mentions = 0;
    for (const c of this.view().list) {
      if (c.notify !== 'muted') unread += c.unread;
      mentions += c.mentions;
    }
    return { unread, mentions };
  }

  levelOf(id: string): NotifyLevel {
    return this.memory().get().notify?.[id] ?? 'all';
  }

  /** The name the window shows for `id` (a DM: the other member). */
  nameOf(id: string): string | undefined {
    return this.view().list.find((c) => c.id === id)?.name;
  }

  /** Shows `id`; false when it is not one of the user's conversations. */
  open(id: string): boolean {
    if (!this.isListed(id)) return false;
    if (id !== this.currentId) {
      this.switchTo(id);
      this.memory().update({ current: id });
      this.emit('changed', this.view());
    }
    return true;
  }

  /** The server's user directory; a server without conversations has none to give. */
  async users(): Promise<UsersResult> {
    if (!this.multi) return { ok: false, reason: reason('REJECTED', 'this server has no user directory') };
    try {
      const answer = await this.clients.link.request({ type: 'users' });
      const me = this.clients.link.user;
      return { ok: true, users: answer.users.map((u) => ({ ...u })), ...(me !== undefined ? { me } : {}) };
    } catch (why) {
      return { ok: false, reason: asReason(why) };
    }
  }

  /** Who is in `conv` (from the list the server keeps current), named as the directory names them. */
  async members(conv: string): Promise<MembersResult> {
    const info = this.multi ? this.clients.link.list.get(conv) : undefined;
    if (!info) return { ok: false, reason: reason('FORBIDDEN', 'not one of your conversations') };
    const directory = await this.users();
    const display = new Map(directory.ok ? directory.users.map((u) => [u.id, u.display] as const) : []);
    // Without the directory (a refusal, a timeout) the ids still say who is there.
    const members = info.members.map((id) => {
      const name = display.get(id);
      return name !== undefined ? { id, display: name } : { id };
    });
    return { ok: true, members };
  }

  /** The DM with `user`, found again or made by the server, and shown. */
  startDm(user: string): Promise<StartDmResult> {
    if (!this.multi) return Promise.resolve({ ok: false, reason: reason('REJECTED', 'this server has no direct messages') });
    return this.openAnswer(this.clients.link.request({ type: 'open_dm', user }));
  }

  /** A room made on the server with the user and `members` in it, and shown. */
  createRoom(room: CreateRoomArg): Promise<StartDmResult> {
    if (!this.multi) return Promise.resolve({ ok: false, reason: reason('REJECTED', 'this server has no rooms to create') });
    const kind = room.private ? 'private' : 'room';
    return this.openAnswer(this.clients.link.request({ type: 'create', name: room.name, kind, members: room.members }));
  }

  /** Adds `user` to `conv` (one of the user's rooms: the server refuses a DM and anyone not a member). */
  async invite(conv: string, user: string): Promise<MembersResult> {
    if (!this.multi || !this.clients.link.list.get(conv))
      return { ok: false, reason: reason('FORBIDDEN', 'not one of your conversations') };
    try {
      await this.clients.link.request({ type: 'invite', conv, user });
    } catch (why) {
      return { ok: false, reason: asReason(why) };
    }
    return this.members(conv);
  }

  /** Shows the conversation a request answered with. */
  private async openAnswer(asked: Promise<{ conversation: ConversationInfo }>): Promise<StartDmResult> {
    try {
      const answer = await asked;
      // The answer is in the list by now (the link applies a frame before its request's callers run).
      if (!this.open(answer.conversation.id)) return { ok: false, reason: reason('REJECTED', 'the conversation did not arrive') };
      return { ok: true, view: this.view() };
    } catch (why) {
      return { ok: false, reason: asReason(why) };
    }
  }

  /** Moves the read marker of `id` to its newest message (no-op when nothing waits). */
  markRead(id: string): void {
    const c = this.clients.link.list.get(id);
    if (c && c.read < c.seq) this.clients.link.markRead(id, c.seq);
  }

  setNotify(id: string, level: NotifyLevel): boolean {
    if (!this.isListed(id)) return false;
    const notify = { ...this.memory().get().notify, [id]: level };
    if (level === 'all') delete notify[id];
    this.memory().update({ notify });
    this.emit('changed', this.view());
    return true;
  }

  /** Keeps the unsent text of `id` (no push: the window has it; it is read back on a restart). */
  setDraft(id: string, text: string): boolean {
    if (!this.isListed(id)) return false;
    this.memory().update({ drafts: { ...this.memory().get().drafts, [id]: text } });
    return true;
  }

  private isListed(id: string): boolean {
    if (!this.greeted) return id === this.currentId || (this.memory().get().list ?? []).some((c) => c.id === id);
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
    if (this.multi) this.receipts.fetch(id);
    this.emit('switched', this.client());
  }

  private remember(): void {
    const user = this.clients.link.user;
    this.memory().update({
      current: this.currentId,
      list: this.multi ? this.clients.link.list.all() : [],
      ...(user ? { user } : {}),
    });
  }
}

/** A DM is named by the other person (the server's name for it is both users'). */
function viewOf(c: ConversationInfo, me: string | undefined, record: DeskRecord): ConversationView {
  const other = c.kind === 'dm' ? c.members.find((m) => m !== me) : undefined;
  const draft = record.drafts?.[c.id];
  return {
    id: c.id,
    name: other ?? c.name,
    kind: c.kind,
    members: c.members.length,
    unread: c.unread,
    mentions: c.mentions,
    ...(c.last
      ? { last: { user: c.last.user, text: c.last.message, timestamp: c.last.timestamp, ...(c.last.recalled ? { recalled: true } : {}) } }
      : {}),
    notify: record.notify?.[c.id] ?? 'all',
    ...(draft ? { draft } : {}),
  };
}

/** What a request rejected with: a Reason from the link, or (never expected) anything else, in words. */
function asReason(why: unknown): Reason {
  return typeof why === 'object' && why !== null && 'code' in why ? (why as Reason) : reason('REJECTED', String(why));
}
