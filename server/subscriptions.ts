/**
 * A client's subscriptions to conversations: made only after the server checked that the
 * user is a member (server/conversation-access.ts), unmade on leave or disconnect. Joining a
 * room's fan-out comes before its replay is read, with live messages held back meanwhile,
 * so a message stored while the store answers is sent once, after the replay.
 */
import { encodeFrame } from '../protocol/codec';
import { andThen, type Awaitable } from './awaitable';
import { sendTo, type Client, type ServerContext, type Subscription } from './context';
import type { ConversationMeta } from './conversation-store';
import { newestMessages } from './history';
import { visibleTo } from './revisions';
import type { Replay, RoomHandle } from './room-store';

/** Where a subscription starts: after `since`, or with the newest `history` messages (0: none). */
export interface Cursor {
  since?: number;
  history: number;
}

export interface Opened {
  sub: Subscription;
  replay: Replay;
  seq: number;
}

/** Subscribes the client and reads its replay; the caller sends its greeting, then `sendReplay`. */
export function subscribe(ctx: ServerContext, client: Client, room: RoomHandle, meta: ConversationMeta, cursor: Cursor): Awaitable<Opened> {
  const previous = client.subs.get(room.name);
  if (previous) unsubscribe(ctx, previous);
  const sub: Subscription = { client, room, meta, heldBack: [] };
  client.subs.set(room.name, sub);
  const read = () =>
    andThen(cursor.since === undefined ? newestMessages(room, cursor.history) : room.since(cursor.since), (replay) =>
      andThen(room.seq(), (seq) => ({ sub, replay, seq })),
    );
  return andThen(ctx.fanOut.join(sub), read);
}

/** The replay, then what came live meanwhile and the replay did not have. */
export function sendReplay(opened: Opened): void {
  const { sub, replay } = opened;
  const heldBack = sub.heldBack ?? [];
  delete sub.heldBack;
  const conv = sub.client.multi ? { conv: sub.room.name } : {};
  for (const m of replay.messages) if (visibleTo(sub.client.actions, m)) sendTo(sub.client, encodeFrame({ ...m, ...conv, replay: true }));
  const replayedUpTo = replay.messages.at(-1)?.seq ?? -Infinity;
  for (const m of heldBack) if (m.seq > replayedUpTo) sendTo(sub.client, m.wire);
}

export function unsubscribe(ctx: ServerContext, sub: Subscription): void {
  if (sub.client.subs.get(sub.room.name) === sub) sub.client.subs.delete(sub.room.name);
  ctx.fanOut.leave(sub);
}

export function unsubscribeAll(ctx: ServerContext, client: Client): void {
  for (const sub of [...client.subs.values()]) unsubscribe(ctx, sub);
}
