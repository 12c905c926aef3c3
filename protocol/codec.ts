/**
 * Wire protocol codec (see docs/PROTOCOL.md). Pure: no sockets, no Node APIs,
 * so the parser is tested by feeding it strings.
 *
 * Compatible with the Django Channels service of the design notes:
 * JSON text frames `{type, message, timestamp}`. Our extensions (`id`, `ack`,
 * `seq`, `user`, `features`) are optional, and old servers simply omit them.
 *
 * Frames are named by what they are, the same at both ends: the client sends
 * `ClientFrame`s, the server `ServerFrame`s.
 */

import {
  conversationEventOf,
  conversationRequestOf,
  isConversationEventType,
  isConversationRequestType,
  MAX_NAME_ID,
  type ConversationEvent,
  type ConversationRequest,
} from './conversations';
import { clientAttachmentsOf, serverAttachmentsOf, type Attachment } from './attachments';
import { connectionStatusIn, type ConnectionStatus } from './connection-status';
import { clientActionFieldsOf, serverActionFieldsOf, type ActionFields, type ClientActionFields } from './message-actions';

export type { ConnectionStatus } from './connection-status';

/** 10 KB of text per message (the design notes' limit), counted in UTF-8 bytes. */
export const MAX_MESSAGE_BYTES = 10 * 1024;
/** Inbound text frames above this are refused before JSON.parse. */
export const MAX_INBOUND_FRAME_BYTES = 256 * 1024;
/** Client message ids: what we generate and what the server accepts. */
export const MAX_ID_LENGTH = 64;

// ---- sent by the client -----------------------------------------------------
/** Features `reply_to`, `edit`, `recall`: at most one of the action fields (protocol/message-actions.ts). */
export interface ClientChatMessage extends ClientActionFields {
  type: 'chat_message';
  id: string;
  message: string;
  timestamp: string;
  /** Feature `conversations`: the conversation it is for. */
  conv?: string;
  /** Feature `files`: the ids of its uploaded attachments (protocol/attachments.ts). */
  attachments?: string[];
}
export interface ClientPing {
  type: 'ping';
  timestamp: string;
}
/** Our extension (feature `history`): up to `limit` stored messages with a seq below `before`. */
export interface HistoryRequest {
  type: 'history';
  before: number;
  limit: number;
  /** Feature `conversations`: the conversation to page, and a ref the answer carries back. */
  conv?: string;
  ref?: string;
}
export type ClientFrame = ClientChatMessage | ClientPing | HistoryRequest | ConversationRequest;

/** Largest page a `history` request gets (and `history=N` on the URL). */
export const MAX_HISTORY_PAGE = 500;

// ---- sent by the server -----------------------------------------------------
/** Features `reply_to`, `edit`, `recall`: the action fields (protocol/message-actions.ts). */
export interface ServerChatMessage extends ActionFields {
  type: 'chat_message';
  message: string;
  id?: string;
  user?: string;
  seq?: number;
  timestamp?: string;
  /** Sent as part of a resume replay, before live traffic. */
  replay?: boolean;
  /** Feature `conversations`: the conversation it belongs to, and the user ids it @mentions. */
  conv?: string;
  mentions?: string[];
  /** Feature `files`: what its attachments are. */
  attachments?: Attachment[];
}
export interface ChatResponse {
  type: 'chat_response';
  message: string;
  timestamp?: string;
}
export interface Ack {
  type: 'ack';
  id: string;
  seq?: number;
  conv?: string;
  timestamp?: string;
}
export interface ErrorFrame {
  type: 'error';
  message: string;
  /** Our extension: a stable code (`too_large`, `rate_limited`, `bad_frame`, `forbidden`, …). */
  code?: string;
  /** Our extension: the client id of the message this error is about. */
  id?: string;
  /** Feature `conversations`: the conversation, and the request's `ref`, this error is about. */
  conv?: string;
  ref?: string;
  timestamp?: string;
}
export interface Pong {
  type: 'pong';
  timestamp?: string;
}
/** Our extension: the answer to `history`, oldest first; `has_older`: the server keeps messages before these. */
export interface HistoryPage {
  type: 'history_page';
  messages: ServerChatMessage[];
  has_older: boolean;
  conv?: string;
  ref?: string;
  timestamp?: string;
}
export type ServerFrame = ConnectionStatus | ServerChatMessage | ChatResponse | Ack | ErrorFrame | Pong | HistoryPage | ConversationEvent;

