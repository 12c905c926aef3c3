/**
 * The outbox on disk: JSON Lines, written atomically (temp file, fsync,
 * rename), so a crash leaves either the old or the new queue, never half.
 * A damaged file does not stop the app: readable lines are kept, the rest
 * is copied aside next to it and reported.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { reason } from '../common/errors';
import { isOutboxItem, type OutboxItem, type OutboxLoad, type OutboxStore } from './outbox';

const HEADER = JSON.stringify({ format: 'uos-chat-outbox', version: 1 });

export async function writeFileAtomic(file: string, data: string, mode = 0o600): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const handle = await fs.open(tmp, 'w', mode);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
}

export class FileOutboxStore implements OutboxStore {
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
    const items: OutboxItem[] = [];
    const bad: string[] = [];
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '' || (i === 0 && line === HEADER)) return;
      try {
        const value: unknown = JSON.parse(line);
        if (isOutboxItem(value)) items.push({ id: value.id, text: value.text, createdAt: value.createdAt });
        else bad.push(line);
      } catch {
        bad.push(line);
      }
    });
    if (bad.length === 0) return { items };
    const aside = `${this.file}.corrupt-${this.now()}`;
    await fs.writeFile(aside, bad.join('\n') + '\n', { mode: 0o600 });
    return {
      items,
      problem: reason(
        'OUTBOX_CORRUPT',
        `${this.file}: ${bad.length} unreadable line(s) set aside in ${aside}; ${items.length} message(s) kept`,
      ),
    };
  }

  async save(items: readonly OutboxItem[]): Promise<void> {
    const body = [HEADER, ...items.map((i) => JSON.stringify(i))].join('\n') + '\n';
    await writeFileAtomic(this.file, body);
  }
}
