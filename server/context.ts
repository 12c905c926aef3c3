/**
 * What the parts of one running server share: its settings, its room store and
 * connection counter (the interfaces only), the fan-out, the connected clients, and
 * how to send to one of them.
 */
import { WebSocket } from 'ws';
import { encodeFrame, type ServerFrame } from '../protocol/codec';
import { outboundFrame, type FrameBatcher } from '../protocol/framing';
import type { ConnectionCounter } from './connection-counter';
import type { FanOut } from './fan-out';
import type { ServerOptions } from './options';
import type { FixedWindowLimiter } from './rate-limit';
import type { RoomHandle, RoomStore } from './room-store';

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
  room: RoomHandle;
  limiter: FixedWindowLimiter;
  /** Cleared at each liveness ping, set again by any pong or frame. */
  alive: boolean;
  /**
   * Set while the greeting waits for the store: live messages are held here and sent
   * after the replay (those the replay already has are dropped), so none is missed
   * between reading the replay and joining, and none overtakes the replay.
   */
  heldBack?: Array<{ seq: number; wire: string }>;
  /**
   * Set when the store could not take a message with this id: later messages are refused
   * too until this one comes again (clients resend in order), so none overtakes it.
   */
  refusingUntil?: string;
}

export interface ServerContext {
  readonly options: ServerOptions;
  readonly store: RoomStore;
  readonly counter: ConnectionCounter;
  readonly fanOut: FanOut;
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

/** A message of the client's room, as it happens (held back while the client is still being greeted). */
export function sendLive(client: Client, seq: number, wire: string, zlibbed?: Buffer): void {
  if (client.heldBack) client.heldBack.push({ seq, wire });
  else sendTo(client, wire, zlibbed);
}

export function reply(client: Client, frame: ServerFrame): void {
  sendTo(client, encodeFrame({ ...frame, timestamp: frame.timestamp ?? now() }));
}
