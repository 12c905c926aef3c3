/**
 * The outbox on disk: an append-only journal of JSON lines — a queued message
 * is its item `{"id","text","createdAt"}`, an acked one `{"del":"id"}` —
 * appended and fsynced before the caller is told it is queued. When the
 * journal has grown well past the live queue it is compacted atomically
 * (temp file, fsync, rename), so a crash leaves the old or the new file, never half.
 * A damaged file does not stop the app: readable lines are kept, the rest is
 * copied aside next to it and reported.
 */
import { promises as fs } from 'node:fs';
import { reason } from '../../common/errors';
import { writeFileAtomic } from './atomic-file';
import { isOutboxItem, type OutboxItem, type OutboxLoad, type OutboxOp, type OutboxStore } from './outbox';

const HEADER = JSON.stringify({ format: 'uos-chat-outbox', version: 1 });

function serialize(items: readonly OutboxItem[]): string {
  return [HEADER, ...items.map((i) => JSON.stringify({ id: i.id, text: i.text, createdAt: i.createdAt }))].join('\n') + '\n';
}

export class FileOutboxStore implements OutboxStore {
  /** Lines in the journal after the header; compaction resets it. */
  private records = 0;
  private exists = false;

  constructor(
    readonly file: string,
    private readonly now: () => number = Date.now,
  ) {}

  async load(): Promise<OutboxLoad> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { items: [] };
      return { items: [], problem: reason('OUTBOX_CORRUPT', `${this.file}: ${(err as Error).message}`) };
    }
    this.exists = true;
    const queue = new Map<string, OutboxItem>();
    const bad: string[] = [];
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '' || (i === 0 && line === HEADER)) return;
      this.records += 1;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        bad.push(line);
        return;
      }
      const del = (value as { del?: unknown } | null)?.del;
      if (typeof del === 'string') queue.delete(del);
      else if (isOutboxItem(value)) queue.set(value.id, { id: value.id, text: value.text, createdAt: value.createdAt });
      else bad.push(line);
    });
    const items = [...queue.values()];
    if (bad.length === 0) return { items };
    const aside = `${this.file}.corrupt-${this.now()}`;
    await fs.writeFile(aside, bad.join('\n') + '\n', { mode: 0o600 });
    await this.rewrite(items); // the journal is clean again; the damaged lines live on in `aside`
    return {
      items,
      problem: reason(
        'OUTBOX_CORRUPT',
        `${this.file}: ${bad.length} unreadable line(s) set aside in ${aside}; ${items.length} message(s) kept`,
      ),
    };
  }

  async commit(ops: readonly OutboxOp[], items: readonly OutboxItem[]): Promise<void> {
    if (!this.exists || this.records + ops.length > 2 * items.length + 1000) {
      await this.rewrite(items);
      return;
    }
    const lines = ops.map((o) => (o.op === 'add' ? JSON.stringify(o.item) : JSON.stringify({ del: o.id }))).join('\n') + '\n';
    const handle = await fs.open(this.file, 'a', 0o600);
    try {
      await handle.write(lines);
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.records += ops.length;
  }

  private async rewrite(items: readonly OutboxItem[]): Promise<void> {
    await writeFileAtomic(this.file, serialize(items));
    this.records = items.length;
    this.exists = true;
  }
}
