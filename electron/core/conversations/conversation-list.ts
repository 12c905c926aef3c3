/**
 * The user's conversations as the sidebar and `rooms` show them: the server's list
 * (unread and mention counts after the user's read marker, the last message), kept up
 * to date by conversation events and by live messages. Sorted by last activity.
 */
import { isAction } from '../../../protocol/message-actions';
import type { ConversationEvent, ConversationInfo, ServerChatMessage } from '../../../protocol';

export class ConversationList {
  private readonly byId = new Map<string, ConversationInfo>();
  /** When each last message reached us, by arrival: orders messages of the same millisecond. */
  private readonly arrived = new Map<string, number>();
  private ticks = 0;

  get(id: string): ConversationInfo | undefined {
    return this.byId.get(id);
  }

  /** Newest activity first (the later arrival first within a millisecond); conversations without a message by name. */
  all(): ConversationInfo[] {
    const arrived = (c: ConversationInfo) => this.arrived.get(c.id) ?? 0;
    return [...this.byId.values()].sort((a, b) => byActivity(a, b) || arrived(b) - arrived(a) || byName(a, b));
  }

  /** Applies an event; true when the list changed. */
  apply(event: ConversationEvent): boolean {
    switch (event.type) {
      case 'conversation_list':
        this.byId.clear();
        for (const c of event.conversations) this.byId.set(c.id, c);
        return true;
      case 'conversation':
        this.byId.set(event.conversation.id, event.conversation);
        return true;
      case 'left':
        return this.byId.delete(event.conv);
      case 'read_marker':
        return this.read(event.conv, event.seq);
      case 'subscribed':
      case 'user_list':
      case 'search_results':
      case 'receipts':
      case 'receipts_setting':
        return false;
    }
  }

  /**
   * A live or replayed message: counted once, only when newer than what the list already
   * counted (a replay after the greeting is in the greeting's counts), and never our own.
   */
  onMessage(conv: string, m: ServerChatMessage, me: string | undefined): boolean | 'changed' {
    const c = this.byId.get(conv);
    if (!c || m.seq === undefined || m.seq <= c.seq) return false;
    if (isAction(m)) return this.onAction(conv, c, m);
    const own = me !== undefined && m.user === me;
    const unread = !own && m.seq > c.read;
    this.arrived.set(conv, ++this.ticks);
    this.byId.set(conv, {
      ...c,
      seq: m.seq,
      unread: c.unread + (unread ? 1 : 0),
      mentions: c.mentions + (unread && me !== undefined && m.mentions?.includes(me) ? 1 : 0),
      last: { user: m.user ?? '', message: m.message, seq: m.seq, timestamp: m.timestamp ?? new Date(0).toISOString() },
    });
    return true;
  }

  /**
   * An edit or recall: its seq counts (what comes after it is what is new), it is never unread, and
   * the preview follows it when it changes the newest message. 'changed': the list changed, nobody is told.
   */
  private onAction(conv: string, c: ConversationInfo, m: ServerChatMessage): 'changed' {
    const named = m.edit_of ?? m.recall_of;
    const last = c.last?.seq === named ? { ...c.last!, message: m.recall_of !== undefined ? '' : m.message } : c.last;
    const recalled = m.recall_of !== undefined && c.last?.seq === named ? { recalled: true as const } : {};
    this.byId.set(conv, { ...c, seq: m.seq!, ...(last ? { last: { ...last, ...recalled } } : {}) });
    return 'changed';
  }

  private read(conv: string, seq: number): boolean {
    const c = this.byId.get(conv);
    if (!c || seq <= c.read) return false;
    // Read to the end: nothing waits. Read to the middle: the server's next list has the exact counts.
    const all = seq >= c.seq;
    this.byId.set(conv, { ...c, read: seq, unread: all ? 0 : c.unread, mentions: all ? 0 : c.mentions });
    return true;
  }
}

function byActivity(a: ConversationInfo, b: ConversationInfo): number {
  const ta = a.last?.timestamp ?? '';
  const tb = b.last?.timestamp ?? '';
  return ta === tb ? 0 : ta < tb ? 1 : -1;
}

function byName(a: ConversationInfo, b: ConversationInfo): number {
  return a.name.localeCompare(b.name, 'zh-CN');
}
