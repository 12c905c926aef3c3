/**
 * What the window remembers of an account's conversations between runs, in
 * `<userData>/desk.json` (0600): the one it showed last, the list as last seen (so the sidebar
 * paints before any network), a notification level per conversation, and unsent drafts.
 * An account is the server (without query) and the token's hash: tokens are never written.
 *
 * Saving is coalesced: a change schedules one write `saveDelayMs` later (a burst of messages
 * moves the list many times a second), and settled() writes what is pending now (quitting).
 * A missing or corrupt file is an empty memory, never an error that stops the window.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ConversationInfo } from '../../../protocol';
import { MAX_DRAFT_CHARS } from '../../common/ipc-args';
import type { NotifyLevel } from '../../common/ipc-types';
import { systemClock, type Clock, type TimerHandle } from '../base/clock';
import type { AccountRef } from '../store/accounts';
import { writeFileAtomic } from '../store/atomic-file';

export interface DeskRecord {
  current?: string;
  /** The list as last seen, for the first paint (counts as they were then). */
  list?: ConversationInfo[];
  /** The user id the server greeted us as (a DM's name is the other member). */
  user?: string;
  notify?: Record<string, NotifyLevel>;
  drafts?: Record<string, string>;
}

/** One account's record: the desk reads it and changes parts of it. */
export interface DeskMemoryPort {
  get(): DeskRecord;
  update(patch: Partial<DeskRecord>): void;
}

const LEVELS: ReadonlySet<string> = new Set<NotifyLevel>(['all', 'mentions', 'muted']);
const MAX_LIST = 2_000;

export interface DeskMemoryOptions {
  file: string;
  clock?: Clock;
  saveDelayMs?: number;
  log?: (line: string) => void;
}

export class DeskMemory {
  private accounts: Record<string, DeskRecord> = {};
  private timer: TimerHandle | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly clock: Clock;

  private constructor(private readonly o: DeskMemoryOptions) {
    this.clock = o.clock ?? systemClock;
  }

  static async open(o: DeskMemoryOptions): Promise<DeskMemory> {
    const memory = new DeskMemory(o);
    const text = await readFile(o.file, 'utf8').catch(() => undefined);
    if (text !== undefined) memory.accounts = parseMemory(text, (why) => o.log?.(`desk memory: ${why}; starting empty`));
    return memory;
  }

  /** The record of the account `ref` names (the server URL's room and query do not matter). */
  for(ref: AccountRef): DeskMemoryPort {
    const key = accountKey(ref);
    return {
      get: () => this.accounts[key] ?? {},
      update: (patch) => {
        this.accounts[key] = bounded({ ...this.accounts[key], ...patch });
        this.schedule();
      },
    };
  }

  /** Writes what is pending now; resolves once every write so far has finished. */
  settled(): Promise<void> {
    if (this.timer) {
      this.timer.cancel();
      this.timer = undefined;
      this.save();
    }
    return this.writing;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.save();
    }, this.o.saveDelayMs ?? 1_000);
  }

  private save(): void {
    const text = `${JSON.stringify({ version: 1, accounts: this.accounts })}\n`;
    this.writing = this.writing
      .then(() => writeFileAtomic(this.o.file, text))
      .catch((err: Error) => this.o.log?.(`desk memory not saved: ${err.message}`));
  }
}

function accountKey(ref: AccountRef): string {
  const u = new URL(ref.url);
  const token = createHash('sha256')
    .update(ref.token ?? '')
    .digest('hex')
    .slice(0, 16);
  return `${u.protocol}//${u.host}${u.pathname}#${token}`;
}

function parseMemory(text: string, problem: (why: string) => void): Record<string, DeskRecord> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    problem('the file is not JSON');
    return {};
  }
  const accounts = (raw as { accounts?: unknown } | null)?.accounts;
  if (!isObject(accounts)) {
    problem('the file has no accounts');
    return {};
  }
  const out: Record<string, DeskRecord> = {};
  for (const [key, value] of Object.entries(accounts)) if (isObject(value)) out[key] = bounded(checkedRecord(value));
  return out;
}

/** Only well-formed parts of a record are kept; a wrong one is dropped, not trusted. */
function checkedRecord(v: Record<string, unknown>): DeskRecord {
  const notify = isObject(v.notify) ? Object.entries(v.notify).filter(([, l]) => typeof l === 'string' && LEVELS.has(l)) : [];
  const drafts = isObject(v.drafts) ? Object.entries(v.drafts).filter(([, d]) => typeof d === 'string') : [];
  const list = Array.isArray(v.list) ? v.list.filter(isConversationInfo) : undefined;
  return {
    ...(typeof v.current === 'string' ? { current: v.current } : {}),
    ...(typeof v.user === 'string' ? { user: v.user } : {}),
    ...(list ? { list } : {}),
    notify: Object.fromEntries(notify) as Record<string, NotifyLevel>,
    drafts: Object.fromEntries(drafts) as Record<string, string>,
  };
}

function bounded(r: DeskRecord): DeskRecord {
  const drafts = r.drafts
    ? Object.fromEntries(
        Object.entries(r.drafts)
          .filter(([, d]) => d !== '')
          .map(([c, d]) => [c, d.slice(0, MAX_DRAFT_CHARS)]),
      )
    : undefined;
  return { ...r, ...(r.list ? { list: r.list.slice(0, MAX_LIST) } : {}), ...(drafts ? { drafts } : {}) };
}

function isConversationInfo(c: unknown): c is ConversationInfo {
  if (!isObject(c)) return false;
  return (
    typeof c.id === 'string' &&
    typeof c.name === 'string' &&
    (c.kind === 'room' || c.kind === 'private' || c.kind === 'dm') &&
    Array.isArray(c.members) &&
    c.members.every((m) => typeof m === 'string') &&
    [c.seq, c.read, c.unread, c.mentions].every((n) => Number.isSafeInteger(n))
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
