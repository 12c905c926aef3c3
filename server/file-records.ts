/**
 * What the server knows of each attachment: which conversation it was posted in, by whom,
 * its name, size, type and hash. Privacy is decided from these: a file is served only to a
 * member of the conversation it was posted in, by id, and by hash only to a member of a
 * conversation where a file with that hash was posted. Kept in memory and, with a data dir,
 * in an fsynced journal (`files/records.jsonl`), so a restart keeps every attachment. A file of a
 * recalled message is revoked (a journal line `{"revoked":id}`): nobody gets it any more, by id or
 * by hash, and it no longer counts against its sender's quota.
 */
import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Attachment } from '../protocol/attachments';

export interface FileRecord extends Attachment {
  conv: string;
  user: string;
  sha256: string;
  created: string;
  /** Feature `thumbnails`: the image attachment this one is the thumbnail of. */
  thumbnailOf?: string;
}

/** Async-capable like the room store (a shared store answers later). */
export interface FileRecords {
  get(id: string): Promise<FileRecord | undefined>;
  add(record: FileRecord): Promise<void>;
  /** Every attachment with these bytes (to decide a download by hash). */
  withHash(sha256: string): Promise<FileRecord[]>;
  /** Bytes of attachments this user has stored. */
  usage(user: string): Promise<number>;
  /** The latest thumbnail recorded for this attachment. */
  thumbnailOf(id: string): Promise<string | undefined>;
  /** The message that carried them was recalled: from now on they are as if never posted (their thumbnails too). */
  revoke(ids: readonly string[]): Promise<void>;
  /** Lets go of a connection (a shared store). */
  close?(): void;
}

export class MemoryFileRecords implements FileRecords {
  private readonly byId = new Map<string, FileRecord>();
  private readonly byHash = new Map<string, Set<string>>();
  private readonly used = new Map<string, number>();
  private readonly thumbnails = new Map<string, string>();
  private readonly journal: string | undefined;

  constructor(dir?: string) {
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    this.journal = path.join(dir, 'records.jsonl');
    this.load(this.journal);
  }

  async get(id: string): Promise<FileRecord | undefined> {
    return this.byId.get(id);
  }

  async add(record: FileRecord): Promise<void> {
    this.append([record]);
    this.remember(record);
  }

  async thumbnailOf(id: string): Promise<string | undefined> {
    return this.thumbnails.get(id);
  }

  async revoke(ids: readonly string[]): Promise<void> {
    const withThumbnails = ids.flatMap((id) => [id, ...(this.thumbnails.has(id) ? [this.thumbnails.get(id)!] : [])]);
    const known = withThumbnails.filter((id) => this.byId.has(id));
    this.append(known.map((revoked) => ({ revoked })));
    known.forEach((id) => this.forget(id));
  }

  private append(lines: readonly object[]): void {
    if (!this.journal || lines.length === 0) return;
    const fd = openSync(this.journal, 'a', 0o600);
    try {
      appendFileSync(fd, lines.map((l) => JSON.stringify(l) + '\n').join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  private forget(id: string): void {
    const r = this.byId.get(id);
    if (!r) return;
    this.byId.delete(id);
    if (r.thumbnailOf !== undefined && this.thumbnails.get(r.thumbnailOf) === id) this.thumbnails.delete(r.thumbnailOf);
    this.byHash.get(r.sha256)?.delete(id);
    this.used.set(r.user, Math.max(0, (this.used.get(r.user) ?? 0) - r.size));
  }

  async withHash(sha256: string): Promise<FileRecord[]> {
    return [...(this.byHash.get(sha256) ?? [])].map((id) => this.byId.get(id)!);
  }

  async usage(user: string): Promise<number> {
    return this.used.get(user) ?? 0;
  }

  private remember(r: FileRecord): void {
    if (this.byId.has(r.id)) return;
    this.byId.set(r.id, r);
    if (r.thumbnailOf !== undefined) this.thumbnails.set(r.thumbnailOf, r.id);
    const ids = this.byHash.get(r.sha256) ?? new Set<string>();
    ids.add(r.id);
    this.byHash.set(r.sha256, ids);
    this.used.set(r.user, (this.used.get(r.user) ?? 0) + r.size);
  }

  /** A torn last line (a crash mid-append) is skipped: its upload was never answered as done. */
  private load(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return;
    }
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const entry = JSON.parse(line) as FileRecord | { revoked: string };
        if ('revoked' in entry) this.forget(entry.revoked);
        else this.remember(entry);
      } catch {
        // skipped, see above
      }
    }
  }
}
