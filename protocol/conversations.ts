/**
 * The conversations extension (feature `conversations`, docs/PROTOCOL.md): one connection
 * carries all of a user's rooms and direct messages. A client that asks for it in its
 * `features` query parameter subscribes to conversations with a cursor each, names the
 * conversation in every chat frame (`conv`), and manages them with the frames below. A
 * server without the feature (the design notes' service) never gets one of these: the
 * client falls back to one room per connection, named in the URL.
 *
 * Pure, like codec.ts: decoders never throw and answer with the frame or what is wrong.
 */

import { RECEIPT_TYPES, receiptsEventOf, receiptsRequestOf, type ReceiptsEvent, type ReceiptsRequest } from './receipts';

/** What a conversation is: a public room anyone may join, a private room (members invite), or a DM of exactly two. */
export const CONVERSATION_KINDS = ['room', 'private', 'dm'] as const;
export type ConversationKind = (typeof CONVERSATION_KINDS)[number];

/** Most conversations one `subscribe` frame names (a user in more sends several). */
export const MAX_SUBSCRIBE = 500;
/** Longest conversation name, in characters. */
export const MAX_CONVERSATION_NAME = 80;
/** Longest user id or conversation id accepted in a frame. */
export const MAX_NAME_ID = 64;
/** Most members a `create` frame may name. */
export const MAX_CREATE_MEMBERS = 200;
/** Longest search query, in characters, and the most results one search returns. */
export const MAX_SEARCH_QUERY = 200;
export const MAX_SEARCH_RESULTS = 100;

// ---- sent by the client -----------------------------------------------------
/** `since`: resume after this seq; without it, `history` newest messages (or none) and live traffic from now. */
export interface SubscribeEntry {
  conv: string;
  since?: number;
  history?: number;
}
/** `ref`: the client's own tag for a request; the answer (or the error) carries it back. */
export type ConversationRequest =
  | { type: 'subscribe'; conversations: SubscribeEntry[] }
  | { type: 'list'; ref?: string }
  | { type: 'create'; name: string; kind: 'room' | 'private'; members: string[]; ref?: string }
  | { type: 'open_dm'; user: string; ref?: string }
  | { type: 'join'; conv: string; ref?: string }
  | { type: 'leave'; conv: string; ref?: string }
  | { type: 'invite'; conv: string; user: string; ref?: string }
  | { type: 'read'; conv: string; seq: number }
  | { type: 'users'; ref?: string }
  | { type: 'search'; query: string; conv?: string; limit: number; ref?: string }
  | ReceiptsRequest;

export type ConversationRequestType = ConversationRequest['type'];

// ---- sent by the server -----------------------------------------------------
/** The newest message of a conversation, as the list shows it. */
export interface LastMessage {
  user: string;
  message: string;
  seq: number;
  timestamp: string;
  /** Feature `recall`: the newest message was recalled (its text is empty). */
  recalled?: true;
}
/** One conversation as this user sees it: `read` is the user's read marker; `unread` and `mentions` count after it. */
export interface ConversationInfo {
  id: string;
  name: string;
  kind: ConversationKind;
  members: string[];
  seq: number;
  read: number;
  unread: number;
  mentions: number;
  last?: LastMessage;
}
export interface UserEntry {
  id: string;
  display?: string;
}
/** A stored message as a search result: always with its conversation. */
export interface SearchHit {
  conv: string;
  id?: string;
  user: string;
  message: string;
  seq: number;
  timestamp: string;
}
export type ConversationEvent =
  | { type: 'conversation_list'; conversations: ConversationInfo[]; ref?: string; timestamp?: string }
  | { type: 'conversation'; conversation: ConversationInfo; ref?: string; timestamp?: string }
  | { type: 'left'; conv: string; ref?: string; timestamp?: string }
  | { type: 'subscribed'; conv: string; seq: number; gap?: boolean; timestamp?: string }
  | { type: 'read_marker'; conv: string; seq: number; timestamp?: string }
  | { type: 'user_list'; users: UserEntry[]; ref?: string; timestamp?: string }
  | { type: 'search_results'; messages: SearchHit[]; ref?: string; timestamp?: string }
  | ReceiptsEvent;

export type ConversationEventType = ConversationEvent['type'];

/** Result of decoding one of these frames: the frame, or what is wrong with it. */
export type ConvDecoded<T> = { ok: true; frame: T } | { ok: false; detail: string };

