/**
 * Where conversations are described: their names, kinds and members, the DM of each pair,
 * and each user's read markers. The messages of a conversation live in the room store, in
 * the room named by the conversation's id (room-store.ts); this store says who may reach
 * that room. `startChatServer` picks the implementation beside the room store's:
 * memory-conversation-store.ts (journaled to the data dir when there is one) or
 * redis-conversation-store.ts. Async-capable for the same reason as RoomStore.
 */
import { randomBytes } from 'node:crypto';
import type { ConversationKind } from '../protocol/conversations';
import type { Awaitable } from './awaitable';

export interface ConversationMeta {
  id: string;
  name: string;
  kind: ConversationKind;
  members: string[];
  created: string;
}

export interface ConversationStore {
  get(id: string): Awaitable<ConversationMeta | undefined>;
  /** Every conversation `user` is a member of. */
  ofUser(user: string): Awaitable<ConversationMeta[]>;
  /** Public rooms, for browsing and joining. */
  publicRooms(): Awaitable<ConversationMeta[]>;
  /** Stores `meta` unless its id exists; answers what is stored under the id now. */
  create(meta: ConversationMeta): Awaitable<ConversationMeta>;
  /** The one DM of these two users (either order), stored as `fresh` when there is none yet. */
  dm(a: string, b: string, fresh: ConversationMeta): Awaitable<ConversationMeta>;
  /** Adds `user` to the members; false when the conversation does not exist. */
  addMember(id: string, user: string): Awaitable<boolean>;
  removeMember(id: string, user: string): Awaitable<void>;
  /** The user's read marker per conversation id (absent: 0). */
  readMarkers(user: string): Awaitable<Record<string, number>>;
  /** Moves the marker forward to `seq` (never back); answers the marker now. */
  markRead(user: string, id: string, seq: number): Awaitable<number>;
  /** The read markers of `users` in one conversation (read status: protocol/receipts.ts); absent: 0. */
  markersIn(id: string, users: readonly string[]): Awaitable<Record<string, number>>;
  /** Whether `user` shares their read status (the default) or turned it off. */
  setReceipts(user: string, share: boolean): Awaitable<void>;
  /** Those of `users` who turned sharing their read status off. */
  receiptsOff(users: readonly string[]): Awaitable<string[]>;
  close(): Awaitable<void>;
}

/**
 * Ids of created conversations: `c_` and 16 characters of 96 random bits, so an id cannot be
 * guessed and says nothing about who is in it. Rooms named in a URL (`room=lobby`, the
 * design notes' way) are public rooms whose id is their name; a name of the created-id shape
 * that does not exist is refused rather than created, so that nobody can take an id first.
 */
export function newConversationId(): string {
  return `c_${randomBytes(12).toString('base64url')}`;
}

export const CREATED_ID = /^c_[A-Za-z0-9_-]{16}$/;

/** Room names the server keeps for itself (its conversation events): no client reaches them. */
export const RESERVED_ROOM_PREFIX = '~';

/** The room everyone is in, as the single room was before conversations. */
export const DEFAULT_ROOM = 'lobby';
