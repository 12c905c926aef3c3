/**
 * Timeline: what the person sees of the room. The message log (bounded, deduplicated),
 * the resume point (`lastSeq` and its numbering epoch), incoming chat and replies,
 * own messages as they go from pending to sent or failed, and the gap marker.
 *
 * With an account's history store (history-store.ts) every change is written through
 * to it, with the resume point, in the same tick: the snapshot after a restart, older
 * pages, search and dedup against what was shown before come from it, and pages the
 * server sends for scrolling up are merged into it.
 *
 * It knows nothing of sockets or the outbox: ChatClient hands it decoded frames and
 * delivery outcomes, and it reports changed entries through `onEntries`.
 */
import type { LogEntry, MessageEntry, OlderEntries } from '../../common/contract';
import { reason, type Reason } from '../../common/errors';
import type { ServerChatMessage, ChatResponse, ConnectionStatus, HistoryPage } from '../../../protocol/codec';
import { isoAt, type Clock } from '../base/clock';
import { FIRST_ORDER, type HistoryStore, type ResumePoint } from '../store/history-store';
import { isAction } from '../../../protocol/message-actions';
import { ActionBook, actionTarget } from './message-actions';
import { MessageLog, patchedMessage, type MessagePatch } from './message-log';
import type { PendingMessage } from './pending-message';

export type { PendingMessage };

/** Entries of a stored history loaded into memory at start (the snapshot is 200; more come from the store). */
const RESTORED_ENTRIES = 1_000;

export interface TimelineDeps {
  clock: Clock;
  /** Entries kept (see ClientConfig.logLimit). */
  logLimit: number;
  /** Name for own messages until the server tells us our user id. */
  user: string;
  onEntries: (entries: LogEntry[]) => void;
  /** The history store could not be written (reported once per store; the chat goes on). */
  onProblem?: (why: Reason) => void;
  /** A recall took these attachments back (see ActionPort.filesRecalled). */
  onFilesRecalled?: (ids: string[]) => void;
}

export class Timeline {
  private log: MessageLog;
  private history: HistoryStore | undefined;
  /** False once the server said it keeps nothing older than what the store has. */
  private serverHasOlder = true;
  private writeFailed = false;
  private readonly clock: Clock;
  private readonly onEntries: (entries: LogEntry[]) => void;
  private me: string;
  private lastSeqSeen: number | undefined;
  /** The highest seq our own acks named: not a resume point (see delivered), but proof of how far the numbering went. */
  private ownSeqHigh: number | undefined;
  /** Bumped when the server's seq numbering starts over, so id-less keys never collide across it. */
  private seqEpoch = 0;
  /** Entries published while the frames of one socket read are handled (see batchFrames). */
  private batch: LogEntry[] | undefined;
  /** Edits and recalls: own ones waiting, and the room's. */
  private readonly actions = new ActionBook({
    bySeq: (seq) => this.messageBySeq(seq),
    show: (entry, rewritten) => {
      this.scrubDue ||= rewritten;
      this.add(entry);
    },
    filesRecalled: (ids) => this.deps.onFilesRecalled?.(ids),
  });
  /** An edit or recall was applied: the store is scrubbed after its next write (history-store.ts scrub). */
  private scrubDue = false;

  constructor(private readonly deps: TimelineDeps) {
    this.log = new MessageLog(deps.logLimit);
    this.clock = deps.clock;
    this.me = deps.user;
    this.onEntries = deps.onEntries;
  }

  /**
   * Switches to an account's history (undefined: none, memory only). The log starts over
   * from its newest entries and its resume point; the previous store is closed.
   */
  useHistory(history: HistoryStore | undefined): void {
    this.endBatch();
    if (this.history !== history) this.history?.close();
    this.history = history;
    this.log = new MessageLog(this.deps.logLimit);
    this.serverHasOlder = true;
    this.writeFailed = false;
    const resume = history?.resume() ?? { lastSeq: undefined, epoch: 0 };
    this.lastSeqSeen = resume.lastSeq;
    this.seqEpoch = resume.epoch;
    if (history)
      this.log.restore(history.newest(Math.min(this.deps.logLimit, RESTORED_ENTRIES)).entries, history.lastOrder() ?? FIRST_ORDER - 1);
  }