const isStr = (v: unknown): v is string => typeof v === 'string';
const isSeq = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
/** An id or user name: a non-empty string, not too long, without control characters. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what an id must not hold
const isName = (v: unknown): v is string => isStr(v) && v.length > 0 && v.length <= MAX_NAME_ID && !/[\u0000-\u001f\u007f]/.test(v);
const refOf = (o: Record<string, unknown>): { ref?: string } => (isStr(o.ref) && o.ref.length <= MAX_NAME_ID ? { ref: o.ref } : {});
const fail = (detail: string): { ok: false; detail: string } => ({ ok: false, detail });
const ok = <T>(frame: T): ConvDecoded<T> => ({ ok: true, frame });

/** Whether `type` is one of the client frames of this extension. */
export function isConversationRequestType(type: unknown): type is ConversationRequestType {
  return isStr(type) && (REQUEST_TYPES as readonly string[]).includes(type);
}
const REQUEST_TYPES = [
  'subscribe',
  'list',
  'create',
  'open_dm',
  'join',
  'leave',
  'invite',
  'read',
  'users',
  'search',
  ...RECEIPT_TYPES,
] as const;

/** One client frame of this extension from its parsed object. */
export function conversationRequestOf(o: Record<string, unknown>): ConvDecoded<ConversationRequest> {
  const ref = refOf(o);
  switch (o.type) {
    case 'subscribe':
      return subscribeOf(o);
    case 'list':
    case 'users':
      return ok({ type: o.type, ...ref });
    case 'create': {
      if (!isStr(o.name) || o.name.trim().length === 0 || o.name.length > MAX_CONVERSATION_NAME) {
        return fail(`create needs a "name" of 1..${MAX_CONVERSATION_NAME} characters`);
      }
      const kind = o.kind === undefined ? 'room' : o.kind;
      if (kind !== 'room' && kind !== 'private') return fail('create "kind" must be "room" or "private"');
      const members = o.members === undefined ? [] : o.members;
      if (!Array.isArray(members) || members.length > MAX_CREATE_MEMBERS || !members.every(isName)) {
        return fail(`create "members" must be a list of at most ${MAX_CREATE_MEMBERS} user ids`);
      }
      return ok({ type: 'create', name: o.name.trim(), kind, members: [...new Set(members as string[])], ...ref });
    }
    case 'open_dm':
      return isName(o.user) ? ok({ type: 'open_dm', user: o.user, ...ref }) : fail('open_dm needs a "user"');
    case 'join':
    case 'leave':
      return isName(o.conv) ? ok({ type: o.type, conv: o.conv, ...ref }) : fail(`${o.type} needs a "conv"`);
    case 'invite':
      return isName(o.conv) && isName(o.user)
        ? ok({ type: 'invite', conv: o.conv, user: o.user, ...ref })
        : fail('invite needs "conv" and "user"');
    case 'read':
      return isName(o.conv) && isSeq(o.seq) ? ok({ type: 'read', conv: o.conv, seq: o.seq }) : fail('read needs "conv" and a seq');
    case 'search':
      return searchOf(o);
    case 'receipts':
    case 'receipts_setting':
      return receiptsRequestOf(o);
    default:
      return fail('not a conversations frame');
  }
}

function subscribeOf(o: Record<string, unknown>): ConvDecoded<ConversationRequest> {
  const list = o.conversations;
  if (!Array.isArray(list) || list.length > MAX_SUBSCRIBE)
    return fail(`subscribe needs "conversations": a list of at most ${MAX_SUBSCRIBE}`);
  const conversations: SubscribeEntry[] = [];
  for (const e of list as unknown[]) {
    const entry = typeof e === 'object' && e !== null ? (e as Record<string, unknown>) : {};
    if (!isName(entry.conv)) return fail('subscribe entry without a "conv"');
    if (entry.since !== undefined && !isSeq(entry.since)) return fail('subscribe entry with a bad "since"');
    if (entry.history !== undefined && !isSeq(entry.history)) return fail('subscribe entry with a bad "history"');
    conversations.push({
      conv: entry.conv,
      ...(isSeq(entry.since) ? { since: entry.since } : {}),
      ...(isSeq(entry.history) ? { history: entry.history } : {}),
    });
  }
  return ok({ type: 'subscribe', conversations });
}

function searchOf(o: Record<string, unknown>): ConvDecoded<ConversationRequest> {
  if (!isStr(o.query) || o.query.trim().length === 0 || o.query.length > MAX_SEARCH_QUERY) {
    return fail(`search needs a "query" of 1..${MAX_SEARCH_QUERY} characters`);
  }
  if (o.conv !== undefined && !isName(o.conv)) return fail('search "conv" must be a conversation id');
  const limit = isSeq(o.limit) && o.limit > 0 ? Math.min(o.limit, MAX_SEARCH_RESULTS) : 20;
  return ok({ type: 'search', query: o.query.trim(), ...(isStr(o.conv) ? { conv: o.conv } : {}), limit, ...refOf(o) });
}