export type DecodeResult<T> = { ok: true; frame: T } | { ok: false; error: DecodeError };

export interface DecodeError {
  code: 'FRAME_TOO_LARGE' | 'NOT_JSON' | 'NOT_OBJECT' | 'BAD_SHAPE' | 'UNKNOWN_TYPE';
  detail: string;
}

export function utf8Length(text: string): number {
  // TextEncoder exists in Node, Chromium and Electron's sandboxed preload.
  return new TextEncoder().encode(text).length;
}

export function encodeFrame(frame: ClientFrame | ServerFrame): string {
  return JSON.stringify(frame);
}

function parseObject(text: string, maxBytes: number): DecodeResult<Record<string, unknown>> {
  // UTF-8 needs at most 3 bytes per UTF-16 unit: count exactly only when that bound is over the cap.
  if (text.length > maxBytes || (text.length * 3 > maxBytes && utf8Length(text) > maxBytes)) {
    return { ok: false, error: { code: 'FRAME_TOO_LARGE', detail: `frame over ${maxBytes} bytes` } };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // RangeError from very deep nesting lands here too.
    return { ok: false, error: { code: 'NOT_JSON', detail: (err as Error).message.slice(0, 200) } };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: { code: 'NOT_OBJECT', detail: 'frame is not a JSON object' } };
  }
  return { ok: true, frame: value as Record<string, unknown> };
}

const isStr = (v: unknown): v is string => typeof v === 'string';
const isOptStr = (v: unknown): boolean => v === undefined || typeof v === 'string';
const isSeq = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isOptSeq = (v: unknown): boolean => v === undefined || isSeq(v);
/** A conversation id, user id or request ref (feature `conversations`). */
const isConv = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_NAME_ID;
/** Dates reach ±8.64e15 ms; beyond that toISOString() throws a RangeError, so such numbers are ignored. */
const timestampOf = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' && Math.abs(v) <= 8.64e15 ? new Date(v).toISOString() : undefined;
/** An unknown `type` for an error detail. Never JSON.stringify the value itself: a deeply nested one overflows the stack. */
const typeLabel = (v: unknown): string =>
  typeof v === 'string'
    ? JSON.stringify(v.slice(0, 40))
    : typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : v === null
        ? 'null'
        : Array.isArray(v)
          ? 'an array'
          : typeof v;

function bad(detail: string): DecodeResult<never> {
  return { ok: false, error: { code: 'BAD_SHAPE', detail } };
}

/** Decode a frame the server sent. Never throws. */
export function decodeServerFrame(text: string, maxBytes = MAX_INBOUND_FRAME_BYTES): DecodeResult<ServerFrame> {
  const parsed = parseObject(text, maxBytes);
  return parsed.ok ? serverFrameOf(parsed.frame) : parsed;
}

/** Most frames a `batch` may hold (our extension, feature `batch`). */
export const MAX_BATCH_FRAMES = 500;

/** What a frame held: its frames in order (one, or a batch's), and what was wrong with any of them. */
export interface Decoded<T> {
  readonly frames: readonly T[];
  readonly errors: ReadonlyArray<DecodeError & { id?: string }>;
}

/** The errors of a frame that had none (most of them): one shared list, not a new one per frame. */
const NO_ERRORS: Decoded<never>['errors'] = Object.freeze([]);

/**
 * Decode a frame that may be a `batch` (`{"type":"batch","messages":[…]}`, feature
 * `batch`): each message is decoded as if it came alone, so one bad message costs only
 * itself. The size cap applies to the whole batch. Never throws.
 */
export function decodeServerFrames(text: string, maxBytes = MAX_INBOUND_FRAME_BYTES): Decoded<ServerFrame> {
  return decodeFrames(text, maxBytes, serverFrameOf);
}

/** decodeServerFrames for the reference server: a client's frame or batch. */
export function decodeClientFrames(text: string, maxBytes: number): Decoded<ClientFrame> {
  return decodeFrames(text, maxBytes, clientFrameOf);
}

