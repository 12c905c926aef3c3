/**
 * One conversation's view of the shared connection, shaped like the `ws` WebSocket that
 * Transport drives, so each conversation keeps the whole single-room machinery (outbox,
 * acks, dedup, resume, history pages, its own stores) while all of them share one socket.
 * The link (conversation-link.ts) opens it once the server answered `subscribed`, hands it
 * the frames that name its conversation, and ends it when the shared socket ends, with
 * the shared socket's reason (`endedBecause`, read by transport.ts).
 */
import { EventEmitter } from 'node:events';
import type { Reason } from '../../common/errors';

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;

/** What a channel needs of the link. */
export interface ChannelHost {
  /** Writes a frame of this channel (the link names the conversation in it). */
  write(channel: ChannelSocket, text: string, done?: (err?: Error) => void): void;
  /** The channel was closed by its own client. */
  release(channel: ChannelSocket): void;
  /** Whether the shared socket is up (a heartbeat ping of a channel is answered only then). */
  readonly alive: boolean;
}

export class ChannelSocket extends EventEmitter {
  readyState: number = CONNECTING;
  readonly extensions = '';
  /** Why the shared socket ended, when it did; Transport reports this instead of the close code. */
  endedBecause: Reason | undefined;
  /** The shared socket's heartbeat keeps this channel alive (and ends it with the socket): Transport runs none for it. */
  readonly keptAlive = true;

  constructor(
    readonly conv: string,
    private readonly host: ChannelHost,
  ) {
    super();
  }

  /** Subscribed: open, then the hello the link made for this conversation. */
  opened(hello: string): void {
    if (this.readyState !== CONNECTING) return;
    this.readyState = OPEN;
    this.emit('open');
    this.deliver(hello);
  }

  /** A frame of this conversation, as text. */
  deliver(text: string): void {
    if (this.readyState === OPEN) this.emit('message', Buffer.from(text, 'utf8'), false);
  }

  /** Ends the channel: the shared socket went (`why`), or the server refused or removed the conversation (`code`). */
  ended(code: number, text: string, why?: Reason): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.endedBecause = why;
    // ws reports close after the current turn; so does this, so listeners set up after a call still hear it.
    queueMicrotask(() => this.emit('close', code, Buffer.from(text.slice(0, 120), 'utf8')));
  }

  send(data: string | Buffer, optionsOrDone?: unknown, done?: (err?: Error) => void): void {
    const cb = typeof optionsOrDone === 'function' ? (optionsOrDone as (err?: Error) => void) : done;
    if (this.readyState !== OPEN) {
      cb?.(new Error('channel not open'));
      return;
    }
    this.host.write(this, typeof data === 'string' ? data : data.toString('utf8'), cb);
  }

  /** The shared socket has its own heartbeat; a channel's ping is answered while that socket lives. */
  ping(): void {
    if (this.readyState !== OPEN || !this.host.alive) return;
    queueMicrotask(() => {
      if (this.readyState === OPEN && this.host.alive) this.emit('pong');
    });
  }

  close(code = 1000, text = ''): void {
    if (this.readyState === CLOSED) return;
    this.host.release(this);
    this.ended(code, text);
  }

  terminate(): void {
    this.close(1006, 'terminated');
  }
}
