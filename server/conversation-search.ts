/**
 * Search on the server (the `search` frame): the kept history of the user's own
 * conversations only, or of one of them when named (members only), newest first. Plain
 * case-insensitive substring matching: Chinese needs no word splitting for it.
 */
import type { ConversationRequest, SearchHit } from '../protocol/conversations';
import { allOf, andThen, type Awaitable } from './awaitable';
import type { ServerContext } from './context';
import { memberOf } from './conversation-access';
import type { ConversationMeta } from './conversation-store';
import { visibleTo } from './revisions';

type SearchRequest = Extract<ConversationRequest, { type: 'search' }>;

/** The hits, or undefined when the request names a conversation the user is not in. */
export function searchFor(ctx: ServerContext, user: string, frame: SearchRequest): Awaitable<SearchHit[] | undefined> {
  const scope: Awaitable<ConversationMeta[] | undefined> =
    frame.conv === undefined
      ? ctx.conversations.ofUser(user)
      : andThen(memberOf(ctx, user, frame.conv), (meta) => (meta ? [meta] : undefined));
  const needle = frame.query.toLocaleLowerCase();
  return andThen(scope, (metas) => {
    if (!metas) return undefined;
    return andThen(allOf(metas.map((meta) => hitsIn(ctx, meta, needle))), (lists) =>
      lists
        .flat()
        .sort((a, b) => b.timestamp.localeCompare(a.timestamp) || b.seq - a.seq)
        .slice(0, frame.limit),
    );
  });
}

function hitsIn(ctx: ServerContext, meta: ConversationMeta, needle: string): Awaitable<SearchHit[]> {
  return andThen(ctx.store.room(meta.id), (room) => {
    if (!room.page) return [];
    return andThen(room.page(Number.MAX_SAFE_INTEGER, ctx.options.historyLimit), (page) =>
      page.messages
        // Neither an action nor a recalled message is a hit: an edit's text is on the message it edited.
        .filter((m) => visibleTo(false, m) && m.message.toLocaleLowerCase().includes(needle))
        .map((m) => ({
          conv: meta.id,
          ...(m.id !== undefined ? { id: m.id } : {}),
          user: m.user,
          message: m.message,
          seq: m.seq,
          timestamp: m.timestamp,
        })),
    );
  });
}