function decodeFrames<T>(text: string, maxBytes: number, frameOf: (o: Record<string, unknown>) => DecodeResult<T>): Decoded<T> {
  const parsed = parseObject(text, maxBytes);
  if (!parsed.ok) return { frames: [], errors: [parsed.error] };
  const o = parsed.frame;
  if (o.type !== 'batch') {
    const one = frameOf(o);
    return one.ok ? { frames: [one.frame], errors: NO_ERRORS } : { frames: [], errors: [withId(one.error, o)] };
  }
  if (!Array.isArray(o.messages) || o.messages.length > MAX_BATCH_FRAMES) {
    return { frames: [], errors: [{ code: 'BAD_SHAPE', detail: `batch needs a "messages" list of at most ${MAX_BATCH_FRAMES} frames` }] };
  }
  const out = { frames: [] as T[], errors: [] as Array<DecodeError & { id?: string }> };
  for (const m of o.messages as unknown[]) {
    // A batch inside a batch is refused like any unknown type: one level only.
    const one: DecodeResult<T> =
      typeof m !== 'object' || m === null || Array.isArray(m)
        ? { ok: false, error: { code: 'NOT_OBJECT', detail: 'batch message is not a JSON object' } }
        : (m as { type?: unknown }).type === 'batch'
          ? bad('batch inside a batch')
          : frameOf(m as Record<string, unknown>);
    if (one.ok) out.frames.push(one.frame);
    else out.errors.push(withId(one.error, m));
  }
  return out;
}

