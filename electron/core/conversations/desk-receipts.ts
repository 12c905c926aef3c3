/**
 * Read status for the desk (feature `receipts`, protocol/receipts.ts): each conversation's
 * members' read markers, asked for when a conversation is shown and kept current by the
 * server's coalesced pushes. The window reads them for the conversation it shows
 * (ConversationsView.receipts) and works out "read" / "3 unread" per own message.
 */
import { Features, MAX_RECEIPT_MEMBERS } from '../../../protocol';
import type { ReceiptsView } from '../../common/ipc-types';
import type { ConversationLink } from './conversation-link';

interface Known {
  read: Record<string, number>;
  off: boolean;
}

export class DeskReceipts {
  private readonly byConv = new Map<string, Known>();
  /** Asked and not yet answered: a conversation shown twice in a row (greeting, then switch) is asked once. */
  private readonly asking = new Set<string>();

  /** `changed(conv)`: what is known of conv's read status changed. */
  constructor(
    private readonly link: ConversationLink,
    private readonly changed: (conv: string) => void,
  ) {
    link.on('event', (e) => {
      if (e.type !== 'receipts' || e.ref !== undefined) return;
      const known = this.byConv.get(e.conv);
      if (!known || known.off) return; // not asked for yet: the answer will have it
      for (const [user, seq] of Object.entries(e.read)) known.read[user] = Math.max(known.read[user] ?? 0, seq);
      this.changed(e.conv);
    });
  }

  /** Asks the server for conv's read status (the conversation is being shown). */
  fetch(conv: string): void {
    const info = this.link.list.get(conv);
    if (!info || info.members.length > MAX_RECEIPT_MEMBERS || !this.link.features.includes(Features.receipts)) return;
    if (this.asking.has(conv)) return;
    this.asking.add(conv);
    this.link
      .request({ type: 'receipts', conv })
      .finally(() => this.asking.delete(conv))
      .then(
        (answer) => {
          const known = this.byConv.get(conv);
          const read = { ...answer.read };
          // A push that came in between is newer than what the answer read.
          if (known) for (const [user, seq] of Object.entries(known.read)) read[user] = Math.max(read[user] ?? 0, seq);
          this.byConv.set(conv, { read, off: answer.off === true });
          this.changed(conv);
        },
        () => undefined, // no read status shown is what a refusal or a timeout means here
      );
  }

  /** What the window shows of conv: its members and their markers; undefined when none is known. */
  of(conv: string): ReceiptsView | undefined {
    const known = this.byConv.get(conv);
    const info = this.link.list.get(conv);
    if (!known || !info) return undefined;
    return { conv, members: [...info.members], read: { ...known.read }, ...(known.off ? { off: true } : {}) };
  }

  /** Another account: nothing of the last one's read status holds. */
  clear(): void {
    this.byConv.clear();
    this.asking.clear();
  }
}
