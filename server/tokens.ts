/**
 * Token → user table for the reference server. Sources (server/users.ts loadUsers reads
 * them): a users file (tokens stored as `sha256:<hex>`), an old plain file (JSON object
 * `{"token": "user"}` or lines `token user`) and/or the env var UOS_CHAT_TOKENS
 * (`token:user,token:user`). Plain tokens are hashed when loaded: the server's table holds no token.
 */
import { createHash } from 'node:crypto';

/**
 * Who a token belongs to. A plain `Map<string, string>` (token → user) is one, as the tests
 * use; the server's own is a `HashedTokenTable`. `values()` yields the users the tokens name.
 */
export interface TokenTable {
  get(token: string): string | undefined;
  readonly size: number;
  values(): Iterable<string>;
}

/** How a token is stored: `sha256:` and the hex SHA-256 of the token string (UTF-8). */
export function hashToken(token: string): string {
  return `sha256:${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}

export const HASHED_TOKEN = /^sha256:[0-9a-f]{64}$/;

/** Tokens known by their hashes only: get() hashes the offered token and looks the hash up. */
export class HashedTokenTable implements TokenTable {
  private readonly byHash = new Map<string, string>();

  /** `hash` as hashToken() writes it; a later entry for the same hash wins. */
  setHash(hash: string, user: string): void {
    if (!HASHED_TOKEN.test(hash)) throw new Error(`not a token hash: ${JSON.stringify(hash.slice(0, 80))}`);
    this.byHash.set(hash, user);
  }

  setPlain(token: string, user: string): void {
    this.byHash.set(hashToken(token), user);
  }

  get(token: string): string | undefined {
    return token ? this.byHash.get(hashToken(token)) : undefined;
  }

  get size(): number {
    return this.byHash.size;
  }

  values(): Iterable<string> {
    return this.byHash.values();
  }
}

export function parseTokens(text: string, source: string): Map<string, string> {
  const table = new Map<string, string>();
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let obj: unknown;
    try {
      obj = JSON.parse(trimmed);
    } catch (err) {
      throw new Error(`${source}: not valid JSON (${(err as Error).message})`, { cause: err });
    }
    for (const [token, user] of Object.entries(obj as Record<string, unknown>)) {
      if (typeof user !== 'string' || !token) throw new Error(`${source}: token entries must map a token to a user name`);
      table.set(token, user);
    }
    return table;
  }
  trimmed.split(/\r?\n/).forEach((line, i) => {
    const l = line.trim();
    if (!l || l.startsWith('#')) return;
    const [token, user] = l.split(/\s+/);
    if (!token || !user) throw new Error(`${source}:${i + 1}: expected "token user"`);
    table.set(token, user);
  });
  return table;
}

export function parseTokenEnv(value: string): Map<string, string> {
  const table = new Map<string, string>();
  for (const pair of value.split(',')) {
    const at = pair.lastIndexOf(':');
    if (at <= 0) throw new Error('UOS_CHAT_TOKENS: expected token:user[,token:user…]');
    table.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  return table;
}
