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
import { isAction } from '../protocol/message-actions';
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
        andThen(lastShown(after.messages) ?? newestOf(room, seq), (newest) => {
          // An edit or recall is no message of its own: neither unread nor the preview.
          const byOthers = after.messages.filter((m) => m.user !== user && !isAction(m));
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

/** The newest message that shows as one (not an edit or recall). */
function lastShown(messages: readonly StoredMessage[]): StoredMessage | undefined {
  for (let i = messages.length - 1; i >= 0; i--) if (!isAction(messages[i]!)) return messages[i];
  return undefined;
}

/** Edits and recalls come in runs rarely longer than this: the newest shown message is within the last page of it. */
const NEWEST_PAGE = 50;

function newestOf(room: RoomHandle, seq: number): Awaitable<StoredMessage | undefined> {
  const page = room.page?.bind(room);
  if (seq === 0 || !page) return undefined;
  // The newest alone, as before, unless it is an edit or recall: only then a page further back.
  return andThen(page(Number.MAX_SAFE_INTEGER, 1), (one) =>
    one.messages.length === 0 || lastShown(one.messages)
      ? lastShown(one.messages)
      : andThen(page(Number.MAX_SAFE_INTEGER, NEWEST_PAGE), (more) => lastShown(more.messages)),
  );
}

/** The list shows the start of the newest message, not all 10 KB of it. */
const LAST_CHARS = 200;

function lastMessage(m: StoredMessage): LastMessage {
  const last = { user: m.user, message: m.message.slice(0, LAST_CHARS), seq: m.seq, timestamp: m.timestamp };
  return m.recalled ? { ...last, recalled: true } : last;
}
