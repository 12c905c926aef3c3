/**
 * Read status on the server (feature `receipts`, protocol/receipts.ts): answering a member's
 * `receipts` request with the markers of the members who share them, storing a user's choice
 * (`receipts_setting`), and pushing marker changes to the conversation's subscribers,
 * coalesced: whatever changed in a conversation during one interval goes out as one frame to
 * each subscriber, so the traffic is at most one frame per conversation per interval per
 * connection, however many read and however fast messages come.
 */
import { MAX_RECEIPT_MEMBERS, type ReceiptsRequest } from '../protocol/receipts';
import { WireErrorCodes } from '../protocol/wire-errors';
import { andThen, type Awaitable } from './awaitable';
import { reply, type Client, type ServerContext, type Subscription } from './context';
import { memberOf, refuse } from './conversation-access';

const refOf = (frame: { ref?: string }) => (frame.ref !== undefined ? { ref: frame.ref } : {});

export function handleReceipts(ctx: ServerContext, client: Client, frame: ReceiptsRequest): Awaitable<void> {
  if (frame.type === 'receipts_setting') {
    return andThen(ctx.conversations.setReceipts(client.user, frame.share), () =>
      reply(client, { type: 'receipts_setting', share: frame.share, ...refOf(frame) }),
    );
  }
  return andThen(memberOf(ctx, client.user, frame.conv), (meta) => {
    if (!meta) return refuse(client, frame.conv, refOf(frame));
    if (meta.members.length > MAX_RECEIPT_MEMBERS) {
      const message = `read status is kept for conversations of up to ${MAX_RECEIPT_MEMBERS} members`;
      return reply(client, { type: 'error', message, code: WireErrorCodes.unsupported, conv: meta.id, ...refOf(frame) });
    }
    return andThen(ctx.conversations.receiptsOff(meta.members), (off) => {
      // Off for this user: they see none, as they show none.
      if (off.includes(client.user)) return reply(client, { type: 'receipts', conv: meta.id, read: {}, off: true, ...refOf(frame) });
      const sharing = meta.members.filter((m) => !off.includes(m));
      return andThen(ctx.conversations.markersIn(meta.id, sharing), (read) =>
        reply(client, { type: 'receipts', conv: meta.id, read, ...refOf(frame) }),
      );
    });
  });
}

/** Marker changes per conversation, pushed once per interval to this node's subscribers that asked for receipts. */
export class ReceiptsPusher {
  private readonly pending = new Map<string, Map<string, number>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly intervalMs: number,
    private readonly subscribers: (conv: string) => ReadonlySet<Subscription>,
  ) {}

  /** A member who shares their read status read `conv` up to `seq`. */
  note(conv: string, user: string, seq: number): void {
    let changes = this.pending.get(conv);
    if (!changes) this.pending.set(conv, (changes = new Map()));
    changes.set(user, Math.max(changes.get(user) ?? 0, seq));
    if (!this.timers.has(conv))
      this.timers.set(
        conv,
        setTimeout(() => this.flush(conv), this.intervalMs),
      );
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.pending.clear();
  }

  private flush(conv: string): void {
    this.timers.delete(conv);
    const changes = this.pending.get(conv);
    this.pending.delete(conv);
    if (!changes || changes.size === 0) return;
    const read = Object.fromEntries(changes);
    for (const sub of this.subscribers(conv)) {
      if (sub.client.receipts && sub.meta.members.length <= MAX_RECEIPT_MEMBERS) reply(sub.client, { type: 'receipts', conv, read });
    }
  }
}
