/**
 * Where rooms live: the only way the connection and frame code reaches them.
 * `startChatServer` picks the implementation: memory-room-store.ts (in memory and
 * optionally journaled to a data dir, the default) or redis-room-store.ts (`--redis`:
 * several server processes share the rooms); nothing else imports one (enforced by
 * tests/architecture.test.ts).
 */
import type { Attachment } from '../protocol/attachments';
import type { ActionFields } from '../protocol/message-actions';
import type { Awaitable } from './awaitable';
import type { Refusal } from './revisions';

/** With the action fields of features `reply_to`, `edit` and `recall` (server/revisions.ts has their rules). */
export interface StoredMessage extends ActionFields {
  type: 'chat_message';
  id?: string;
  user: string;
  message: string;
  seq: number;
  timestamp: string;
  /** The conversation (room) it was sent to; absent in rooms stored before conversations. */
  conv?: string;
  /** The user ids it @mentions (server/mentions.ts). */
  mentions?: string[];
  /** Feature `files`: what it carries (server/files.ts attachable checked each). */
  attachments?: Attachment[];
}

/** A message as the server accepts it; the room gives it its seq. */
export type NewMessage = Omit<StoredMessage, 'seq'>;

/** What a resuming client missed, and whether some of it was already dropped from the history. */
export interface Replay {
  messages: StoredMessage[];
  gap: boolean;
}

/**
 * Async-capable on purpose: every method may answer with a plain value or a
 * Promise (`Awaitable`), because the in-process store answers at once and a store
 * behind the network (Redis is planned) cannot. The server treats both alike and
 * waits only when handed a Promise: each connection's frames run one after another
 * (connections.ts), a joining client's live traffic is held until its replay is
 * sent, and `append` deduplicates in the same step as it stores. So a store that
 * waits keeps the order of replay, acks and broadcasts, and one that does not
 * keeps exactly the timing the server had before the store was an interface.
 *
 * Fan-out comes from the store too (`watch`), not from the append that stored a
 * message: with a shared store another process appends as well, and every process
 * must hear of every message, once, in seq order.
 */
export interface RoomHandle {
  readonly name: string;
  /** The seq of the newest message (0 for a new room). */
  seq(): Awaitable<number>;
  /** Messages after `seq`, oldest first. */
  since(seq: number): Awaitable<Replay>;
  /**
   * Stores the message with the next seq (durably, if the store is durable) — unless
   * this user already sent this id (a resend after a lost ack): then the seq it got.
   * Check and store are one step, so a resend racing its original on another
   * connection is never stored twice, even by a store that answers later.
   * `origin` names the sending connection; `watch` hands it back so fan-out can skip it.
   * A reply, edit or recall is checked against the message it names in the same step, and an
   * edit or recall rewrites that message in the history (server/revisions.ts) as it is stored.
   */
  append(message: NewMessage, origin?: string): Awaitable<Appended>;
  /**
   * Calls `listener.message` with every message stored in this room after the watch is
   * ready — by this process or any other sharing the store — once each, in seq order,
   * until `close()`. A message stored before `ready` settles is in a later `since()`.
   * `listener.reset` says the store lost the room (a shared store restarted empty): its
   * seq numbering starts over, so clients should reconnect and resume (they see the gap).
   */
  watch(listener: RoomListener): RoomWatch;
  /**
   * Up to `limit` kept messages with a seq below `before`, oldest first, and whether older
   * ones are kept too (server/history.ts: `history=N` on a first connection, `history` frames).
   * Optional: a server whose store lacks it does not announce the `history` feature.
   */
  page?(before: number, limit: number): Awaitable<HistoryPage>;
}

/** A page of a room's kept history. */
export interface HistoryPage {
  messages: StoredMessage[];
  hasOlder: boolean;
}

export interface RoomListener {
  message(message: StoredMessage, origin: string | undefined): void;
  reset(): void;
}

export interface RoomWatch {
  /** Settles once the starting point is fixed; rejects when the store cannot watch now. */
  readonly ready: Awaitable<void>;
  close(): void;
}

/**
 * `stored`: new, with its seq. `duplicateOf`: the seq the same user's same id already has.
 * `refused`: a reply, edit or recall the rules of server/revisions.ts do not allow (nothing stored).
 */
export type Appended = { stored: StoredMessage } | { duplicateOf: number } | { refused: Refusal };

/** Async-capable for the same reason as RoomHandle. */
export interface RoomStore {
  /** The room of this name, created empty on first use. */
  room(name: string): Awaitable<RoomHandle>;
  /** Lets go of what the store holds open (connections to a shared store); the server calls it last. */
  close(): Awaitable<void>;
}
