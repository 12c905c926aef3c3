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
import { reply, type Client } from './context';
import type { Replay, RoomHandle } from './room-store';

/** The extra feature names this room supports. */
export function historyFeatures(room: RoomHandle): Feature[] {
  return room.page ? [Features.history] : [];
}

/** What a connection without `since` is replayed: the newest `history=N` messages, or nothing. */
export function firstContactReplay(room: RoomHandle, query: URLSearchParams): Awaitable<Replay> {
  const asked = query.get('history');
  const limit = asked !== null && /^\d{1,6}$/.test(asked) ? Math.min(Number(asked), MAX_HISTORY_PAGE) : 0;
  if (!room.page || limit === 0) return { messages: [], gap: false };
  return andThen(room.page(Number.MAX_SAFE_INTEGER, limit), (page) => ({ messages: page.messages, gap: false }));
}

/** Answers one `history` frame (an `unsupported` error when the store keeps no pages). */
export function answerHistory(client: Client, frame: HistoryRequest): Awaitable<void> {
  const room = client.room;
  if (!room.page) return reply(client, { type: 'error', message: 'history is not supported here', code: WireErrorCodes.unsupported });
  return andThen(room.page(frame.before, frame.limit), (page) => {
    const messages = newestWithin(page.messages, PAGE_BYTES);
    reply(client, { type: 'history_page', messages, has_older: page.hasOlder || messages.length < page.messages.length });
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
