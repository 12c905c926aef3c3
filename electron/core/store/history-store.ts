/**
 * The local history of one account (server, identity, room): every entry the person
 * was shown and the resume point. The timeline writes through it; a window's pages,
 * search and the snapshot after a restart read from it. history-sqlite.ts is the one
 * implementation (node:sqlite); the interface keeps the timeline free of SQL.
 *
 * Synchronous on purpose: node:sqlite answers at once, so the timeline deduplicates a
 * frame against the store in the same tick it arrives, as it does against its memory.
 */
import type { LogEntry, MessageEntry, OlderEntries } from '../../common/contract';
import type { Reason } from '../../common/errors';

/** Where the server's numbering stood: `lastSeq` is sent as `since`; `epoch` is bumped when the numbering started over. */
export interface ResumePoint {
  lastSeq: number | undefined;
  epoch: number;
}

export interface HistoryBounds {
  /** Newest this many entries are kept (200,000). */
  maxMessages: number;
  /** And at most this many bytes of database pages (200 MB). */
  maxBytes: number;
}

/** The first stored entry's order: far from 0, so that pages of older history fit below it (orders stay ≥ 0 for IPC). */
export const FIRST_ORDER = 2 ** 40;

export const defaultHistoryBounds: HistoryBounds = { maxMessages: 200_000, maxBytes: 200 * 1024 * 1024 };

export interface HistoryStore {
  /** Where the file is (for messages and diagnostics). */
  readonly file: string;
  resume(): ResumePoint;
  /** Inserts or replaces entries by key (their `order` is their place) and moves the resume point, in one transaction. */
  put(entries: readonly LogEntry[], resume?: ResumePoint): void;
  get(key: string): LogEntry | undefined;
  /** The newest stored message with this seq (an edit or recall names its message by seq). */
  bySeq(seq: number): MessageEntry | undefined;
  /**
   * Makes sure the text an edit or recall replaced is gone from the file, not only from view:
   * nothing of it in freed pages, the search index or the write-ahead log.
   */
  scrub(): void;
  /** The newest `limit` entries, oldest first. */
  newest(limit: number): OlderEntries;
  /** Up to `limit` entries with an order below `before`, oldest first. */
  before(before: number, limit: number): OlderEntries;
  /** The highest order stored (new entries go after it); undefined when empty. */
  lastOrder(): number | undefined;
  /**
   * Messages older than everything stored (a page from the server): placed before the
   * oldest entry, newest nearest to it; ones already stored (by key) are skipped. Returns those added.
   */
  addOlder(messages: readonly MessageEntry[]): LogEntry[];
  /** The lowest seq stored: where a page from the server ends. */
  oldestSeq(): number | undefined;
  /** Entries cleared or pruned below this seq are not fetched from the server again. */
  floorSeq(): number;
  /** Messages whose text contains `text` (any case for Latin letters), newest first. */
  search(text: string, limit: number): MessageEntry[];
  /** Forgets every entry (the resume point stays, so nothing cleared comes back by itself). */
  clear(): void;
  close(): void;
}

/** How opening went: the store, and a problem when the file was damaged and set aside. */
export interface OpenedHistory {
  store: HistoryStore;
  problem?: Reason;
}
