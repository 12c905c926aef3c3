/**
 * Delivery: getting own messages to the server exactly once. The durable outbox,
 * the pacer under the server's announced rate limit, the window of unacked
 * messages in flight, send/retry/enqueue, flushing, acks and refusals.
 *
 * It knows nothing of sockets or the log: it writes through the `OutboundLink`
 * ChatClient attaches once a connection is ready, and reports outcomes to a
 * `DeliveryReport` (ChatClient passes them to the timeline).
 */
import type { Attachment } from '../../../protocol/attachments';
import type { SendResult } from '../../common/contract';
import { reason, type Reason } from '../../common/errors';
import { encodeFrame, MAX_MESSAGE_BYTES, utf8Length, type ConnectionStatus } from '../../../protocol/codec';
import { Features } from '../../../protocol/features';
import type { ClientActionFields } from '../../../protocol/message-actions';
import { refusalReason, WireErrorCodes } from '../../../protocol/wire-errors';
import { isoAt, type Clock, type TimerHandle } from '../base/clock';
import { Outbox, type OutboxItem, type OutboxStore } from '../store/outbox';
import { Pacer } from './pacer';

/** Where messages go: the current connection once it is ready. */
export interface OutboundLink {
  /** The server acks by id; without acks a message counts as delivered once written. */
  readonly acked: boolean;
  /** What the server announced: a reply, edit or recall goes only where its feature is. */
  readonly features: readonly string[];
  isOpen(): boolean;
  write(text: string, done?: (err?: Error) => void): void;
}

export interface DeliveryReport {
  /** Queued and saved: show it pending. */
  queued(item: OutboxItem): SendResult & { ok: true };
  /** Why an edit or recall cannot be queued (the message it names is not an own one here); undefined: it can. */
  actionRefusal(action: ClientActionFields): Reason | undefined;
  delivered(id: string, seq: number | undefined): void;
  refused(id: string, why: Reason): void;
  /** Messages still waiting for an ack, after each saved change of the outbox. */
  outboxSize(size: number): void;
  log(level: 'warn' | 'error', message: string): void;
}

export interface DeliveryDeps {
  clock: Clock;
  store: OutboxStore;
  maxOutbox: number;
  /** Unacked messages in flight at once. */
  sendWindow: number;
  newId: () => string;
  report: DeliveryReport;
}

/**
 * `server_error` with an id: the server could not store it now (its store is down).
 * Not a verdict on the message: it stays queued and is sent again, in order, after this pause.
 */
export const SERVER_ERROR_PAUSE_MS = 500;

/** A message's files: ids (the CLI), or the attachments as uploaded (the window shows them on the own message at once). */
export type OutgoingFiles = readonly (string | Attachment)[];

export class Delivery {
  private outbox: Outbox;
  private readonly pacer = new Pacer(Number.MAX_SAFE_INTEGER, 1);
  private readonly clock: Clock;
  private readonly report: DeliveryReport;
  private link: OutboundLink | undefined;
  /** Ids written on the current link and awaiting ack. */
  private readonly inFlight = new Set<string>();
  private flushTimer: TimerHandle | undefined;
  private maxBytes = MAX_MESSAGE_BYTES;
  /** Clock time before which nothing is sent (after a `server_error`). */
  private pausedUntil = 0;

  constructor(private readonly deps: DeliveryDeps) {
    this.outbox = new Outbox(deps.store, deps.maxOutbox);
    this.clock = deps.clock;
    this.report = deps.report;
  }

  /** Largest message the server takes (its announcement, never above our own limit). */
  get maxMessageBytes(): number {
    return this.maxBytes;
  }

  /** Messages still waiting for the server's ack. */
  get size(): number {
    return this.outbox.size;
  }

  /** Reads the saved outbox: its items, to show pending, and a problem if part of it was unreadable. */
  async load(): Promise<{ items: readonly OutboxItem[]; problem?: Reason }> {
    const problem = await this.outbox.load();
    return { items: this.outbox.list(), ...(problem ? { problem } : {}) };
  }

  /**
   * Another account's outbox (the server or token changed): the old one is saved and left
   * with its messages, which go out when that account is used again; nothing stays in flight.
   */
  async useOutbox(store: OutboxStore): Promise<{ items: readonly OutboxItem[]; problem?: Reason }> {
    this.detach();
    await this.outbox.persist().catch((err) => this.report.log('error', `outbox write failed: ${(err as Error).message}`));
    this.outbox = new Outbox(store, this.deps.maxOutbox);
    return this.load();
  }

