/**
 * Fan-out in this process: which local subscriptions are in which room (a conversation's
 * messages are the room named by its id), one store watch per room while anyone here is
 * subscribed, and each message the watch reports sent to every local subscriber of the room
 * except the connection that sent it. Messages appended by
 * other processes sharing the store arrive the same way as this process's own, so
 * connections.ts and frames.ts never need to know which store runs.
 */
import { encodeFrame } from '../protocol/codec';
import { zlibFrame } from '../protocol/framing';
import { isPromiseLike, type Awaitable } from './awaitable';
import { flushOut, sendLive, type Subscription } from './context';
import { visibleTo } from './revisions';
import type { RoomHandle, RoomWatch, StoredMessage } from './room-store';

/** Close code for clients of a room whose store started over: reconnect and resume (they then see the gap). */
export const STORE_RESET_CLOSE = 1012;

interface Membership {
  members: Set<Subscription>;
  watch: RoomWatch;
}

export class FanOut {
  private readonly rooms = new Map<string, Membership>();

  constructor(private readonly log: (line: string) => void) {}

  /**
   * Adds the subscription to its room here. Settles once the room's watch is ready: every
   * message stored after that reaches the client, and a replay read after it has everything
   * before. Rejects when the store cannot watch now (the subscription should go).
   */
  join(sub: Subscription): Awaitable<void> {
    const name = sub.room.name;
    let membership = this.rooms.get(name);
    if (!membership) {
      membership = this.watch(sub.room);
      this.rooms.set(name, membership);
    }
    membership.members.add(sub);
    return membership.watch.ready;
  }

  leave(sub: Subscription): void {
    const name = sub.room.name;
    const membership = this.rooms.get(name);
    if (!membership?.members.delete(sub) || membership.members.size > 0) return;
    membership.watch.close();
    this.rooms.delete(name);
  }

  /** Local subscriptions to this room (events about the conversation reach them). */
  subscribers(room: string): ReadonlySet<Subscription> {
    return this.rooms.get(room)?.members ?? NO_SUBSCRIBERS;
  }

  private watch(room: RoomHandle): Membership {
    const members = new Set<Subscription>();
    const watch = room.watch({
      message: (stored, origin) => deliver(members, stored, origin),
      reset: () => {
        this.log(`room ${room.name}: the store started over; asking ${members.size} client(s) to resume`);
        for (const { client } of members) {
          flushOut(client); // what the room said before the reset reaches the client before the close
          client.ws.close(STORE_RESET_CLOSE, 'room store restarted');
        }
      },
    });
    const membership = { members, watch };
    if (isPromiseLike(watch.ready)) {
      // A watch that never became ready is dropped, so the next client to join tries afresh.
      Promise.resolve(watch.ready).catch(() => {
        if (this.rooms.get(room.name) !== membership) return;
        watch.close();
        this.rooms.delete(room.name);
      });
    }
    return membership;
  }
}

const NO_SUBSCRIBERS: ReadonlySet<Subscription> = new Set();

/** One encode (and at most one deflate of each kind) per message, then to every member but its sender. */
function deliver(members: Set<Subscription>, stored: StoredMessage, origin: string | undefined): void {
  const wire = encodeFrame(stored);
  const zlibbed: { plain?: Buffer; dict?: Buffer } = {};
  for (const sub of members) {
    const other = sub.client;
    if (other.id === origin || !visibleTo(other.actions, stored)) continue;
    // A batching client compresses its whole batch (context.ts): no per-message deflate for it.
    const zipped =
      !other.zlib || other.out ? undefined : other.zdict ? (zlibbed.dict ??= zlibFrame(wire, true)) : (zlibbed.plain ??= zlibFrame(wire));
    sendLive(sub, stored.seq, wire, zipped);
  }
}
