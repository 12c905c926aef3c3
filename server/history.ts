/**
 * The history extension (feature `history`), through the RoomStore interface only:
 * - `history=N` on a first connection (no `since`): the room's newest N messages are
 *   replayed after the greeting, so a new client shows the room, not an empty window;
 * - a `history` frame `{before, limit}` is answered by `history_page` with the kept
 *   messages below `before`, oldest first, and whether older ones are kept.
 * A store without `page()` gets neither, and the feature is not announced.
 */
import { MAX_HISTORY_PAGE, type HistoryRequest } from '../protocol/codec';
import { Features, type Feature } from '../protocol/features';
import { WireErrorCodes } from '../protocol/wire-errors';
import { andThen, type Awaitable } from './awaitable';
import { reply, type Subscription } from './context';
import { visibleTo } from './revisions';
import type { Replay, RoomHandle } from './room-store';

/** The extra feature names this room supports. */
export function historyFeatures(room: RoomHandle): Feature[] {
  return room.page ? [Features.history] : [];
}

/** What a first connection asks to be replayed with `history=N` (0: nothing). */
export function historyParam(query: URLSearchParams): number {
  const asked = query.get('history');
  return asked !== null && /^\d{1,6}$/.test(asked) ? Number(asked) : 0;
}

/** The newest `limit` messages (at most a page), as a replay; nothing when the store keeps no pages. */
export function newestMessages(room: RoomHandle, limit: number): Awaitable<Replay> {
  if (!room.page || limit <= 0) return { messages: [], gap: false };
  return andThen(room.page(Number.MAX_SAFE_INTEGER, Math.min(limit, MAX_HISTORY_PAGE)), (page) => ({
    messages: page.messages,
    gap: false,
  }));
}

/** Answers one `history` frame for a subscribed conversation (an `unsupported` error when the store keeps no pages). */
export function answerHistory(sub: Subscription, frame: HistoryRequest): Awaitable<void> {
  const { client, room } = sub;
  const ref = frame.ref !== undefined ? { ref: frame.ref } : {};
  if (!room.page)
    return reply(client, { type: 'error', message: 'history is not supported here', code: WireErrorCodes.unsupported, ...ref });
  return andThen(room.page(frame.before, frame.limit), (page) => {
    const kept = newestWithin(
      page.messages.filter((m) => visibleTo(client.actions, m)),
      PAGE_BYTES,
    );
    const conv = client.multi ? { conv: room.name, ...ref } : {};
    const messages = client.multi ? kept.map((m) => ({ ...m, conv: room.name })) : kept;
    reply(client, { type: 'history_page', messages, has_older: page.hasOlder || kept.length < page.messages.length, ...conv });
  });
}

/** A page must fit a client's inbound frame cap (256 KiB): long messages make it shorter. */
const PAGE_BYTES = 192 * 1024;

function newestWithin<T>(messages: T[], maxBytes: number): T[] {
  let bytes = 0;
  let start = messages.length;
  while (start > 0) {
    bytes += Buffer.byteLength(JSON.stringify(messages[start - 1]));
    if (bytes > maxBytes) break;
    start -= 1;
  }
  return messages.slice(start);
}