  /** The client stopped: the store is closed, the log stays in memory. */
  closeHistory(): void {
    this.endBatch();
    this.history?.close();
    this.history = undefined;
  }

  /** Forgets every entry shown (the settings' "Clear history"); the resume point stays. */
  clear(): void {
    this.endBatch();
    this.history?.clear();
    this.log = new MessageLog(this.deps.logLimit);
    if (this.history) this.log.restore([], this.history.lastOrder() ?? FIRST_ORDER - 1);
  }

  /** Messages containing `text` (Chinese or Latin, any case for Latin letters), newest first. */
  search(text: string, limit: number): MessageEntry[] {
    if (text === '') return [];
    if (this.history) return this.history.search(text, limit);
    const needle = text.toLowerCase();
    const hits = this.log.all().filter((e): e is MessageEntry => e.kind === 'message' && e.text.toLowerCase().includes(needle));
    return hits.reverse().slice(0, limit);
  }

  /** The seq to ask the server for older messages before, when the store has run out; undefined when there is nothing to ask. */
  serverPageBefore(): number | undefined {
    if (!this.history || !this.serverHasOlder) return undefined;
    const before = this.history.oldestSeq() ?? (this.lastSeqSeen !== undefined ? this.lastSeqSeen + 1 : undefined);
    if (before === undefined || before <= Math.max(1, this.history.floorSeq())) return undefined;
    return before;
  }

  /** A page of older messages from the server: stored before everything else; returns what was added. */
  addOlderPage(page: HistoryPage): OlderEntries {
    this.serverHasOlder = page.has_older;
    if (!this.history) return { entries: [], hasOlder: false };
    const floor = this.history.floorSeq();
    // An action in a page names a message older still, which comes already rewritten: nothing to apply.
    const messages = page.messages.filter((m) => (m.seq ?? 0) >= floor && !isAction(m)).map((m) => this.incoming(m));
    try {
      return { entries: this.history.addOlder(messages), hasOlder: page.has_older };
    } catch (err) {
      this.writeProblem(err);
      return { entries: [], hasOlder: false };
    }
  }
  /** The highest seq seen: the resume point sent as `since` on the next connection. */
  get lastSeq(): number | undefined {
    return this.lastSeqSeen;
  }

  /** Another server: its numbering has nothing to do with the last one's. */
  forgetResumePoint(): void {
    this.lastSeqSeen = undefined;
    this.ownSeqHigh = undefined;
    this.keep([]);
  }

  // ---- read side ----------------------------------------------------------------

  /** All of the log, or the newest `limit` entries (a window's first page). */
  page(limit?: number): OlderEntries {
    if (limit === undefined) return { entries: this.log.all(), hasOlder: false };
    return this.history ? this.history.newest(limit) : this.log.latest(limit);
  }

  /** Entries older than `before` (an entry's `order`), at most `limit`, oldest first. */
  before(before: number, limit: number): OlderEntries {
    return this.history ? this.history.before(before, limit) : this.log.before(before, limit);
  }

  /** The message with this key (its id, for most). */
  messageByKey(key: string): MessageEntry | undefined {
    const entry = this.lookup(key);
    return entry?.kind === 'message' ? entry : undefined;
  }

  /** The newest message with this seq (what a reply, edit or recall names). */
  messageBySeq(seq: number): MessageEntry | undefined {
    return this.log.bySeq(seq) ?? this.history?.bySeq(seq);
  }

  /** An own message that failed, to send again under its id; undefined for anything else. */
  failedOwn(key: string): PendingMessage | undefined {
    const entry = this.lookup(key);
    if (!entry || entry.kind !== 'message' || !entry.own || entry.delivery !== 'failed' || !entry.id) return undefined;
    return { id: entry.id, text: entry.text, createdAt: entry.timestamp };
  }

  // ---- own messages -----------------------------------------------------------------

