/**
 * A conversation as one user sees it (the `conversation_list` and `conversation` frames):
 * its members, its seq, the user's read marker, and what came after the marker: unread
 * messages by others, and how many of them @mention the user. Counted from the kept
 * history, so a conversation whose history no longer reaches back to the marker counts
 * the dropped part as unread, without mentions.
 */
import type { ConversationInfo, LastMessage } from '../protocol/conversations';
import { allOf, andThen, type Awaitable } from './awaitable';
import type { ServerContext } from './context';
import type { ConversationMeta } from './conversation-store';
import type { RoomHandle, StoredMessage } from './room-store';

/** The list of every conversation of `user`, newest activity first. */
export function listFor(ctx: ServerContext, user: string): Awaitable<ConversationInfo[]> {
  return andThen(ctx.conversations.ofUser(user), (metas) =>
    andThen(ctx.conversations.readMarkers(user), (reads) =>
      andThen(allOf(metas.map((meta) => infoFor(ctx, user, meta, reads[meta.id] ?? 0))), (infos) =>
        infos.sort((a, b) => (b.last?.timestamp ?? '').localeCompare(a.last?.timestamp ?? '') || a.name.localeCompare(b.name)),
      ),
    ),
  );
}

/** One conversation of `user`, with the read marker read afresh. */
export function infoOf(ctx: ServerContext, user: string, meta: ConversationMeta): Awaitable<ConversationInfo> {
  return andThen(ctx.conversations.readMarkers(user), (reads) => infoFor(ctx, user, meta, reads[meta.id] ?? 0));
}

function infoFor(ctx: ServerContext, user: string, meta: ConversationMeta, read: number): Awaitable<ConversationInfo> {
  return andThen(ctx.store.room(meta.id), (room) =>
    andThen(room.seq(), (seq) =>
      andThen(read >= seq ? { messages: [], gap: false } : room.since(read), (after) =>
        andThen(after.messages.length > 0 ? after.messages.at(-1) : newestOf(room, seq), (newest) => {
          const byOthers = after.messages.filter((m) => m.user !== user);
          const dropped = after.gap ? Math.max(0, (after.messages[0]?.seq ?? seq + 1) - 1 - read) : 0;
          return {
            id: meta.id,
            name: meta.name,
            kind: meta.kind,
            members: [...meta.members].sort(),
            seq,
            read: Math.min(read, seq),
            unread: read >= seq ? 0 : byOthers.length + dropped,
            mentions: read >= seq ? 0 : byOthers.filter((m) => m.mentions?.includes(user)).length,
            ...(newest ? { last: lastMessage(newest) } : {}),
          };
        }),
      ),
    ),
  );
}

function newestOf(room: RoomHandle, seq: number): Awaitable<StoredMessage | undefined> {
  if (seq === 0 || !room.page) return undefined;
  return andThen(room.page(Number.MAX_SAFE_INTEGER, 1), (page) => page.messages.at(-1));
}

/** The list shows the start of the newest message, not all 10 KB of it. */
const LAST_CHARS = 200;

function lastMessage(m: StoredMessage): LastMessage {
  return { user: m.user, message: m.message.slice(0, LAST_CHARS), seq: m.seq, timestamp: m.timestamp };
}
