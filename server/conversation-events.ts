/**
 * Changes to conversations that other connections must hear of: members added or removed
 * (the list changes; a removed member's subscription ends at once), and read markers (a
 * second device shows the same unread state). They travel as messages of a reserved room in
 * the room store, so with Redis every node hears every change, once, in order, by the same
 * stream reading that carries chat messages; in memory they are delivered at once.
 */
import { CloseCodes } from '../protocol/close-codes';
import { allOf, andThen, isPromiseLike, type Awaitable } from './awaitable';
import { flushOut, now, reply, type Client, type ServerContext } from './context';
import { RESERVED_ROOM_PREFIX, type ConversationMeta } from './conversation-store';
import { infoOf } from './conversation-info';
import type { RoomWatch, StoredMessage } from './room-store';
import { unsubscribe } from './subscriptions';

export type ConversationChange =
  | { kind: 'members'; conv: string; added: string[]; removed: string[] }
  /** `share`: the reader shares read status (absent in events of older nodes: shared). */
  | { kind: 'read'; conv: string; user: string; seq: number; share?: boolean };

const EVENTS_ROOM = `${RESERVED_ROOM_PREFIX}events`;

/** Tells every node (this one too) about the change. */
export function publish(ctx: ServerContext, change: ConversationChange): Awaitable<void> {
  return andThen(ctx.store.room(EVENTS_ROOM), (room) =>
    andThen(
      room.append({ type: 'chat_message', user: RESERVED_ROOM_PREFIX, message: JSON.stringify(change), timestamp: now() }),
      () => undefined,
    ),
  );
}

/** Applies every change published from now on to this node's connections; the watch is closed with the server. */
export function watchChanges(ctx: ServerContext): Awaitable<RoomWatch> {
  return andThen(ctx.store.room(EVENTS_ROOM), (room) =>
    room.watch({
      message: (stored) => apply(ctx, stored),
      reset: () => ctx.options.log('conversation events: the store started over'),
    }),
  );
}

function apply(ctx: ServerContext, stored: StoredMessage): void {
  let change: ConversationChange;
  try {
    change = JSON.parse(stored.message) as ConversationChange;
  } catch {
    return;
  }
  if (change.kind === 'read') {
    for (const c of ctx.clients)
      if (c.multi && c.user === change.user) reply(c, { type: 'read_marker', conv: change.conv, seq: change.seq });
    if (change.share !== false) ctx.receipts.note(change.conv, change.user, change.seq);
    return;
  }
  const failed = (err: unknown) => ctx.options.log(`conversation ${change.conv}: could not apply a change: ${(err as Error).message}`);
  try {
    const step = andThen(ctx.conversations.get(change.conv), (meta) => (meta ? membersChanged(ctx, change, meta) : undefined));
    if (isPromiseLike(step)) Promise.resolve(step).catch(failed);
  } catch (err) {
    failed(err);
  }
}

/** Subscribers learn the new members; the removed lose the conversation; every member's list gets the new entry. */
function membersChanged(
  ctx: ServerContext,
  change: Extract<ConversationChange, { kind: 'members' }>,
  meta: ConversationMeta,
): Awaitable<void> {
  for (const sub of [...ctx.fanOut.subscribers(meta.id)]) {
    sub.meta = meta;
    if (meta.members.includes(sub.client.user)) continue;
    unsubscribe(ctx, sub);
    if (!sub.client.multi) closeForbidden(sub.client);
  }
  const steps: Array<Awaitable<void>> = [];
  for (const c of ctx.clients) {
    if (!c.multi) continue;
    if (change.removed.includes(c.user) && !meta.members.includes(c.user)) reply(c, { type: 'left', conv: meta.id });
    else if (meta.members.includes(c.user))
      steps.push(andThen(infoOf(ctx, c.user, meta), (info) => reply(c, { type: 'conversation', conversation: info })));
  }
  return andThen(allOf(steps), () => undefined);
}

/** A connection of the design notes' kind is in that one room only: out of it, it has nothing left. */
export function closeForbidden(client: Client): void {
  flushOut(client);
  client.ws.close(CloseCodes.forbidden, 'not a member of this conversation');
}
