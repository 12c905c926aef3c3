/**
 * The history store in SQLite, through Node's built-in `node:sqlite` (Node 22.5+; Electron
 * 40+ embeds Node 24, so no native module). One database file per account, 0600.
 *
 * - `entries`: one row per entry, `pos` = the entry's `order` (new ones after the newest,
 *   pages fetched from the server before the oldest), `key` unique (dedup), `seq`, the text,
 *   and the entry as JSON. `entries_fts`: FTS5 with the `trigram` tokenizer over the text,
 *   so a Chinese substring of 3+ characters is found by MATCH; shorter ones by LIKE.
 * - `meta`: the resume point (last seq, numbering epoch) and the floor below which a
 *   cleared or pruned history is not fetched again.
 * - WAL with synchronous=NORMAL: each put is one transaction; a SIGKILL loses at most the
 *   one being written (the OS keeps what was committed; a power cut may lose the last few).
 * - Bounded: every 1,000 writes the oldest entries go past `maxMessages` or `maxBytes`.
 * A damaged file is set aside (`.corrupt-<time>`), what can still be read is copied into a
 * fresh one, and the problem is reported (history-salvage.ts).
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import * as path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { LogEntry, MessageEntry, OlderEntries } from '../../common/contract';
import { defaultHistoryBounds, FIRST_ORDER, type HistoryBounds, type HistoryStore, type ResumePoint } from './history-store';

const CHECK_BOUNDS_EVERY = 1_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS entries (pos INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, seq INTEGER, text TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS entries_seq ON entries(seq);
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS entries_fts USING fts5(text, content='entries', content_rowid='pos', tokenize='trigram');
CREATE TRIGGER IF NOT EXISTS entries_ai AFTER INSERT ON entries BEGIN
  INSERT INTO entries_fts(rowid, text) VALUES (new.pos, new.text);
END;
CREATE TRIGGER IF NOT EXISTS entries_ad AFTER DELETE ON entries BEGIN
  INSERT INTO entries_fts(entries_fts, rowid, text) VALUES ('delete', old.pos, old.text);
END;
CREATE TRIGGER IF NOT EXISTS entries_au AFTER UPDATE OF text ON entries BEGIN
  INSERT INTO entries_fts(entries_fts, rowid, text) VALUES ('delete', old.pos, old.text);
  INSERT INTO entries_fts(rowid, text) VALUES (new.pos, new.text);
END;`;

interface Row {
  pos: number;
  body: string;
}

/** Creates the directory (0700) and the file (0600) before SQLite does, so neither is readable by others; WAL files inherit the mode. */
export function createPrivateFile(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
}

export class SqliteHistory implements HistoryStore {
  private readonly db: DatabaseSync;
  private readonly stmts: Record<'upsert' | 'get' | 'bySeq' | 'newest' | 'before' | 'meta' | 'setMeta', StatementSync>;
  private writes = 0;