  /** Resolves once the outbox on disk matches memory (after the writes in flight). */
  persist(): Promise<void> {
    return this.outbox.persist();
  }

  has(id: string): boolean {
    return this.outbox.has(id);
  }

  /** The messages waiting, oldest first. */
  waiting(): readonly OutboxItem[] {
    return this.outbox.list();
  }

  // ---- the connection ---------------------------------------------------------------

  /** A connection is ready: take the server's limits (none from a server that did not say hello). `flush()` then sends what waits. */
  attach(link: OutboundLink, hello: Pick<ConnectionStatus, 'max_message_bytes' | 'rate_limit'> | undefined): void {
    this.detach();
    this.link = link;
    if (hello?.max_message_bytes) this.maxBytes = Math.min(MAX_MESSAGE_BYTES, hello.max_message_bytes);
    // Stay under the announced limit with margins: the server counts in fixed windows by
    // arrival time, we count by send time, so latency jitter can shift a few messages
    // into the next window. 90% of the messages over a window 10% + 250 ms longer.
    const rl = hello?.rate_limit;
    if (rl) this.pacer.configure(Math.max(1, Math.floor(rl.messages * 0.9)), rl.window_s * 1100 + 250);
    else if (hello) this.pacer.configure(Number.MAX_SAFE_INTEGER, 1);
  }

  /** The connection is gone: what was in flight is sent again on the next one. */
  detach(): void {
    this.flushTimer?.cancel();
    this.link = undefined;
    this.inFlight.clear();
  }

  // ---- sending ----------------------------------------------------------------------

  /** Not `async`: an async function returning enqueue's promise costs extra microtask turns on every send. */
  send(text: string, action?: ClientActionFields, attachments?: OutgoingFiles, id?: string): Promise<SendResult> {
    // A recall carries no text; a message with files may have none (the caption is optional); everything else needs some.
    const refused = action && this.report.actionRefusal(action);
    if (refused) return Promise.resolve({ ok: false, reason: refused });
    if (action?.recall_of !== undefined)
      return this.enqueue({ id: this.deps.newId(), text: '', createdAt: isoAt(this.clock.now()), action });
    if (attachments?.length) {
      if (action) return Promise.resolve({ ok: false, reason: reason('REJECTED', 'an edit carries no files') });
      // `id`: chosen by the upload queue before its files went up, so a send repeated after a crash is deduped by the server.
      const ids = attachments.map((a) => (typeof a === 'string' ? a : a.id));
      const files = attachments.filter((a): a is Attachment => typeof a !== 'string');
      const item: OutboxItem = { id: id ?? this.deps.newId(), text, createdAt: isoAt(this.clock.now()), attachments: ids };
      return this.enqueue(files.length === ids.length ? { ...item, files } : item);
    }
    if (text.trim() === '') return Promise.resolve({ ok: false, reason: reason('EMPTY_MESSAGE') });
    // UTF-8 takes at most 3 bytes per UTF-16 unit: count exactly (an encoder and a copy of
    // the text) only when that bound is over the limit.
    const bytes = text.length * 3 <= this.maxBytes ? 0 : utf8Length(text);
    if (bytes > this.maxBytes) return Promise.resolve({ ok: false, reason: reason('TOO_LARGE', `${bytes} bytes, limit ${this.maxBytes}`) });
    const item: OutboxItem = { id: this.deps.newId(), text, createdAt: isoAt(this.clock.now()) };
    return this.enqueue(action ? { ...item, action } : item);
  }

  /** Queues a message (a failed one again under its id: the server dedups by id). */
  async enqueue(item: OutboxItem): Promise<SendResult> {
    try {
      await this.outbox.add(item);
    } catch (err) {
      const why = isReason(err) ? err : reason('OUTBOX_WRITE_FAILED', (err as Error)?.message);
      this.report.log('error', `message not queued: ${why.code} ${why.detail ?? ''}`);
      return { ok: false, reason: why };
    }
    const result = this.report.queued(item);
    this.report.outboxSize(this.outbox.size);
    this.flush();
    return result;
  }