  /** Own messages shown as pending: restored from the outbox at start, or just queued. */
  showPending(items: readonly PendingMessage[]): MessageEntry[] {
    const entries: MessageEntry[] = [];
    for (const item of items) {
      // An edit or recall is no message of its own: the message it names shows it waits.
      const entry = actionTarget(item.action) === undefined ? this.pendingEntry(item) : this.actions.queued(item);
      if (entry) entries.push(entry);
    }
    entries.forEach((e) => this.upsert(e));
    if (entries.length > 0) this.publish(entries);
    return entries;
  }

  /**
   * The server has it (ack, its echo, or written to a server without acks). Its seq does not move
   * the resume point: across nodes an ack can overtake others' messages still on their way to us
   * (fanned out from Redis, not from the node that stored ours), and resuming after our own seq
   * would skip them. The resume point follows only the room's messages as they arrive, in order.
   */
  delivered(id: string, seq: number | undefined): void {
    if (seq !== undefined) this.ownSeqHigh = Math.max(this.ownSeqHigh ?? 0, seq);
    if (this.actions.acked(id, seq)) return;
    const patch: Partial<MessageEntry> = { delivery: 'sent', failure: undefined };
    if (seq !== undefined) patch.seq = seq;
    this.changed(this.update(id, patch));
  }

  /** The server refused it: shown failed, with the reason, for the person to retry. */
  failed(id: string, failure: Reason): void {
    if (!this.actions.refused(id, failure)) this.changed(this.update(id, { delivery: 'failed', failure }));
  }

  // ---- what the server says --------------------------------------------------------

  /** `connection_status`: who we are, where the server's numbering stands, and whether history was lost. */
  onHello(frame: ConnectionStatus): void {
    if (frame.user_id) this.me = frame.user_id;
    // Behind a seq it acked us: a server that restarted without its history, though our `since`
    // (what we received) did not show it (a client that only sent). A hello's seq is read after
    // any ack it could have given on this connection's path, so a live server is never behind.
    const ownAhead = frame.seq !== undefined && this.ownSeqHigh !== undefined && frame.seq < this.ownSeqHigh;
    if (frame.seq !== undefined && (this.lastSeqSeen === undefined || frame.seq < this.lastSeqSeen || ownAhead)) {
      // First contact, or a server whose numbering went backwards (it restarted without its
      // history): resume from where it is now. It flags the gap itself when `since` > its seq.
      if (this.lastSeqSeen !== undefined || ownAhead) this.seqEpoch += 1;
      this.lastSeqSeen = frame.seq;
      this.ownSeqHigh = undefined;
    }
    if (frame.gap || ownAhead) this.publish([this.log.addMarker('gap', this.nowIso())]);
    else this.keep([]);
  }

  /**
   * A chat message from the room. Returns the key of an own message it confirms
   * (another device of ours, or a replay), which is left for delivery to mark delivered.
   */
  onChat(frame: ServerChatMessage): string | undefined {
    this.advance(frame.seq);
    if (isAction(frame)) return this.actions.fromRoom(frame);
    // Deduplicate by message id; by seq only for frames without one (within one numbering epoch):
    // a seq alone is not an identity once a server has started its numbering over.
    const entry = this.incoming(frame);
    const existing = this.lookup(entry.key);
    if (existing?.kind === 'message' && existing.own) return entry.key;
    if (existing) return undefined;
    // Neither memory nor the store has it (just looked): straight in, without asking both again.
    this.log.append(entry);
    if (this.batch)
      this.batch.push(entry); // the usual case (inside a socket read): no list per message
    else this.publish([entry]);
    return undefined;
  }

  /** A message of the room as an entry (not yet in the log). */
  private incoming(frame: ServerChatMessage): MessageEntry {
    const key = frame.id ?? (frame.seq !== undefined ? `seq:${this.seqEpoch}:${frame.seq}` : this.log.nextServerKey());
    const entry: MessageEntry = {
      kind: 'message',
      key,
      user: frame.user ?? 'server',
      text: frame.message,
      timestamp: frame.timestamp ?? this.nowIso(),
      own: false,
      delivery: 'sent',
    };
    if (frame.id !== undefined) entry.id = frame.id;
    if (frame.seq !== undefined) entry.seq = frame.seq;
    if (frame.reply_to !== undefined) entry.replyTo = frame.reply_to;
    if (frame.edited !== undefined) entry.edited = frame.edited;
    if (frame.recalled) entry.recalled = true;
    if (frame.attachments) entry.attachments = frame.attachments;
    return entry;
  }