  /** Opens (or creates) the database; throws when the file is not a sound SQLite database. */
  constructor(
    readonly file: string,
    private readonly bounds: HistoryBounds = defaultHistoryBounds,
  ) {
    createPrivateFile(file);
    this.db = new DatabaseSync(file);
    try {
      // secure_delete: a recalled or edited text is overwritten in the file, not left in a freed cell.
      this.db.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=2000; PRAGMA secure_delete=ON;');
      const check = this.db.prepare('PRAGMA quick_check(1)').get() as { quick_check: string } | undefined;
      if (check?.quick_check !== 'ok') throw new Error(`quick_check: ${check?.quick_check ?? 'no answer'}`);
      this.db.exec(SCHEMA);
      // FTS5 drops a deleted text's index entries at once (not at a later merge). Written once, on a
      // file without it: a write at every open would wait on another connection to the same file.
      const secure = this.db.prepare("SELECT v FROM entries_fts_config WHERE k = 'secure-delete'").get() as { v: number } | undefined;
      if (secure?.v !== 1) this.db.exec("INSERT INTO entries_fts(entries_fts, rank) VALUES ('secure-delete', 1)");
      this.stmts = {
        upsert: this.db.prepare(
          'INSERT INTO entries (pos, key, seq, text, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET seq = excluded.seq, text = excluded.text, body = excluded.body',
        ),
        get: this.db.prepare('SELECT pos, body FROM entries WHERE key = ?'),
        // Only messages have a seq (markers are stored with none).
        bySeq: this.db.prepare('SELECT pos, body FROM entries WHERE seq = ? ORDER BY pos DESC LIMIT 1'),
        newest: this.db.prepare('SELECT pos, body FROM entries ORDER BY pos DESC LIMIT ?'),
        before: this.db.prepare('SELECT pos, body FROM entries WHERE pos < ? ORDER BY pos DESC LIMIT ?'),
        meta: this.db.prepare('SELECT v FROM meta WHERE k = ?'),
        setMeta: this.db.prepare('INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v'),
      };
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  resume(): ResumePoint {
    const last = this.meta('last_seq');
    return { lastSeq: last === undefined ? undefined : Number(last), epoch: Number(this.meta('epoch') ?? 0) };
  }

  put(entries: readonly LogEntry[], resume?: ResumePoint): void {
    this.transaction(() => {
      for (const e of entries) this.upsert(e);
      if (resume) this.setResume(resume);
    });
    this.writes += entries.length;
    if (this.writes >= CHECK_BOUNDS_EVERY) {
      this.writes = 0;
      this.enforceBounds();
    }
  }

  get(key: string): LogEntry | undefined {
    const row = this.stmts.get.get(key) as Row | undefined;
    return row ? entryOf(row) : undefined;
  }

  bySeq(seq: number): MessageEntry | undefined {
    const row = this.stmts.bySeq.get(seq) as Row | undefined;
    const entry = row ? entryOf(row) : undefined;
    return entry?.kind === 'message' ? entry : undefined;
  }

  scrub(): void {
    // The write-ahead log still holds the pages as they were: checkpoint it and cut it to nothing.
    this.db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get();
  }

  newest(limit: number): OlderEntries {
    return this.page(this.stmts.newest.all(limit + 1) as unknown as Row[], limit);
  }

  before(before: number, limit: number): OlderEntries {
    return this.page(this.stmts.before.all(before, limit + 1) as unknown as Row[], limit);
  }

  lastOrder(): number | undefined {
    return (this.db.prepare('SELECT max(pos) AS pos FROM entries').get() as { pos: number | null }).pos ?? undefined;
  }

  addOlder(messages: readonly MessageEntry[]): LogEntry[] {
    const added: LogEntry[] = [];
    this.transaction(() => {
      let pos = ((this.db.prepare('SELECT min(pos) AS pos FROM entries').get() as { pos: number | null }).pos ?? FIRST_ORDER) - 1;
      const has = this.db.prepare('SELECT 1 FROM entries WHERE key = ?');
      for (let i = messages.length - 1; i >= 0; i--) {
        const m = messages[i]!;
        if (has.get(m.key)) continue;
        const entry: MessageEntry = { ...m, order: pos-- };
        this.upsert(entry);
        added.unshift(entry);
      }
    });
    return added;
  }

  oldestSeq(): number | undefined {
    return (this.db.prepare('SELECT min(seq) AS seq FROM entries').get() as { seq: number | null }).seq ?? undefined;
  }

  floorSeq(): number {
    return Number(this.meta('floor_seq') ?? 0);
  }

  search(text: string, limit: number): MessageEntry[] {
    const rows =
      [...text].length >= 3
        ? this.db
            .prepare(
              'SELECT e.pos, e.body FROM entries_fts f JOIN entries e ON e.pos = f.rowid WHERE entries_fts MATCH ? ORDER BY e.pos DESC LIMIT ?',
            )
            .all(`"${text.replaceAll('"', '""')}"`, limit)
        : // Trigrams need three characters: '会议' or 'hi' are found by a scan.
          this.db
            .prepare("SELECT pos, body FROM entries WHERE text LIKE ? ESCAPE '\\' ORDER BY pos DESC LIMIT ?")
            .all(`%${text.replace(/[\\%_]/g, '\\$&')}%`, limit);
    return (rows as unknown as Row[]).map(entryOf).filter((e): e is MessageEntry => e.kind === 'message');
  }

  clear(): void {
    this.transaction(() => {
      this.db.exec('DELETE FROM entries');
      this.stmts.setMeta.run('floor_seq', String((this.resume().lastSeq ?? 0) + 1));
    });
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  /** Salvage (history-salvage.ts): rows read from a damaged file, kept as they were. */
  importRows(rows: ReadonlyArray<{ pos: number; body: string }>, resume: ResumePoint): void {
    this.transaction(() => {
      for (const row of rows) {
        try {
          this.upsert(entryOf(row));
        } catch {
          // A row whose JSON did not survive: skipped.
        }
      }
      this.setResume(resume);
    });
  }

  private upsert(e: LogEntry): void {
    const { order, ...body } = e;
    if (order === undefined) throw new Error(`entry ${e.key} has no order`);
    const text = e.kind === 'message' ? e.text : '';
    this.stmts.upsert.run(order, e.key, e.kind === 'message' ? (e.seq ?? null) : null, text, JSON.stringify(body));
  }

  private setResume(resume: ResumePoint): void {
    if (resume.lastSeq !== undefined) this.stmts.setMeta.run('last_seq', String(resume.lastSeq));
    this.stmts.setMeta.run('epoch', String(resume.epoch));
  }

  private meta(key: string): string | undefined {
    return (this.stmts.meta.get(key) as { v: string } | undefined)?.v;
  }

  private page(rowsNewestFirst: Row[], limit: number): OlderEntries {
    const hasOlder = rowsNewestFirst.length > limit;
    return { entries: rowsNewestFirst.slice(0, limit).reverse().map(entryOf), hasOlder };
  }

  private transaction(work: () => void): void {
    this.db.exec('BEGIN');
    try {
      work();
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }

  /** The newest `maxMessages` entries, in at most `maxBytes`: the oldest go first, a tenth more than needed (so this runs rarely). */
  private enforceBounds(): void {
    const { n } = this.db.prepare('SELECT count(*) AS n FROM entries').get() as { n: number };
    let drop = n > this.bounds.maxMessages ? n - this.bounds.maxMessages + Math.ceil(this.bounds.maxMessages / 10) : 0;
    const pages = this.db
      .prepare(
        'SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count()) AS used, (SELECT page_size FROM pragma_page_size()) AS size',
      )
      .get() as { used: number; size: number };
    if (pages.used * pages.size > this.bounds.maxBytes) drop = Math.max(drop, Math.ceil(n / 10));
    if (drop <= 0) return;
    this.transaction(() => {
      const edge = this.db.prepare('SELECT pos, seq FROM entries ORDER BY pos LIMIT 1 OFFSET ?').get(Math.min(drop, n) - 1) as {
        pos: number;
        seq: number | null;
      };
      const top = this.db.prepare('SELECT max(seq) AS seq FROM entries WHERE pos <= ?').get(edge.pos) as { seq: number | null };
      this.db.prepare('DELETE FROM entries WHERE pos <= ?').run(edge.pos);
      if (top.seq !== null) this.stmts.setMeta.run('floor_seq', String(Math.max(this.floorSeq(), top.seq + 1)));
    });
  }
}

function entryOf(row: { pos: number; body: string }): LogEntry {
  return { ...(JSON.parse(row.body) as LogEntry), order: row.pos };
}
