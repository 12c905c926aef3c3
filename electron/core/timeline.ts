/**
 * Timeline: what the person sees of the room. The message log (bounded, deduplicated),
 * the resume point (`lastSeq` and its numbering epoch), incoming chat and replies,
 * own messages as they go from pending to sent or failed, and the gap marker.
 *
 * It knows nothing of sockets or the outbox: ChatClient hands it decoded frames and
 * delivery outcomes, and it reports changed entries through `onEntries`.
 */
import type { LogEntry, MessageEntry, OlderEntries } from '../common/contract';
import type { Reason } from '../common/errors';
import type { ChatMessageIn, ChatResponseIn, ConnectionStatusIn } from '../common/protocol';
import type { Clock } from './clock';
import { MessageLog } from './message-log';

/** An own message as the timeline shows it while it waits for the server (an outbox item). */
export interface PendingMessage {
  id: string;
  text: string;
  createdAt: string;
}

export interface TimelineDeps {
  clock: Clock;
  /** Entries kept (see ClientConfig.logLimit). */
  logLimit: number;
  /** Name for own messages until the server tells us our user id. */
  user: string;
  onEntries: (entries: LogEntry[]) => void;
}

export class Timeline {
  private readonly log: MessageLog;
  private readonly clock: Clock;
  private readonly onEntries: (entries: LogEntry[]) => void;
  private me: string;
  private lastSeqSeen: number | undefined;
  /** Bumped when the server's seq numbering starts over, so id-less keys never collide across it. */
  private seqEpoch = 0;

  constructor(deps: TimelineDeps) {
    this.log = new MessageLog(deps.logLimit);
    this.clock = deps.clock;
    this.me = deps.user;
    this.onEntries = deps.onEntries;
  }

  /** The highest seq seen: the resume point sent as `since` on the next connection. */
  get lastSeq(): number | undefined {
    return this.lastSeqSeen;
  }

  /** Another server: its numbering has nothing to do with the last one's. */
  forgetResumePoint(): void {
    this.lastSeqSeen = undefined;
  }

  // ---- read side ----------------------------------------------------------------

  /** All of the log, or the newest `limit` entries (a window's first page). */
  page(limit?: number): OlderEntries {
    return limit === undefined ? { entries: this.log.all(), hasOlder: false } : this.log.latest(limit);
  }

  /** Entries older than `before` (an entry's `order`), at most `limit`, oldest first. */
  before(before: number, limit: number): OlderEntries {
    return this.log.before(before, limit);
  }

  /** An own message that failed, to send again under its id; undefined for anything else. */
  failedOwn(key: string): PendingMessage | undefined {
    const entry = this.log.get(key);
    if (!entry || entry.kind !== 'message' || !entry.own || entry.delivery !== 'failed' || !entry.id) return undefined;
    return { id: entry.id, text: entry.text, createdAt: entry.timestamp };
  }

  // ---- own messages -----------------------------------------------------------------

  /** Own messages shown as pending: restored from the outbox at start, or just queued. */
  showPending(items: readonly PendingMessage[]): MessageEntry[] {
    const entries = items.map((item) => this.pendingEntry(item));
    entries.forEach((e) => this.log.upsert(e));
    if (entries.length > 0) this.onEntries(entries);
    return entries;
  }

  /** The server has it (ack, its echo, or written to a server without acks). */
  delivered(id: string, seq: number | undefined): void {
    this.advance(seq);
    const patch: Partial<MessageEntry> = { delivery: 'sent', failure: undefined };
    if (seq !== undefined) patch.seq = seq;
    this.changed(this.log.update(id, patch));
  }

  /** The server refused it: shown failed, with the reason, for the person to retry. */
  failed(id: string, failure: Reason): void {
    this.changed(this.log.update(id, { delivery: 'failed', failure }));
  }

  // ---- what the server says --------------------------------------------------------

  /** `connection_status`: who we are, where the server's numbering stands, and whether history was lost. */
  onHello(frame: ConnectionStatusIn): void {
    if (frame.user_id) this.me = frame.user_id;
    if (frame.seq !== undefined && (this.lastSeqSeen === undefined || frame.seq < this.lastSeqSeen)) {
      // First contact, or a server whose numbering went backwards (it restarted without its
      // history): resume from where it is now. It flags the gap itself (`since` > its seq).
      if (this.lastSeqSeen !== undefined) this.seqEpoch += 1;
      this.lastSeqSeen = frame.seq;
    }
    if (frame.gap) this.onEntries([this.log.addMarker('gap', this.nowIso())]);
  }

  /**
   * A chat message from the room. Returns the key of an own message it confirms
   * (another device of ours, or a replay), which is left for delivery to mark delivered.
   */
  onChat(frame: ChatMessageIn): string | undefined {
    this.advance(frame.seq);
    // Deduplicate by message id; by seq only for frames without one (within one numbering epoch):
    // a seq alone is not an identity once a server has started its numbering over.
    const key = frame.id ?? (frame.seq !== undefined ? `seq:${this.seqEpoch}:${frame.seq}` : this.log.nextServerKey());
    const existing = this.log.get(key);
    if (existing?.kind === 'message' && existing.own) return key;
    if (existing) return undefined;
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
    this.add(entry);
    return undefined;
  }

  /** `chat_response`: the server itself answered (the design notes' echo). */
  onResponse(frame: ChatResponseIn): void {
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
    this.log.upsert(entry);
    this.onEntries([entry]);
  }

  private changed(entry: MessageEntry | undefined): void {
    if (entry) this.onEntries([entry]);
  }

  private pendingEntry(item: PendingMessage): MessageEntry {
    return { kind: 'message', key: item.id, id: item.id, user: this.me, text: item.text, timestamp: item.createdAt, own: true, delivery: 'pending' };
  }

  private nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }
}
