/**
 * The account is the unit of state: server URL (without query) + who we are there + room.
 * "Who we are" is the user id the server reported for this token (connection_status),
 * or the token's hash until it has reported one. Each account has its own directory
 * `<base>/accounts/<key>/` (0700) with `outbox.jsonl` and `history.sqlite` (0600), so a
 * message is only ever sent to the account it was written for: changing the server or
 * token switches to another directory, and what waits in the old one stays there until
 * that account is used again (or is discarded: `leftovers`, `discard`).
 *
 * Tokens are never written: only their SHA-256 (in `identities.json`, to map a token
 * to the user id it was reported as).
 */
import { createHash } from 'node:crypto';
import { promises as fs, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from './atomic-file';
import { openHistory } from './history-salvage';
import type { HistoryBounds, OpenedHistory } from './history-store';
import { FileOutboxStore } from './outbox-file';
import type { OutboxItem, OutboxStore } from './outbox';
import { redactUrl } from '../connection/socket-errors';

/** What the client is configured with. */
export interface AccountRef {
  url: string;
  token?: string;
}

export interface Account {
  key: string;
  /** The server without query or credentials: `wss://chat.example.com/ws/chat/`. */
  server: string;
  /** `user:<id>` once the server said who the token is, `token:<hash prefix>` before. */
  identity: string;
  room: string;
  dir: string;
  /** With a user identity: the directory this token had before the server said who it is (adopted on open). */
  tokenDir?: string;
}

/** Messages waiting for an account that is not the current one (the window's "2 messages waiting for chat.example.com"). */
export interface Leftover {
  key: string;
  server: string;
  /** The user id, when the server reported one for that account. */
  user?: string;
  room: string;
  count: number;
}

/** What ChatClient needs of the accounts: resolve one, open its stores, and the leftovers of the others. */
export interface AccountStores {
  resolve(ref: AccountRef): Account;
  open(account: Account): Promise<{ outbox: OutboxStore; history: OpenedHistory }>;
  /** The server reported `user` for this token: the next resolve of `ref` uses the user's account. */
  identified(ref: AccountRef, user: string): void;
  leftovers(exceptKey: string): Promise<Leftover[]>;
  /** Deletes the waiting messages of another account; resolves with how many. */
  discard(key: string): Promise<number>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The account's place, without the token: scheme, host, port and path; the room from `?room=`. */
export function accountPlace(url: string): { server: string; room: string } {
  const u = new URL(url);
  const room = u.searchParams.get('room') || 'lobby';
  return { server: redactUrl(`${u.protocol}//${u.host}${u.pathname}`), room };
}

export interface AccountDirectoryOptions {
  /** The app's data directory (or the CLI's --data-dir). */
  base: string;
  bounds?: HistoryBounds;
  now?: () => number;
  /** A pre-accounts outbox (one file for every server): moved into the first account resolved. */
  legacyOutbox?: string;
}

export class AccountDirectory implements AccountStores {
  private readonly root: string;
  private readonly identitiesFile: string;
  private identities: Record<string, string>;

  constructor(private readonly options: AccountDirectoryOptions) {
    this.root = path.join(options.base, 'accounts');
    this.identitiesFile = path.join(this.root, 'identities.json');
    this.identities = readIdentities(this.identitiesFile);
  }

  resolve(ref: AccountRef): Account {
    const { server, room } = accountPlace(ref.url);
    const tokenHash = sha256(ref.token ?? '');
    const user = this.identities[`${server}\n${tokenHash}\n${room}`];
    const identity = user !== undefined ? `user:${user}` : `token:${tokenHash.slice(0, 16)}`;
    const dirOf = (who: string) => path.join(this.root, sha256(`${server}\n${who}\n${room}`).slice(0, 24));
    const dir = dirOf(identity);
    return {
      key: path.basename(dir),
      server,
      identity,
      room,
      dir,
      ...(user !== undefined ? { tokenDir: dirOf(`token:${tokenHash.slice(0, 16)}`) } : {}),
    };
  }

  /**
   * Where the account's files are now: its own directory, or, until a client opens it again, the token's
   * directory it will adopt (what was kept before the server said who the token is). For readers that move nothing.
   */
  filesOf(account: Account): string {
    return this.adopts(account) ? account.tokenDir! : account.dir;
  }

  async open(account: Account): Promise<{ outbox: OutboxStore; history: OpenedHistory }> {
    // The server has said who this token is: its directory becomes the user's, unless the user has one
    // already (another token of theirs); then it stays, and its waiting messages are among the leftovers.
    if (this.adopts(account)) renameSync(account.tokenDir!, account.dir);
    mkdirSync(account.dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(
      path.join(account.dir, 'account.json'),
      JSON.stringify({ server: account.server, identity: account.identity, room: account.room }) + '\n',
    );
    const outbox = new FileOutboxStore(path.join(account.dir, 'outbox.jsonl'), this.options.now);
    await this.adoptLegacyOutbox(outbox);
    const history = openHistory(path.join(account.dir, 'history.sqlite'), {
      ...(this.options.bounds ? { bounds: this.options.bounds } : {}),
      ...(this.options.now ? { now: this.options.now } : {}),
    });
    return { outbox, history };
  }

  /** The server has said who this token is, and the user has no directory of their own yet. */
  private adopts(account: Account): boolean {
    return account.tokenDir !== undefined && existsSync(account.tokenDir) && !existsSync(account.dir);
  }

  identified(ref: AccountRef, user: string): void {
    const { server, room } = accountPlace(ref.url);
    const tokenHash = sha256(ref.token ?? '');
    const id = `${server}\n${tokenHash}\n${room}`;
    if (this.identities[id] === user) return;
    this.identities = { ...this.identities, [id]: user };
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
    // Best effort: without it the token keeps its own account, which is safe (only less shared).
    void writeFileAtomic(this.identitiesFile, JSON.stringify(this.identities) + '\n').catch(() => undefined);
  }

  async leftovers(exceptKey: string): Promise<Leftover[]> {
    const out: Leftover[] = [];
    for (const key of await fs.readdir(this.root).catch(() => [] as string[])) {
      if (key === exceptKey || !/^[0-9a-f]{24}$/.test(key)) continue;
      const items = await waiting(path.join(this.root, key));
      if (items.length === 0) continue;
      const info = readJson(path.join(this.root, key, 'account.json')) as { server?: string; identity?: string; room?: string } | undefined;
      const user = info?.identity?.startsWith('user:') ? info.identity.slice(5) : undefined;
      out.push({
        key,
        server: info?.server ?? '?',
        ...(user !== undefined ? { user } : {}),
        room: info?.room ?? 'lobby',
        count: items.length,
      });
    }
    return out;
  }

  async discard(key: string): Promise<number> {
    if (!/^[0-9a-f]{24}$/.test(key)) return 0;
    const dir = path.join(this.root, key);
    const count = (await waiting(dir)).length;
    await fs.rm(path.join(dir, 'outbox.jsonl'), { force: true });
    return count;
  }

  private async adoptLegacyOutbox(outbox: FileOutboxStore): Promise<void> {
    const legacy = this.options.legacyOutbox;
    if (!legacy || !existsSync(legacy)) return;
    const old = await new FileOutboxStore(legacy, this.options.now).load();
    const mine = await outbox.load();
    const ids = new Set(mine.items.map((i) => i.id));
    const items: OutboxItem[] = [...mine.items, ...old.items.filter((i) => !ids.has(i.id))];
    await outbox.commit([], items);
    await fs.rename(legacy, `${legacy}.migrated-${(this.options.now ?? Date.now)()}`);
  }
}

async function waiting(dir: string): Promise<readonly OutboxItem[]> {
  const file = path.join(dir, 'outbox.jsonl');
  if (!existsSync(file)) return [];
  return (await new FileOutboxStore(file).load()).items;
}

function readIdentities(file: string): Record<string, string> {
  const value = readJson(file);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
