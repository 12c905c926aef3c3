/**
 * Token → user table for the reference server. Sources: a file (JSON object
 * `{"token": "user"}` or lines `token user`) and/or the env var
 * UOS_CHAT_TOKENS (`token:user,token:user`).
 */
import { readFileSync } from 'node:fs';

export type TokenTable = Map<string, string>;

export function parseTokens(text: string, source: string): TokenTable {
  const table: TokenTable = new Map();
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

export function parseTokenEnv(value: string): TokenTable {
  const table: TokenTable = new Map();
  for (const pair of value.split(',')) {
    const at = pair.lastIndexOf(':');
    if (at <= 0) throw new Error('UOS_CHAT_TOKENS: expected token:user[,token:user…]');
    table.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  return table;
}

export function loadTokens(file: string | undefined, env: string | undefined): TokenTable {
  const table: TokenTable = new Map();
  if (file) for (const [t, u] of parseTokens(readFileSync(file, 'utf8'), file)) table.set(t, u);
  if (env) for (const [t, u] of parseTokenEnv(env)) table.set(t, u);
  return table;
}
