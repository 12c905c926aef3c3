/**
 * The renderer's copy of the log: an array in display order plus a Map
 * key → index, so an update (pending → sent, → failed) replaces its entry in
 * place in O(1) and a batch of new entries is appended. Mutable on purpose:
 * with 100,000 entries we do not copy the array on every push; the React side
 * re-renders on `version`.
 */
import type { LogEntry } from '../../electron/common/contract';

export interface UpsertResult {
  appended: number;
  replaced: number;
}

export class EntryStore {
  private list: LogEntry[] = [];
  private readonly index = new Map<string, number>();
  version = 0;

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

  get(key: string): LogEntry | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.list[i];
  }

  reset(entries: readonly LogEntry[]): void {
    this.list = [];
    this.index.clear();
    this.upsert(entries);
    this.version += 1;
  }

  upsert(entries: readonly LogEntry[]): UpsertResult {
    let appended = 0;
    let replaced = 0;
    for (const e of entries) {
      const i = this.index.get(e.key);
      if (i === undefined) {
        this.index.set(e.key, this.list.length);
        this.list.push(e);
        appended += 1;
      } else {
        this.list[i] = e;
        replaced += 1;
      }
    }
    if (appended + replaced > 0) this.version += 1;
    return { appended, replaced };
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
