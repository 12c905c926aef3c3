/**
 * Getting the person's attention while they look elsewhere, for every conversation at once:
 * the unread total in the window title (and the tray), and a desktop notification that names its
 * conversation, so a click can open it.
 *
 * Who is told follows each conversation's level: 'all' notifies every message; 'mentions' and
 * 'muted' only an @mention of the user (a muted conversation still tells you when someone needs
 * you, as Mattermost and DingTalk do). Nothing notifies for one's own messages, nor for the
 * conversation on screen while the window has focus. Plain messages notify at most once per
 * `minIntervalMs` (a burst is not a storm); a mention is never held back by them.
 *
 * Against a server without conversations there is one room and no list: the single-room
 * Attention (desktop/attention.ts) counts and notifies, as before.
 */
import type { LogEntry } from '../../common/contract';
import type { ServerChatMessage } from '../../../protocol';
import type { Clock } from '../base/clock';
import { Attention } from '../desktop/attention';
import type { ChatClient } from '../connection/client';
import type { ConversationClients } from './conversation-clients';
import type { ConversationDesk, DeskTotals } from './conversation-desk';

export interface DeskNotification {
  title: string;
  body: string;
  /** The conversation a click opens. */
  conv: string;
}

export interface DeskAttentionSink {
  setTitle(title: string): void;
  notify(n: DeskNotification): void;
  /** What waits changed (the tray shows it). */
  totals(t: DeskTotals): void;
}

export interface DeskAttentionDeps {
  desk: ConversationDesk;
  clients: ConversationClients;
  sink: DeskAttentionSink;
  clock: Clock;
  baseTitle: string;
  minIntervalMs?: number;
  maxBodyChars?: number;
}

export class DeskAttention {
  private focused = true;
  private lastPlainAt = -Infinity;
  private shown: DeskTotals = { unread: 0, mentions: 0 };
  /** The one-room path: a server without conversations. */
  private readonly single: Attention;
  private readonly offs: Array<() => void> = [];
  private offEntries: () => void;

  constructor(private readonly d: DeskAttentionDeps) {
    this.single = new Attention(
      { setTitle: (title) => this.singleTitle(title), notify: (title, body) => d.sink.notify({ title, body, conv: d.desk.current }) },
      { baseTitle: d.baseTitle, from: (user, fromServer) => (fromServer ? d.baseTitle : user), clock: d.clock, ...this.limits() },
    );
    this.offEntries = this.follow(d.desk.client());
    this.offs.push(
      d.desk.on('switched', (client) => {
        this.offEntries();
        this.offEntries = this.follow(client);
      }),
      d.desk.on('changed', () => this.showTotals()),
      d.clients.link.on('message', (m) => this.onMessage(m)),
    );
  }

  /** What waits now: the list's counts, or the one room's count of messages that came unseen. */
  totals(): DeskTotals {
    return this.multi() ? this.d.desk.totals() : { unread: this.single.unreadCount, mentions: 0 };
  }

  setFocused(focused: boolean): void {
    this.focused = focused;
    this.single.setFocused(focused);
  }

  dispose(): void {
    this.offEntries();
    for (const off of this.offs.splice(0)) off();
  }

  private multi(): boolean {
    return this.d.desk.view().multi;
  }

  private follow(client: ChatClient): () => void {
    return client.on('entries', (entries: readonly LogEntry[]) => {
      if (!this.multi()) this.single.onEntries(entries);
    });
  }

  private singleTitle(title: string): void {
    if (this.multi()) return;
    this.d.sink.setTitle(title);
    this.d.sink.totals(this.totals());
  }

  private showTotals(): void {
    if (!this.multi()) return;
    const t = this.d.desk.totals();
    if (t.unread === this.shown.unread && t.mentions === this.shown.mentions) return;
    this.shown = t;
    this.d.sink.setTitle(t.unread > 0 ? `(${t.unread}) ${this.d.baseTitle}` : this.d.baseTitle);
    this.d.sink.totals(t);
  }

  private onMessage(m: { conv: string; message: ServerChatMessage; own: boolean; mention: boolean }): void {
    if (m.own || !this.multi()) return;
    if (this.focused && m.conv === this.d.desk.current) return;
    if (!m.mention) {
      if (this.d.desk.levelOf(m.conv) !== 'all') return;
      const now = this.d.clock.now();
      if (now - this.lastPlainAt < this.limits().minIntervalMs) return;
      this.lastPlainAt = now;
    }
    this.d.sink.notify(this.notification(m.conv, m.message));
  }

  /** A DM is titled by its sender; a room by its name, the sender before the text. */
  private notification(conv: string, message: ServerChatMessage): DeskNotification {
    const kind = this.d.desk.view().list.find((c) => c.id === conv)?.kind;
    const max = this.limits().maxBodyChars;
    const text = message.message.length > max ? `${message.message.slice(0, max)}…` : message.message;
    const user = message.user ?? this.d.baseTitle;
    if (kind === 'dm') return { title: user, body: text, conv };
    return { title: this.d.desk.nameOf(conv) ?? conv, body: `${user}: ${text}`, conv };
  }

  private limits(): { minIntervalMs: number; maxBodyChars: number } {
    return { minIntervalMs: this.d.minIntervalMs ?? 3_000, maxBodyChars: this.d.maxBodyChars ?? 200 };
  }
}
