/**
 * Conversations in this process's memory, beside MemoryRoomStore. With a data dir every
 * change is appended to `conversations.jsonl` before it answers, and the file is rewritten
 * as a snapshot when the journal has grown well past it, so a restart keeps rooms, members,
 * DMs and read markers.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ConversationMeta, ConversationStore } from './conversation-store';

type Change =
  | { op: 'create'; meta: ConversationMeta }
  | { op: 'add' | 'remove'; id: string; user: string }
  | { op: 'read'; id: string; user: string; seq: number }
  | { op: 'receipts'; user: string; share: boolean };

export class MemoryConversationStore implements ConversationStore {
  private readonly conversations = new Map<string, ConversationMeta>();
  private readonly byUser = new Map<string, Set<string>>();
  private readonly dms = new Map<string, string>();
  private readonly reads = new Map<string, Map<string, number>>();
  /** Users who turned sharing their read status off. */
  private readonly notSharing = new Set<string>();
  private readonly file: string | undefined;
  private journaled = 0;

  constructor(dataDir?: string) {
    if (!dataDir) return;
    mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, 'conversations.jsonl');
    this.load();
  }

  get(id: string): ConversationMeta | undefined {
    const meta = this.conversations.get(id);
    return meta && { ...meta, members: [...meta.members] };
  }

  ofUser(user: string): ConversationMeta[] {
    return [...(this.byUser.get(user) ?? [])].flatMap((id) => this.get(id) ?? []);
  }

  publicRooms(): ConversationMeta[] {
    return [...this.conversations.values()].filter((c) => c.kind === 'room').map((c) => ({ ...c, members: [...c.members] }));
  }

  create(meta: ConversationMeta): ConversationMeta {
    const existing = this.get(meta.id);
    if (existing) return existing;
    this.record({ op: 'create', meta });
    return this.get(meta.id)!;
  }

  dm(a: string, b: string, fresh: ConversationMeta): ConversationMeta {
    const existing = this.dms.get(pairKey(a, b));
    if (existing !== undefined) return this.get(existing)!;
    return this.create(fresh);
  }

  addMember(id: string, user: string): boolean {
    const meta = this.conversations.get(id);
    if (!meta) return false;
    if (!meta.members.includes(user)) this.record({ op: 'add', id, user });
    return true;
  }

  removeMember(id: string, user: string): void {
    if (this.conversations.get(id)?.members.includes(user)) this.record({ op: 'remove', id, user });
  }

  readMarkers(user: string): Record<string, number> {
    return Object.fromEntries(this.reads.get(user) ?? []);
  }

  markRead(user: string, id: string, seq: number): number {
    const now = this.reads.get(user)?.get(id) ?? 0;
    if (seq <= now) return now;
    this.record({ op: 'read', id, user, seq });
    return seq;
  }

  markersIn(id: string, users: readonly string[]): Record<string, number> {
    return Object.fromEntries(users.map((u) => [u, this.reads.get(u)?.get(id) ?? 0]));
  }

  setReceipts(user: string, share: boolean): void {
    if (share === !this.notSharing.has(user)) return;
    this.record({ op: 'receipts', user, share });
  }

  receiptsOff(users: readonly string[]): string[] {
    return users.filter((u) => this.notSharing.has(u));
  }

  close(): void {}

  /** Journals the change (when durable), then applies it: a failed write changes nothing. */
  private record(change: Change): void {
    if (this.file) {
      appendFileSync(this.file, JSON.stringify(change) + '\n');
      this.journaled += 1;
    }
    this.apply(change);
    if (this.file && this.journaled > 1_000 + 4 * this.conversations.size) this.compact();
  }

  private apply(change: Change): void {
    switch (change.op) {
      case 'create': {
        const meta = { ...change.meta, members: [...new Set(change.meta.members)] };
        this.conversations.set(meta.id, meta);
        for (const user of meta.members) this.indexMember(meta.id, user);
        if (meta.kind === 'dm' && meta.members.length === 2) this.dms.set(pairKey(meta.members[0]!, meta.members[1]!), meta.id);
        return;
      }
      case 'add': {
        const meta = this.conversations.get(change.id);
        if (!meta || meta.members.includes(change.user)) return;
        meta.members.push(change.user);
        this.indexMember(change.id, change.user);
        return;
      }
      case 'remove': {
        const meta = this.conversations.get(change.id);
        if (!meta) return;
        meta.members = meta.members.filter((m) => m !== change.user);
        this.byUser.get(change.user)?.delete(change.id);
        return;
      }
      case 'receipts':
        if (change.share) this.notSharing.delete(change.user);
        else this.notSharing.add(change.user);
        return;
      case 'read': {
        let marks = this.reads.get(change.user);
        if (!marks) this.reads.set(change.user, (marks = new Map()));
        marks.set(change.id, Math.max(marks.get(change.id) ?? 0, change.seq));
        return;
      }
    }
  }

  private indexMember(id: string, user: string): void {
    let ids = this.byUser.get(user);
    if (!ids) this.byUser.set(user, (ids = new Set()));
    ids.add(id);
  }

  private load(): void {
    if (!this.file || !existsSync(this.file)) return;
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        this.apply(JSON.parse(line) as Change);
      } catch {
        // A torn last line after a crash: everything before it is still good.
      }
    }
  }

  /** Rewrites the journal as the state it describes, atomically. */
  private compact(): void {
    if (!this.file) return;
    const lines: string[] = [];
    for (const meta of this.conversations.values()) lines.push(JSON.stringify({ op: 'create', meta }));
    for (const [user, marks] of this.reads) for (const [id, seq] of marks) lines.push(JSON.stringify({ op: 'read', id, user, seq }));
    for (const user of this.notSharing) lines.push(JSON.stringify({ op: 'receipts', user, share: false }));
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, lines.join('\n') + '\n');
    renameSync(tmp, this.file);
    this.journaled = 0;
  }
}

/** The DM index key of two users, the same in either order. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}\0${b}` : `${b}\0${a}`;
}
