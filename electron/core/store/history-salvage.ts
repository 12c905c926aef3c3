/**
 * Opening a history file that may be damaged (a disk error, a truncated copy, another
 * program's write). The app must keep working and lose no more than the damage did:
 * the damaged file (and its WAL) is renamed `<file>.corrupt-<time>`, every row that can
 * still be read from it is copied into a fresh database, and the problem is reported,
 * like the outbox's `.corrupt-<time>` (outbox-file.ts).
 */
import { closeSync, existsSync, openSync, readSync, renameSync, statSync, truncateSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { reason } from '../../common/errors';
import { SqliteHistory } from './history-sqlite';
import { defaultHistoryBounds, type HistoryBounds, type OpenedHistory, type ResumePoint } from './history-store';

export interface OpenHistoryOptions {
  bounds?: HistoryBounds;
  now?: () => number;
}

export function openHistory(file: string, options: OpenHistoryOptions = {}): OpenedHistory {
  const bounds = options.bounds ?? defaultHistoryBounds;
  try {
    return { store: new SqliteHistory(file, bounds) };
  } catch (err) {
    const aside = `${file}.corrupt-${(options.now ?? Date.now)()}`;
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
    const salvaged = salvage(aside);
    const store = new SqliteHistory(file, bounds);
    store.importRows(salvaged.rows, salvaged.resume);
    const detail = `${file}: ${(err as Error).message}; set aside in ${aside}; ${salvaged.rows.length} entr${salvaged.rows.length === 1 ? 'y' : 'ies'} kept`;
    return { store, problem: reason('HISTORY_CORRUPT', detail) };
  }
}

/** Every row that can be read, from both ends (a damaged page in the middle stops one scan, not the other). */
function salvage(file: string): { rows: Array<{ pos: number; body: string }>; resume: ResumePoint } {
  const rows = new Map<number, { pos: number; body: string }>();
  const resume: ResumePoint = { lastSeq: undefined, epoch: 0 };
  let db: DatabaseSync;
  try {
    padToHeaderSize(file);
    db = new DatabaseSync(file, { readOnly: true });
  } catch {
    return { rows: [], resume };
  }
  for (const order of ['ASC', 'DESC']) {
    try {
      for (const row of db.prepare(`SELECT pos, body FROM entries ORDER BY pos ${order}`).iterate()) {
        const r = row as { pos: number; body: string };
        rows.set(r.pos, { pos: r.pos, body: r.body });
      }
    } catch {
      // Stopped at the damage; the other direction reads past it.
    }
  }
  try {
    for (const row of db.prepare('SELECT k, v FROM meta').all() as Array<{ k: string; v: string }>) {
      if (row.k === 'last_seq') resume.lastSeq = Number(row.v);
      if (row.k === 'epoch') resume.epoch = Number(row.v);
    }
  } catch {
    // No resume point: the next connection starts from the server's present.
  }
  try {
    db.close();
  } catch {
    // Nothing to do: it was damaged.
  }
  return { rows: [...rows.values()].sort((a, b) => a.pos - b.pos), resume };
}

/**
 * SQLite refuses a whole file shorter than its header says (a truncated copy). Padded with
 * zeros to that length, only the missing pages are unreadable, and the rest can be salvaged.
 */
function padToHeaderSize(file: string): void {
  const header = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  try {
    if (readSync(fd, header, 0, 100, 0) < 100 || header.toString('latin1', 0, 15) !== 'SQLite format 3') return;
  } finally {
    closeSync(fd);
  }
  const pageSize = header.readUInt16BE(16) === 1 ? 65_536 : header.readUInt16BE(16);
  const expected = pageSize * header.readUInt32BE(28);
  if (statSync(file).size < expected) truncateSync(file, expected);
}
