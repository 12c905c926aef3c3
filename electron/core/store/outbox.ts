/**
 * The outbox: every message the person typed until the server acks it.
 * Unbounded loss is not an option, so a bound refuses the *new* message
 * (OUTBOX_FULL) instead of dropping an old one, and every change is saved
 * before `add` resolves.
 */
import { reason, type Reason } from '../../common/errors';
import { clientAttachmentsOf, type Attachment } from '../../../protocol/attachments';
import { clientActionFieldsOf, type ClientActionFields } from '../../../protocol/message-actions';

export interface OutboxItem {
  id: string;
  text: string;
  /** ISO 8601, when the person pressed Send. */
  createdAt: string;
  /** A reply, edit or recall (protocol/message-actions.ts): the seq it names. */
  action?: ClientActionFields;
  /** Feature `files`: the ids of its attachments, uploaded before the message was queued. */
  attachments?: string[];
  /** The same attachments as the window shows them (name, size, type), when the sender had them; never sent. */
  files?: Attachment[];
}

export interface OutboxLoad {
  items: OutboxItem[];
  /** Set when part of the saved queue could not be read; the readable part is in `items`. */
  problem?: Reason;
}

/** One change to the queue, as a journal records it. */
export type OutboxOp = { op: 'add'; item: OutboxItem } | { op: 'del'; id: string };

export interface OutboxStore {
  load(): Promise<OutboxLoad>;
  /**
   * Makes `ops` durable. `items` is the whole queue after them, for stores
   * that rewrite or compact instead of appending.
   */
  commit(ops: readonly OutboxOp[], items: readonly OutboxItem[]): Promise<void>;
}

export class MemoryOutboxStore implements OutboxStore {
  saved: OutboxItem[] = [];
  async load(): Promise<OutboxLoad> {
    return { items: this.saved.slice() };
  }
  async commit(_ops: readonly OutboxOp[], items: readonly OutboxItem[]): Promise<void> {
    this.saved = items.slice();
  }
}

export function isOutboxItem(v: unknown): v is OutboxItem {
  const o = v as Record<string, unknown> | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.id === 'string' &&
    o.id.length > 0 &&
    typeof o.text === 'string' &&
    typeof o.createdAt === 'string' &&
    (o.action === undefined || isAction(o.action, o.text)) &&
    (o.attachments === undefined || typeof clientAttachmentsOf({ attachments: o.attachments }) !== 'string') &&
    (o.files === undefined || (Array.isArray(o.files) && o.files.every((f) => typeof (f as Attachment | null)?.id === 'string')))
  );
}

function isAction(v: unknown, text: string): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const fields = clientActionFieldsOf({ ...v, message: text });
  return typeof fields !== 'string' && Object.keys(fields).length === 1;
}

export class Outbox {
  private items: OutboxItem[] = [];
  private readonly ids = new Set<string>();
  /** Ids saved to the store. Only these may be sent: a message goes out after it is durable. */
  private readonly durable = new Set<string>();
  private writing: Promise<void> | undefined;
  private dirty = false;
  private ops: OutboxOp[] = [];
  private waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];

  constructor(
    private readonly store: OutboxStore,
    readonly maxItems = 50_000,
  ) {}

  async load(): Promise<Reason | undefined> {
    const loaded = await this.store.load();
    for (const item of loaded.items) {
      if (this.ids.has(item.id)) continue;
      this.ids.add(item.id);
      this.durable.add(item.id);
      this.items.push(item);
    }
    return loaded.problem;
  }

  list(): readonly OutboxItem[] {
    return this.items;
  }

  get size(): number {
    return this.items.length;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  isDurable(id: string): boolean {
    return this.durable.has(id);
  }

  /** Queue and persist. Rejects with OUTBOX_FULL rather than dropping anything. */
  async add(item: OutboxItem): Promise<void> {
    if (this.ids.has(item.id)) return;
    if (this.items.length >= this.maxItems) throw reason('OUTBOX_FULL', `outbox holds ${this.maxItems} messages`);
    this.ids.add(item.id);
    this.items.push(item);
    this.ops.push({ op: 'add', item });
    try {
      await this.persist();
      if (this.ids.has(item.id)) this.durable.add(item.id);
    } catch (err) {
      // Not saved means not queued: take it back so the person still has the text and is told.
      if (this.ids.delete(item.id)) {
        const i = this.items.indexOf(item);
        if (i >= 0) this.items.splice(i, 1);
        this.ops.push({ op: 'del', id: item.id });
      }
      throw reason('OUTBOX_WRITE_FAILED', (err as Error)?.message);
    }
  }

  async remove(id: string): Promise<void> {
    if (!this.ids.delete(id)) return;
    this.durable.delete(id);
    const i = this.items.findIndex((x) => x.id === id);
    if (i >= 0) this.items.splice(i, 1);
    this.ops.push({ op: 'del', id });
    await this.persist();
  }

  /**
   * Coalesces saves: callers during a write share the next one, and so do callers in the
   * same turn before the first write starts (it starts a microtask later): a burst of
   * sends (Promise.all, a pasted list) is one append + fsync, not one for the first
   * message and one for the rest.
   */
  persist(): Promise<void> {
    this.dirty = true;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.writing) this.writing = Promise.resolve().then(() => this.drain());
    return done;
  }

  private async drain(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      const waiters = this.waiters;
      const ops = this.ops;
      this.waiters = [];
      this.ops = [];
      try {
        await this.store.commit(ops, this.items.slice());
        waiters.forEach((w) => w.resolve());
      } catch (err) {
        waiters.forEach((w) => w.reject(err));
      }
    }
    this.writing = undefined;
  }
}
