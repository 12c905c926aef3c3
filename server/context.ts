/**
 * What the parts of one running server share: its settings, its room and conversation
 * stores and connection counter (the interfaces only), the fan-out, the connected
 * clients, and how to send to one of them.
 */
import { WebSocket } from 'ws';
import { encodeFrame, type ServerFrame } from '../protocol/codec';
import { outboundFrame, type FrameBatcher } from '../protocol/framing';
import type { ConnectionCounter } from './connection-counter';
import type { ConversationMeta, ConversationStore } from './conversation-store';
import type { FanOut } from './fan-out';
import type { FileService } from './files';
import type { ReceiptsPusher } from './receipts';
import type { ServerOptions } from './options';
import type { FixedWindowLimiter } from './rate-limit';
import type { RoomHandle, RoomStore } from './room-store';
import type { UserDirectory } from './users';

/** One client's place in one conversation's fan-out: made only after the server checked it is a member. */
export interface Subscription {
  readonly client: Client;
  readonly room: RoomHandle;
  /** The conversation as last heard of (members change): whom a message @mentions, and who is still in. */
  meta: ConversationMeta;
  /**
   * Set while the replay is read: live messages are held here and sent after it (those the
   * replay already has are dropped), so none is missed between reading the replay and
   * joining, and none overtakes the replay.
   */
  heldBack?: Array<{ seq: number; wire: string }>;
}

export interface Client {
  /** This connection, unique among every process sharing the room store (fan-out skips a message's sender by it). */
  id: string;
  ws: WebSocket;
  /** Send zlib binary frames to this client. */
  zlib: boolean;
  /** The client announced `zdict1`: its zlib frames use the preset dictionary. */
  zdict?: boolean;
  /** The client announced `batch`: everything to it goes through here, frames of one turn as one batch. */
  out?: FrameBatcher;
  user: string;
  token: string;
  /** The client asked for `edit`/`recall`: it receives the actions themselves (server/revisions.ts visibleTo). */
  actions: boolean;
  /** The client asked for `receipts` (its user shares read status): it receives others' markers as they move. */
  receipts: boolean;
  /**
   * Feature `conversations`: this connection carries all of the user's conversations, each
   * subscribed by a frame. Without it, the one room named in the URL (the design notes' way).
   */
  multi: boolean;
  /** The conversations this connection receives, by id (one, the URL's room, without `multi`). */
  subs: Map<string, Subscription>;
  limiter: FixedWindowLimiter;
  /** Cleared at each liveness ping, set again by any pong or frame. */
  alive: boolean;
  /**
   * Set when the store could not take a message with this id: later messages are refused
   * too until this one comes again (clients resend in order), so none overtakes it.
   */
  refusingUntil?: string;
}

export interface ServerContext {
  readonly options: ServerOptions;
  readonly store: RoomStore;
  readonly conversations: ConversationStore;
  readonly users: UserDirectory;
  readonly counter: ConnectionCounter;
  readonly fanOut: FanOut;
  /** Feature `files` (files.ts); absent where the server does not offer it (with Redis, for now). */
  readonly files?: FileService;
  /** Read status pushed to subscribers, coalesced per conversation (receipts.ts). */
  readonly receipts: ReceiptsPusher;
  /** A new connection id (see Client.id). */
  readonly connectionId: () => string;
  /** Connected clients, from just before their replay is read: live traffic goes to these. */
  readonly clients: Set<Client>;
  /** Set by close(): after it nothing may attach, or it would outlive this server with this instance's rooms. */
  closing: boolean;
}

export const now = () => new Date().toISOString();

/** Sends `text` as this client reads it; `zlibbed` is the same text already compressed (one deflate per broadcast). */
export function sendTo(client: Client, text: string, zlibbed?: Buffer): void {
  if (client.ws.readyState !== WebSocket.OPEN) return;
  if (client.out) return client.out.push(text);
  if (client.zlib && zlibbed) {
    client.ws.send(zlibbed, { binary: true });
    return;
  }
  const frame = outboundFrame(text, client.zlib, client.zdict);
  client.ws.send(frame.data, { binary: frame.binary });
}

/** Sends what the client's batcher holds now: before a close, so what was said before it is not lost. */
export function flushOut(client: Client): void {
  client.out?.flush();
}

/** A message of a subscribed conversation, as it happens (held back while its replay is read). */
export function sendLive(sub: Subscription, seq: number, wire: string, zlibbed?: Buffer): void {
  if (sub.heldBack) sub.heldBack.push({ seq, wire });
  else sendTo(sub.client, wire, zlibbed);
}

export function reply(client: Client, frame: ServerFrame): void {
  sendTo(client, encodeFrame({ ...frame, timestamp: frame.timestamp ?? now() }));
}