/** The id of a bad batch message, when it has one, so the error can name the message. */
function withId(error: DecodeError, m: unknown): DecodeError & { id?: string } {
  const id = typeof m === 'object' && m !== null ? (m as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH ? { ...error, id } : error;
}

/** One server frame from its parsed object. */
function serverFrameOf(o: Record<string, unknown>): DecodeResult<ServerFrame> {
  const timestamp = timestampOf(o.timestamp);
  switch (o.type) {
    case 'connection_status': {
      const frame = connectionStatusIn(o);
      return typeof frame === 'string' ? bad(frame) : { ok: true, frame };
    }
    case 'chat_message': {
      const frame = chatMessageIn(o);
      return typeof frame === 'string' ? bad(frame) : { ok: true, frame };
    }
    case 'history_page': {
      const frame = historyPageIn(o);
      return typeof frame === 'string' ? bad(frame) : { ok: true, frame };
    }
    case 'chat_response': {
      if (!isStr(o.message)) return bad('chat_response without a text message');
      return {
        ok: true,
        frame: timestamp ? { type: 'chat_response', message: o.message, timestamp } : { type: 'chat_response', message: o.message },
      };
    }
    case 'ack': {
      if (!isStr(o.id) || !isOptSeq(o.seq)) return bad('ack without an id');
      const frame: Ack = { type: 'ack', id: o.id };
      if (isSeq(o.seq)) frame.seq = o.seq;
      if (isConv(o.conv)) frame.conv = o.conv;
      if (timestamp) frame.timestamp = timestamp;
      return { ok: true, frame };
    }
    case 'error':
      return { ok: true, frame: errorIn(o) };
    case 'pong':
      return { ok: true, frame: timestamp ? { type: 'pong', timestamp } : { type: 'pong' } };
    default:
      if (isConversationEventType(o.type)) {
        const event = conversationEventOf(o);
        return event.ok ? { ok: true, frame: timestamp ? { ...event.frame, timestamp } : event.frame } : bad(event.detail);
      }
      return {
        ok: false,
        error: { code: 'UNKNOWN_TYPE', detail: `unknown frame type ${typeLabel(o.type)}` },
      };
  }
}

/** An `error` frame: never refused, since the words matter more than the shape. */
function errorIn(o: Record<string, unknown>): ErrorFrame {
  const frame: ErrorFrame = { type: 'error', message: isStr(o.message) ? o.message : 'unknown error' };
  if (isStr(o.code)) frame.code = o.code;
  if (isStr(o.id)) frame.id = o.id;
  if (isConv(o.conv)) frame.conv = o.conv;
  if (isConv(o.ref)) frame.ref = o.ref;
  return frame;
}

/** A `chat_message` object (alone or in a history page), or what is wrong with it. */
function chatMessageIn(o: Record<string, unknown>): ServerChatMessage | string {
  if (!isStr(o.message)) return 'chat_message without a text message';
  if (!isOptStr(o.id) || !isOptStr(o.user) || !isOptSeq(o.seq)) return 'chat_message with bad id, user or seq';
  const frame: ServerChatMessage = { type: 'chat_message', message: o.message };
  const timestamp = timestampOf(o.timestamp);
  if (isStr(o.id)) frame.id = o.id;
  if (isStr(o.user)) frame.user = o.user;
  if (isSeq(o.seq)) frame.seq = o.seq;
  if (timestamp) frame.timestamp = timestamp;
  if (o.replay === true) frame.replay = true;
  if (isConv(o.conv)) frame.conv = o.conv;
  if (Array.isArray(o.mentions)) frame.mentions = o.mentions.filter(isConv).slice(0, 200);
  return Object.assign(frame, serverActionFieldsOf(o), serverAttachmentsOf(o));
}

/** A `history_page`: every message must be a chat_message with a seq. */
function historyPageIn(o: Record<string, unknown>): HistoryPage | string {
  if (!Array.isArray(o.messages) || o.messages.length > MAX_HISTORY_PAGE) return 'history_page without a messages list';
  const messages: ServerChatMessage[] = [];
  for (const m of o.messages) {
    const frame = typeof m === 'object' && m !== null ? chatMessageIn(m as Record<string, unknown>) : 'not an object';
    if (typeof frame === 'string' || frame.seq === undefined)
      return `history_page message: ${typeof frame === 'string' ? frame : 'no seq'}`;
    messages.push(frame);
  }
  const about = { ...(isConv(o.conv) ? { conv: o.conv } : {}), ...(isConv(o.ref) ? { ref: o.ref } : {}) };
  return { type: 'history_page', messages, has_older: o.has_older === true, ...about };
}

/** Decode a frame a client sent (used by the reference server). Never throws. */
export function decodeClientFrame(text: string, maxBytes: number): DecodeResult<ClientFrame> {
  const parsed = parseObject(text, maxBytes);
  return parsed.ok ? clientFrameOf(parsed.frame) : parsed;
}

/** One client frame from its parsed object. */
function clientFrameOf(o: Record<string, unknown>): DecodeResult<ClientFrame> {
  const timestamp = timestampOf(o.timestamp) ?? new Date(0).toISOString();
  switch (o.type) {
    case 'chat_message': {
      if (!isStr(o.message)) return bad('chat_message needs a text "message"');
      if (o.id !== undefined && (!isStr(o.id) || o.id.length === 0 || o.id.length > MAX_ID_LENGTH)) {
        return bad(`chat_message "id" must be a string of 1..${MAX_ID_LENGTH} characters`);
      }
      if (o.conv !== undefined && !isConv(o.conv)) return bad('chat_message "conv" must be a conversation id');
      const actions = clientActionFieldsOf(o);
      const files = clientAttachmentsOf(o);
      if (typeof actions === 'string' || typeof files === 'string') return bad(typeof actions === 'string' ? actions : (files as string));
      const conv = isConv(o.conv) ? { conv: o.conv } : {};
      const frame = {
        type: 'chat_message',
        id: isStr(o.id) ? o.id : '',
        message: o.message,
        timestamp,
        ...conv,
        ...actions,
        ...files,
      } as const;
      return { ok: true, frame };
    }
    case 'ping':
      return { ok: true, frame: { type: 'ping', timestamp } };
    case 'history': {
      if (!isSeq(o.before) || !isSeq(o.limit) || o.limit < 1) return bad('history needs a seq "before" and a "limit" ≥ 1');
      if (o.conv !== undefined && !isConv(o.conv)) return bad('history "conv" must be a conversation id');
      const conv = { ...(isConv(o.conv) ? { conv: o.conv } : {}), ...(isConv(o.ref) ? { ref: o.ref } : {}) };
      return { ok: true, frame: { type: 'history', before: o.before, limit: Math.min(o.limit, MAX_HISTORY_PAGE), ...conv } };
    }
    default:
      if (isConversationRequestType(o.type)) {
        const request = conversationRequestOf(o);
        return request.ok ? { ok: true, frame: request.frame } : bad(request.detail);
      }
      return {
        ok: false,
        error: { code: 'UNKNOWN_TYPE', detail: `Unsupported message type: ${typeLabel(o.type)}` },
      };
  }
}