  /** `chat_response`: the server itself answered (the design notes' echo). */
  onResponse(frame: ChatResponse): void {
    this.add({
      kind: 'message',
      key: this.log.nextServerKey(),
      user: 'server',
      text: frame.message,
      timestamp: frame.timestamp ?? this.nowIso(),
      own: false,
      fromServer: true,
      delivery: 'sent',
    });
  }

  private advance(seq: number | undefined): void {
    if (seq !== undefined) this.lastSeqSeen = Math.max(this.lastSeqSeen ?? 0, seq);
  }

  private add(entry: MessageEntry): void {
    this.upsert(entry);
    this.publish([entry]);
  }

  private changed(entry: MessageEntry | undefined): void {
    if (entry) this.publish([entry]);
  }

  /** In memory, or (older than memory holds) in the store. */
  private lookup(key: string): LogEntry | undefined {
    return this.log.get(key) ?? this.history?.get(key);
  }

  /** Into the memory log; an entry only the store still holds keeps its place there (stamped with its order) and stays out of memory. */
  private upsert(entry: LogEntry): void {
    // Without a store only the log is asked (once, in its upsert).
    const stored = this.history && !this.log.get(entry.key) ? this.history.get(entry.key) : undefined;
    if (stored) entry.order = stored.order;
    else this.log.upsert(entry);
  }

  private update(key: string, patch: MessagePatch): MessageEntry | undefined {
    const next = patchedMessage(this.lookup(key), patch);
    if (next) this.upsert(next);
    return next;
  }

  /**
   * A frame is being handled: what it and the frames after it in the same task publish
   * (ws emits every frame of one socket read synchronously) is stored and reported once,
   * as one list in order, when the task ends. Under a flood that is one store write and
   * one `entries` event per read instead of per frame; a lone frame's entries come a
   * microtask later, in the same tick.
   */
  batchFrames(): void {
    if (this.batch) return;
    this.batch = [];
    queueMicrotask(() => this.endBatch());
  }

  private endBatch(): void {
    const batch = this.batch;
    this.batch = undefined;
    if (batch && batch.length > 0) this.publish(batch);
  }

  /** Written through to the store (with the resume point), then reported; inside a batch, when it ends. */
  private publish(entries: LogEntry[]): void {
    if (this.batch) {
      for (const e of entries) this.batch.push(e);
      return;
    }
    this.keep(entries);
    this.onEntries(entries);
  }

  private keep(entries: readonly LogEntry[]): void {
    if (!this.history) return;
    try {
      this.history.put(entries, this.resumePoint());
      if (this.scrubDue) this.history.scrub();
      this.scrubDue = false;
    } catch (err) {
      this.writeProblem(err);
    }
  }

  private resumePoint(): ResumePoint {
    return { lastSeq: this.lastSeqSeen, epoch: this.seqEpoch };
  }

  private writeProblem(err: unknown): void {
    if (this.writeFailed) return;
    this.writeFailed = true;
    this.deps.onProblem?.(reason('HISTORY_WRITE_FAILED', `${this.history?.file ?? 'history'}: ${(err as Error).message}`));
  }

  private pendingEntry(item: PendingMessage): MessageEntry {
    const entry: MessageEntry = {
      kind: 'message',
      key: item.id,
      id: item.id,
      user: this.me,
      text: item.text,
      timestamp: item.createdAt,
      own: true,
      delivery: 'pending',
    };
    if (item.action?.reply_to !== undefined) entry.replyTo = item.action.reply_to;
    if (item.files) entry.attachments = item.files;
    return entry;
  }

  private nowIso(): string {
    return isoAt(this.clock.now());
  }
}
