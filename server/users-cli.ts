/**
 * `npm run -s server -- users add NAME --tokens FILE [--display "名字"]` | `users list --tokens FILE`
 * | `users revoke NAME --tokens FILE`. The users file is server/users.ts's format; a file
 * in an old plain format is converted (its tokens hashed, so they keep working) when
 * written. A new token is printed once, alone on the last line of stdout; everything else
 * goes to stderr. The server reads the file when it starts: restart it to apply a change.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fchmodSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { hashToken } from './tokens';
import { badDisplayName, badUserName, formatUsersFile, parseUsersFile, USERS_FORMAT, type UsersFile } from './users';

export const USERS_HELP = `uos-chat-server users: the users file (tokens stored as SHA-256 hashes)

  users add NAME --tokens FILE [--display "名字"]
                      add NAME (or another token for NAME); the new token is
                      printed once, alone on the last line of stdout
  users list --tokens FILE
                      one line per user: id, display name, number of tokens
  users revoke NAME --tokens FILE
                      remove every token of NAME (NAME stays known by name)

A file in an old format ({"token":"user"} or "token user" lines) is converted
to ${USERS_FORMAT} when add or revoke writes it; its tokens keep working.
The server reads the file when it starts: restart it to apply a change.
`;

export interface UsersIo {
  out(text: string): void;
  err(text: string): void;
}

const stdio: UsersIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** A refusal with words; `code` is the exit status (2: the command line, 1: the file or the user). */
class UsersError extends Error {
  constructor(
    message: string,
    readonly code: 1 | 2,
  ) {
    super(message);
  }
}

/** Runs `users …` (argv after `users`); returns the exit status. */
export function runUsers(args: string[], io: UsersIo = stdio): number {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { tokens: { type: 'string' }, display: { type: 'string' }, help: { type: 'boolean', default: false } },
      allowPositionals: true,
    });
    const [command, ...names] = positionals;
    if (values.help || command === 'help') {
      io.out(USERS_HELP);
      return 0;
    }
    dispatch(io, command, names, values);
    return 0;
  } catch (err) {
    io.err(`uos-chat-server users: ${(err as Error).message}\n`);
    if (!(err instanceof UsersError)) io.err('(users --help lists the commands)\n');
    return err instanceof UsersError ? err.code : 2;
  }
}

function dispatch(io: UsersIo, command: string | undefined, names: string[], values: { tokens?: string; display?: string }): void {
  if (values.display !== undefined && command !== 'add') throw new UsersError('--display goes with add', 2);
  if (command === 'add') return add(io, one(names), requiredFile(values.tokens), values.display);
  if (command === 'list') {
    if (names.length) throw new UsersError('list takes no user name', 2);
    return list(io, requiredFile(values.tokens));
  }
  if (command === 'revoke') return revoke(io, one(names), requiredFile(values.tokens));
  throw new UsersError(
    `${command === undefined ? 'give a command' : `unknown command ${JSON.stringify(command)}`}: add, list or revoke`,
    2,
  );
}

function one(names: string[]): string {
  if (names.length !== 1) throw new UsersError(`expected one user name, got ${names.length}`, 2);
  return names[0]!;
}

function requiredFile(file: string | undefined): string {
  if (!file) throw new UsersError('give the users file with --tokens FILE', 2);
  return file;
}

function add(io: UsersIo, name: string, file: string, display: string | undefined): void {
  const bad = badUserName(name);
  if (bad)
    throw new UsersError(
      `cannot use ${JSON.stringify(name)} as a user name: ${bad} (no whitespace, control characters, "," "@" or "/"; 1 to 64 characters)`,
      2,
    );
  const badDisplay = display === undefined ? undefined : badDisplayName(display);
  if (badDisplay) throw new UsersError(`cannot use ${JSON.stringify(display)} as a display name: ${badDisplay}`, 2);
  const data = readUsers(file, true);
  const entry = data.users.get(name) ?? { tokens: [] };
  const token = randomBytes(32).toString('base64url');
  entry.tokens.push(hashToken(token));
  if (display !== undefined) entry.display = display;
  const fresh = !data.users.has(name);
  data.users.set(name, entry);
  writeUsers(io, file, data);
  const count = `${entry.tokens.length} token${entry.tokens.length === 1 ? '' : 's'}`;
  io.err(
    `${fresh ? 'added user' : 'added a token for'} ${name} (${count}) in ${file}; restart the server to apply. The token, shown once:\n`,
  );
  io.out(`${token}\n`);
}

function list(io: UsersIo, file: string): void {
  const data = readUsers(file, false);
  if (data.users.size === 0) io.err(`no users in ${file}\n`);
  for (const [id, entry] of data.users) {
    const n = entry.tokens.length;
    io.out(`${id}\t${entry.display ?? ''}\t${n} token${n === 1 ? '' : 's'}\n`);
  }
}

function revoke(io: UsersIo, name: string, file: string): void {
  const data = readUsers(file, false);
  const entry = data.users.get(name);
  if (!entry) throw new UsersError(`no user ${JSON.stringify(name)} in ${file}`, 1);
  const n = entry.tokens.length;
  entry.tokens = [];
  writeUsers(io, file, data);
  io.err(`revoked ${n} token${n === 1 ? '' : 's'} of ${name} in ${file}; restart the server to apply\n`);
}

/** The file's users; a missing file is an empty one when `mayCreate`. */
function readUsers(file: string, mayCreate: boolean): UsersFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && mayCreate) return { users: new Map(), plain: false };
    throw new UsersError(`cannot read ${file}: ${(err as Error).message}`, 1);
  }
  try {
    return parseUsersFile(text, file);
  } catch (err) {
    throw new UsersError((err as Error).message, 1);
  }
}

/** Writes a temp file (mode 0600) beside the file and renames it over the file: readers see the old file or the new, whole. */
function writeUsers(io: UsersIo, file: string, data: UsersFile): void {
  const target = existsSync(file) ? realpathSync(file) : file;
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      fchmodSync(fd, 0o600);
      writeSync(fd, formatUsersFile(data));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new UsersError(`cannot write ${file}: ${(err as Error).message}`, 1);
  }
  if (data.plain) io.err(`converted ${file} to ${USERS_FORMAT}: its tokens are stored hashed now and keep working\n`);
}