  // ---- what the server says -----------------------------------------------------------

  /** `ack`: stored by the server under `seq`. */
  acked(id: string, seq: number | undefined): void {
    this.inFlight.delete(id);
    this.confirmed(id, seq);
    this.flush();
  }

  /** Delivered by other evidence (the room echoed it back): no longer ours to send. */
  confirmed(id: string, seq: number | undefined): void {
    this.report.delivered(id, seq);
    this.remove(id);
  }

  /**
   * An `error` frame naming one of our messages: it failed for good — except `server_error`,
   * which keeps it queued for another try after a pause. False when the id is not ours.
   */
  refused(id: string, code: string | undefined, message: string): boolean {
    if (!this.outbox.has(id)) return false;
    this.inFlight.delete(id);
    if (code === WireErrorCodes.serverError) {
      this.pausedUntil = this.clock.now() + SERVER_ERROR_PAUSE_MS;
      this.flush();
      return true;
    }
    this.report.refused(id, reason(refusalReason(code, message), message));
    this.remove(id);
    this.flush();
    return true;
  }

  /**
   * Sends queued messages in order, within the server's rate limit and a window
   * of unacked messages: after a reconnect only the window is resent blind,
   * not the whole outbox, and acks pull the rest through.
   */
  flush(): void {
    const link = this.link;
    if (!link?.isOpen()) return;
    const paused = this.pausedUntil - this.clock.now();
    if (paused > 0) {
      this.flushTimer?.cancel();
      this.flushTimer = this.clock.setTimeout(() => this.flush(), paused);
      return;
    }
    for (const item of this.outbox.list()) {
      if (this.inFlight.size >= this.deps.sendWindow) return;
      if (this.inFlight.has(item.id)) continue;
      // Not saved yet: its send() has not returned, so the log has no entry to mark delivered.
      // Saves complete in order, so nothing after it is saved either. enqueue() flushes again.
      if (!this.outbox.isDurable(item.id)) return;
      const wait = this.pacer.waitMs(this.clock.now());
      if (wait > 0) {
        this.flushTimer?.cancel();
        this.flushTimer = this.clock.setTimeout(() => this.flush(), wait);
        return;
      }
      this.pacer.record(this.clock.now());
      this.inFlight.add(item.id);
      // Servers without acks (the design notes' Django service): delivered once written. With
      // acks the write needs no callback (a closure and a callback turn per message fewer).
      const written = link.acked ? undefined : (err?: Error) => !err && link === this.link && this.acked(item.id, undefined);
      if (item.action && !this.canSend(link, item, item.action)) continue;
      if (item.attachments && !this.canSendFiles(link, item)) continue;
      const frame = { type: 'chat_message', id: item.id, message: item.text, timestamp: item.createdAt } as const;
      const extra = item.action ?? (item.attachments ? { attachments: item.attachments } : undefined);
      link.write(encodeFrame(extra ? { ...frame, ...extra } : frame), written);
    }
  }

  /**
   * A reply, edit or recall goes only to a server that announced it: the design notes' service would
   * store an edit as a new message. Refused here, in words, for any other (true: it may be sent).
   */
  private canSend(link: OutboundLink, item: OutboxItem, action: ClientActionFields): boolean {
    const needed = action.reply_to !== undefined ? Features.replyTo : action.edit_of !== undefined ? Features.edit : Features.recall;
    if (link.features.includes(needed)) return true;
    this.report.refused(item.id, reason('ACTION_UNSUPPORTED', `the server does not announce "${needed}"`));
    this.remove(item.id);
    return false;
  }

  /** Files only to a server that announces them: the design notes' service would store an empty message. */
  private canSendFiles(link: OutboundLink, item: OutboxItem): boolean {
    if (link.features.includes(Features.files)) return true;
    this.report.refused(item.id, reason('FILES_UNSUPPORTED', 'the server does not announce "files"'));
    this.remove(item.id);
    return false;
  }

  private remove(id: string): void {
    this.outbox.remove(id).then(
      () => this.report.outboxSize(this.outbox.size),
      (err) => this.report.log('error', `outbox write failed: ${(err as Error).message}`),
    );
  }
}

function isReason(v: unknown): v is Reason {
  return typeof v === 'object' && v !== null && typeof (v as Reason).code === 'string';
}
