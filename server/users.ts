/**
 * The server's user directory: who can be found for a DM or an invite, and by what display
 * name they are @mentioned. Tokens say who a connection is (tokens.ts); this says who exists.
 *
 * The users file (`npm run server -- users add …` writes it; docs/DEPLOY.md):
 * `{"format":"uos-chat-users/1","users":{"alice":{"display":"爱丽丝","tokens":["sha256:…"]}}}`.
 * Tokens are kept only as hashes (tokens.ts hashToken). The old plain token files and
 * UOS_CHAT_TOKENS still load: their tokens are hashed on reading.
 */
import { readFileSync } from 'node:fs';
import { HASHED_TOKEN, HashedTokenTable, hashToken, parseTokenEnv, parseTokens, type TokenTable } from './tokens';

export interface UserInfo {
  id: string;
  display?: string;
}

export interface UserDirectory {
  list(): UserInfo[];
  display(id: string): string | undefined;
  has(id: string): boolean;
}

/** A directory of the users a token table names, without display names (the old plain token files). */
export function directoryFromTokens(tokens: Pick<TokenTable, 'values'>): UserDirectory {
  return directoryOf([...new Set(tokens.values())].map((id) => ({ id })));
}

export function directoryOf(users: readonly UserInfo[]): UserDirectory {
  const byId = new Map(users.map((u) => [u.id, u]));
  const sorted = [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  return {
    list: () => sorted.map((u) => ({ ...u })),
    display: (id) => byId.get(id)?.display,
    has: (id) => byId.has(id),
  };
}

export const USERS_FORMAT = 'uos-chat-users/1';

/** One user of a users file: an optional display name and the hashes of their tokens (none once revoked). */
export interface UserEntry {
  display?: string;
  tokens: string[];
}

export interface UsersFile {
  users: Map<string, UserEntry>;
  /** Read from an old plain format (its tokens hashed on reading); writing it converts the file. */
  plain: boolean;
}

/** Why `name` cannot be a user id (empty, whitespace, control characters, over 64 characters, `,` `@` `/`), or undefined. */
export function badUserName(name: string): string | undefined {
  if (!name) return 'it is empty';
  if (/[\s\p{Z}]/u.test(name)) return 'it contains whitespace';
  if (/[\p{Cc}\p{Cf}]/u.test(name)) return 'it contains control characters';
  if ([...name].length > 64) return 'it is longer than 64 characters';
  const bad = /[,@/]/.exec(name);
  if (bad) return `it contains "${bad[0]}"`;
  return undefined;
}

/** Why `display` cannot be a display name (empty, control characters, over 64 characters), or undefined. */
export function badDisplayName(display: string): string | undefined {
  if (!display.trim()) return 'it is empty';
  if (/[\p{Cc}\p{Cf}]/u.test(display)) return 'it contains control characters';
  if ([...display].length > 64) return 'it is longer than 64 characters';
  return undefined;
}

/** A users file's text in any format (new, old JSON, old lines); errors name `source`. */
export function parseUsersFile(text: string, source: string): UsersFile {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let obj: unknown;
    try {
      obj = JSON.parse(trimmed);
    } catch {
      obj = undefined; // parseTokens says what is wrong with it
    }
    const format = isRecord(obj) ? obj.format : undefined;
    if (typeof format === 'string' && format.startsWith('uos-chat-users/')) return parseNewFormat(obj as Record<string, unknown>, source);
  }
  const users = new Map<string, UserEntry>();
  for (const [token, user] of parseTokens(text, source)) {
    const entry = users.get(user) ?? { tokens: [] };
    entry.tokens.push(hashToken(token));
    users.set(user, entry);
  }
  return { users, plain: true };
}

function parseNewFormat(obj: Record<string, unknown>, source: string): UsersFile {
  if (obj.format !== USERS_FORMAT)
    throw new Error(`${source}: format ${JSON.stringify(obj.format)} is not ${USERS_FORMAT} (a newer server?)`);
  if (!isRecord(obj.users)) throw new Error(`${source}: "users" must be an object of user id → {display, tokens}`);
  const users = new Map<string, UserEntry>();
  const owner = new Map<string, string>();
  for (const [id, value] of Object.entries(obj.users)) {
    const where = `${source}: user ${JSON.stringify(id)}`;
    if (!id || !isRecord(value)) throw new Error(`${where}: expected {"display": "…", "tokens": ["sha256:…"]}`);
    const { display, tokens } = value;
    if (display !== undefined && typeof display !== 'string') throw new Error(`${where}: "display" must be a string`);
    if (!Array.isArray(tokens)) throw new Error(`${where}: "tokens" must be a list`);
    for (const hash of tokens as unknown[]) {
      if (typeof hash !== 'string' || !HASHED_TOKEN.test(hash)) throw new Error(`${where}: tokens must be "sha256:<64 hex digits>"`);
      const other = owner.get(hash);
      if (other !== undefined) throw new Error(`${where}: a token is listed for ${JSON.stringify(other)} too`);
      owner.set(hash, id);
    }
    users.set(id, { ...(display !== undefined ? { display } : {}), tokens: [...(tokens as string[])] });
  }
  return { users, plain: false };
}

/** The file's text in the new format: `{"format":"uos-chat-users/1","users":{…}}`, one user a line. */
export function formatUsersFile(file: UsersFile): string {
  const lines = [...file.users].map(([id, entry]) => {
    const user = { ...(entry.display !== undefined ? { display: entry.display } : {}), tokens: entry.tokens };
    return `    ${JSON.stringify(id)}: ${JSON.stringify(user)}`;
  });
  const users = lines.length ? `{\n${lines.join(',\n')}\n  }` : '{}';
  return `{\n  "format": ${JSON.stringify(USERS_FORMAT)},\n  "users": ${users}\n}\n`;
}

/**
 * What the server runs with: the token table (hashes only) and the directory of users, from
 * `--tokens FILE` in any format plus UOS_CHAT_TOKENS (`token:user,…`; a user it names joins the directory).
 */
export function loadUsers(file: string | undefined, env: string | undefined): { tokens: HashedTokenTable; users: UserDirectory } {
  const tokens = new HashedTokenTable();
  const infos = new Map<string, UserInfo>();
  if (file) {
    for (const [id, entry] of parseUsersFile(readFileSync(file, 'utf8'), file).users) {
      infos.set(id, entry.display !== undefined ? { id, display: entry.display } : { id });
      for (const hash of entry.tokens) tokens.setHash(hash, id);
    }
  }
  if (env) {
    for (const [token, user] of parseTokenEnv(env)) {
      tokens.setPlain(token, user);
      if (!infos.has(user)) infos.set(user, { id: user });
    }
  }
  return { tokens, users: directoryOf([...infos.values()]) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