/** Whether `type` is one of the server frames of this extension. */
export function isConversationEventType(type: unknown): type is ConversationEventType {
  return isStr(type) && (EVENT_TYPES as readonly string[]).includes(type);
}
const EVENT_TYPES = [
  ...['conversation_list', 'conversation', 'left', 'subscribed', 'read_marker', 'user_list', 'search_results'],
  ...RECEIPT_TYPES,
] as const;

/** Most entries a list frame may hold, at the client (a user in more is refused one frame, not crashed). */
const MAX_LIST = 5_000;

/** One server frame of this extension from its parsed object. */
export function conversationEventOf(o: Record<string, unknown>): ConvDecoded<ConversationEvent> {
  const ref = refOf(o);
  switch (o.type) {
    case 'conversation_list': {
      if (!Array.isArray(o.conversations) || o.conversations.length > MAX_LIST) return fail('conversation_list without a list');
      const conversations: ConversationInfo[] = [];
      for (const c of o.conversations as unknown[]) {
        const info = infoOf(c);
        if (!info) return fail('conversation_list with a bad conversation');
        conversations.push(info);
      }
      return ok({ type: 'conversation_list', conversations, ...ref });
    }
    case 'conversation': {
      const info = infoOf(o.conversation);
      return info ? ok({ type: 'conversation', conversation: info, ...ref }) : fail('conversation frame with a bad conversation');
    }
    case 'left':
      return isName(o.conv) ? ok({ type: 'left', conv: o.conv, ...ref }) : fail('left without a "conv"');
    case 'subscribed':
      if (!isName(o.conv) || !isSeq(o.seq)) return fail('subscribed needs "conv" and "seq"');
      return ok({ type: 'subscribed', conv: o.conv, seq: o.seq, ...(o.gap === true ? { gap: true } : {}) });
    case 'read_marker':
      return isName(o.conv) && isSeq(o.seq)
        ? ok({ type: 'read_marker', conv: o.conv, seq: o.seq })
        : fail('read_marker needs "conv" and "seq"');
    case 'user_list': {
      if (!Array.isArray(o.users) || o.users.length > MAX_LIST) return fail('user_list without a list');
      const users = (o.users as unknown[]).flatMap((u) => {
        const e = typeof u === 'object' && u !== null ? (u as Record<string, unknown>) : {};
        return isName(e.id) ? [{ id: e.id, ...(isStr(e.display) ? { display: e.display.slice(0, MAX_CONVERSATION_NAME) } : {}) }] : [];
      });
      return ok({ type: 'user_list', users, ...ref });
    }
    case 'search_results': {
      if (!Array.isArray(o.messages) || o.messages.length > MAX_SEARCH_RESULTS) return fail('search_results without a list');
      const messages = (o.messages as unknown[]).map(hitOf);
      if (messages.some((m) => m === undefined)) return fail('search_results with a bad message');
      return ok({ type: 'search_results', messages: messages as SearchHit[], ...ref });
    }
    case 'receipts':
    case 'receipts_setting':
      return receiptsEventOf(o);
    default:
      return fail('not a conversations frame');
  }
}

function infoOf(v: unknown): ConversationInfo | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const c = v as Record<string, unknown>;
  if (!isName(c.id) || !isStr(c.name) || !(CONVERSATION_KINDS as readonly unknown[]).includes(c.kind)) return undefined;
  if (!Array.isArray(c.members) || c.members.length > MAX_LIST || !c.members.every(isName)) return undefined;
  if (!isSeq(c.seq) || !isSeq(c.read) || !isSeq(c.unread) || !isSeq(c.mentions)) return undefined;
  const last = lastOf(c.last);
  return {
    id: c.id,
    name: c.name.slice(0, MAX_CONVERSATION_NAME),
    kind: c.kind as ConversationKind,
    members: c.members as string[],
    seq: c.seq,
    read: c.read,
    unread: c.unread,
    mentions: c.mentions,
    ...(last ? { last } : {}),
  };
}

function lastOf(v: unknown): LastMessage | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const m = v as Record<string, unknown>;
  if (!isStr(m.user) || !isStr(m.message) || !isSeq(m.seq)) return undefined;
  const last: LastMessage = { user: m.user, message: m.message, seq: m.seq, timestamp: isStr(m.timestamp) ? m.timestamp : '' };
  return m.recalled === true ? { ...last, recalled: true } : last;
}

function hitOf(v: unknown): SearchHit | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const m = v as Record<string, unknown>;
  if (!isName(m.conv) || !isStr(m.user) || !isStr(m.message) || !isSeq(m.seq)) return undefined;
  return {
    conv: m.conv,
    ...(isStr(m.id) ? { id: m.id } : {}),
    user: m.user,
    message: m.message,
    seq: m.seq,
    timestamp: isStr(m.timestamp) ? m.timestamp : '',
  };
}
