/**
 * The renderer's copy of (a window onto) the log: an array in display order plus
 * a Map key → index, so an update (pending → sent, → failed) replaces its entry
 * in place in O(1) and a batch of new entries is appended. Mutable on purpose:
 * with many entries we do not copy the array on every push; the React side
 * re-renders on `version`.
 *
 * It holds a window, not necessarily the whole log: the snapshot is the newest
 * page, older pages are prepended on demand (`prepend`), and while the person
 * follows the bottom the oldest entries are let go again (`trimOldest`) so a
 * flood of messages cannot grow the window (and the virtualizer's O(n) work per
 * change) without bound. Entries carry the core's `order`, which tells a new
 * entry (above our newest: append) from an update to one outside the window
 * (skip: it is fetched fresh when paged in).
 */
import type { LogEntry, MessageEntry, OlderEntries } from '../../electron/common/contract';

export interface UpsertResult {
  appended: number;
  replaced: number;
}

export class EntryStore {
  private list: LogEntry[] = [];
  private readonly index = new Map<string, number>();
  version = 0;
  /** The core has entries older than our first. */
  hasOlder = false;
  /** Entries appended at the bottom since the start (for "new messages ↓"; prepends do not count). */
  appendedTotal = 0;
  private readonly seqIndex = new Map<number, MessageEntry>();
  private seqIndexAt = -1;

  get size(): number {
    return this.list.length;
  }

  at(i: number): LogEntry | undefined {
    return this.list[i];
  }

  keyAt(i: number): string {
    return this.list[i]?.key ?? String(i);
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  /** Where `key` is in the window (undefined: not held). */
  indexOf(key: string): number | undefined {
    return this.index.get(key);
  }

  get(key: string): LogEntry | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.list[i];
  }

  /** The message with this seq in the window (what a reply quotes), by an index made again only after a change. */
  bySeq(seq: number): MessageEntry | undefined {
    if (this.seqIndexAt !== this.version) {
      this.seqIndex.clear();
      for (const e of this.list) if (e.kind === 'message' && e.seq !== undefined) this.seqIndex.set(e.seq, e);
      this.seqIndexAt = this.version;
    }
    return this.seqIndex.get(seq);
  }

  /** The newest own message the server has (↑ in an empty composer edits it); undefined when there is none in the window. */
  newestOwnSent(): MessageEntry | undefined {
    for (let i = this.list.length - 1; i >= 0; i--) {
      const e = this.list[i]!;
      if (e.kind === 'message' && e.own && e.seq !== undefined && !e.recalled && e.delivery === 'sent') return e;
    }
    return undefined;
  }

  /** The cursor for the next older page: the first entry's order (undefined: none known). */
  get oldestOrder(): number | undefined {
    return this.list[0]?.order;
  }

  private get newestOrder(): number | undefined {
    for (let i = this.list.length - 1; i >= 0; i--) {
      const o = this.list[i]!.order;
      if (o !== undefined) return o;
    }
    return undefined;
  }

  reset(entries: readonly LogEntry[], hasOlder = false): void {
    this.list = [];
    this.index.clear();
    this.hasOlder = hasOlder;
    this.upsert(entries);
    this.version += 1;
  }

  upsert(entries: readonly LogEntry[]): UpsertResult {
    let appended = 0;
    let replaced = 0;
    let newest = this.newestOrder;
    for (const e of entries) {
      const i = this.index.get(e.key);
      if (i !== undefined) {
        this.list[i] = e;
        replaced += 1;
        continue;
      }
      // Unknown key at or below our newest order: an update to an entry outside the window.
      if (e.order !== undefined && newest !== undefined && e.order <= newest) continue;
      this.index.set(e.key, this.list.length);
      this.list.push(e);
      if (e.order !== undefined) newest = e.order;
      appended += 1;
    }
    this.appendedTotal += appended;
    if (appended + replaced > 0) this.version += 1;
    return { appended, replaced };
  }

  /** An older page (oldest first) goes in front; keys already held are skipped. */
  prepend(entries: readonly LogEntry[], hasOlder: boolean): number {
    const oldest = this.oldestOrder;
    const fresh = entries.filter((e) => !this.index.has(e.key) && (oldest === undefined || e.order === undefined || e.order < oldest));
    this.hasOlder = hasOlder;
    if (fresh.length > 0) {
      this.list = fresh.concat(this.list);
      this.reindex();
    }
    this.version += 1;
    return fresh.length;
  }

  /** Keeps the newest `keep` entries; the rest can be paged in again. */
  trimOldest(keep: number): number {
    const drop = this.list.length - keep;
    if (drop <= 0) return 0;
    this.list = this.list.slice(drop);
    this.reindex();
    this.hasOlder = true;
    this.version += 1;
    return drop;
  }

  private reindex(): void {
    this.index.clear();
    this.list.forEach((e, i) => this.index.set(e.key, i));
  }
}

/** Why a jump to an entry could not show it: no longer in the log, or further back than we page in for a jump. */
export type PageInResult = 'held' | 'gone' | 'too-far';

/** What became of a jump to a search result: shown in the log, or why not ('superseded': a later jump took over). */
export type JumpOutcome = 'shown' | 'gone' | 'too-far' | 'failed' | 'superseded';

/** Entries per older page while paging towards a jump target (MAX_PAGE in the contract). */
export const JUMP_PAGE = 1_000;
/** Pages paged in for one jump at most: 50,000 entries stay smooth in the virtualized log; further back is said, not tried. */
export const JUMP_MAX_PAGES = 50;

/**
 * Pages older entries into `store` until it holds `target` (a search result). The pages are
 * contiguous with the window (the store holds a window reaching the newest entry, never a
 * hole), so a target far back costs the pages in between, bounded by `maxPages`. A page
 * that no longer fits in front (the log pane paged in one meanwhile) is dropped and asked
 * again from the new front. A failed request rejects.
 */
export async function pageInUntil(
  store: EntryStore,
  target: { key: string; order?: number } | { seq: number },
  fetchOlder: (before: number, limit: number) => Promise<OlderEntries>,
  onPage: () => void,
  maxPages = JUMP_MAX_PAGES,
): Promise<PageInResult> {
  for (let pages = 0; ; pages++) {
    if ('key' in target ? store.has(target.key) : store.bySeq(target.seq)) return 'held';
    const before = store.oldestOrder;
    const order = 'order' in target ? target.order : undefined;
    // Nothing older, or the target's place is inside the window and it is not there: gone (trimmed by the log's bound, cleared).
    if (!store.hasOlder || before === undefined || (order !== undefined && order >= before)) return 'gone';
    if (pages >= maxPages) return 'too-far';
    const page = await fetchOlder(before, JUMP_PAGE);
    if (store.oldestOrder === before) store.prepend(page.entries, page.hasOlder);
    onPage();
  }
}

/** UTF-8 length without allocating for plain ASCII-heavy text. */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 3; // lone surrogate: encoded as U+FFFD
    } else bytes += 3;
  }
  return bytes;
}
