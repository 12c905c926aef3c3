/**
 * `server/main.ts users add|list|revoke`, run as the real command against a temp file, and
 * the server started from what server/users.ts loadUsers reads: new tokens sign in, revoked
 * ones get 4001, old plain formats still work, and no token is ever stored or listed.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import WebSocket from 'ws';
import { startChatServer } from '../../server/server';
import type { TokenTable } from '../../server/tokens';
import { badDisplayName, badUserName, directoryFromTokens, loadUsers, parseUsersFile } from '../../server/users';
import { ROOT } from '../helpers/proc';
import { withTimeout } from '../helpers/wait';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node --import tsx server/main.ts users …ARGS`, as `npm run -s server -- users …` runs it. */
function users(...args: string[]): Promise<Run> {
  const env = { ...process.env };
  delete env.UOS_CHAT_TOKENS;
  const argv = ['--import', 'tsx', path.join(ROOT, 'server/main.ts'), 'users', ...args];
  return new Promise((resolve) => {
    execFile(process.execPath, argv, { cwd: ROOT, env, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The token `users add` printed: the last line of stdout, alone on it. */
async function addUser(file: string, name: string, ...more: string[]): Promise<string> {
  const r = await users('add', name, '--tokens', file, ...more);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\n$/, 'the token line ends stdout');
  const token = r.stdout.slice(0, -1).split('\n').at(-1)!;
  assert.match(token, /^[A-Za-z0-9_-]{43}$/, `the last line is a base64url token alone: ${JSON.stringify(r.stdout)}`);
  assert.equal(Buffer.from(token, 'base64url').length, 32);
  return token;
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-users-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const sha256 = (token: string) => `sha256:${createHash('sha256').update(token, 'utf8').digest('hex')}`;

/** A real server on port 0 with the tokens and the directory loadUsers reads. */
async function serve(t: TestContext, file: string | undefined, env?: string): Promise<string> {
  const { tokens, users: directory } = loadUsers(file, env);
  const server = await startChatServer({ host: '127.0.0.1', port: 0, tokens, users: directory, log: () => {} });
  t.after(() => server.close());
  return server.url;
}

/** Who the server says `token` is (connection_status user_id), or the close code it got instead. */
function signIn(url: string, token: string): Promise<string | number> {
  const ws = new WebSocket(`${url}?token=${encodeURIComponent(token)}`);
  ws.on('error', () => undefined);
  const answer = new Promise<string | number>((resolve) => {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; user_id?: string };
      if (frame.type !== 'connection_status') return;
      resolve(frame.user_id ?? '(no user_id)');
      ws.close();
    });
    ws.on('close', (code) => resolve(code));
  });
  return withTimeout(answer, 5_000, `the server to answer token ${token.slice(0, 8)}…`);
}

test('users add prints the token alone on the last line, stores only its SHA-256 (0600), and the server accepts it', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'users.json');
  const token = await addUser(file, 'alice', '--display', '爱丽丝');
  const text = readFileSync(file, 'utf8');
  assert.ok(!text.includes(token), 'no plain token in the file');
  assert.deepEqual(JSON.parse(text), { format: 'uos-chat-users/1', users: { alice: { display: '爱丽丝', tokens: [sha256(token)] } } });
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir), ['users.json'], 'no temp file left beside it');
  assert.equal(loadUsers(file, undefined).users.display('alice'), '爱丽丝');

  const url = await serve(t, file);
  assert.equal(await signIn(url, token), 'alice');
  assert.equal(await signIn(url, sha256(token)), 4001, 'the stored hash is not a token');
  assert.equal(await signIn(url, `${token}x`), 4001);
});

test('users revoke removes every token of the user; the restarted server refuses them with 4001', async (t) => {
  const file = path.join(tempDir(t), 'users.json');
  const first = await addUser(file, 'alice');
  const second = await addUser(file, 'alice');
  const bob = await addUser(file, 'bob');
  assert.notEqual(first, second);
  const revoked = await users('revoke', 'alice', '--tokens', file);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.match(revoked.stderr, /revoked 2 tokens of alice/);
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { users: Record<string, { tokens: string[] }> };
  assert.deepEqual(saved.users.alice!.tokens, []);
  assert.deepEqual(saved.users.bob!.tokens, [sha256(bob)]);

  const url = await serve(t, file);
  assert.equal(await signIn(url, first), 4001);
  assert.equal(await signIn(url, second), 4001);
  assert.equal(await signIn(url, bob), 'bob');

  const before = readFileSync(file, 'utf8');
  const nobody = await users('revoke', 'nobody', '--tokens', file);
  assert.notEqual(nobody.code, 0);
  assert.match(nobody.stderr, /no user "nobody"/);
  assert.equal(readFileSync(file, 'utf8'), before, 'the file is untouched');
});

test('old formats still load for the server: JSON {"token":"user"}, "token user" lines and UOS_CHAT_TOKENS', async (t) => {
  const dir = tempDir(t);
  const json = path.join(dir, 'tokens.json');
  const lines = path.join(dir, 'tokens.txt');
  writeFileSync(json, '{"tok-json":"alice"}');
  writeFileSync(lines, '# a comment\ntok-line bob\n');
  const fromJson = loadUsers(json, undefined);
  assert.equal(fromJson.tokens.get('tok-json'), 'alice');
  assert.equal(fromJson.tokens.get('tok-line'), undefined);
  assert.deepEqual(fromJson.users.list(), [{ id: 'alice' }]);
  const mixed = loadUsers(lines, 'tok-env:carol');
  assert.equal(mixed.tokens.size, 2);
  assert.deepEqual([...mixed.tokens.values()].sort(), ['bob', 'carol']);
  assert.deepEqual(mixed.users.list(), [{ id: 'bob' }, { id: 'carol' }]);
  assert.equal(mixed.tokens.get(''), undefined);

  const url = await serve(t, lines, 'tok-env:carol');
  assert.equal(await signIn(url, 'tok-line'), 'bob');
  assert.equal(await signIn(url, 'tok-env'), 'carol');
  assert.equal(await signIn(url, 'tok-json'), 4001);

  // A plain Map is still a token table (what the other tests pass), and gives the fallback directory.
  const plain: TokenTable = new Map([['tok', 'alice']]);
  assert.equal(plain.get('tok'), 'alice');
  assert.deepEqual(directoryFromTokens(plain).list(), [{ id: 'alice' }]);
});

test('users add converts an old file to the new format: the old tokens are hashed and keep working', async (t) => {
  const dir = tempDir(t);
  const json = path.join(dir, 'tokens.json');
  const lines = path.join(dir, 'tokens.txt');
  writeFileSync(json, '{"old-alice":"alice","old-bob":"bob"}', { mode: 0o644 });
  writeFileSync(lines, 'old-dave dave\n');
  const carol = await addUser(json, 'carol');
  const dave = await addUser(lines, 'dave', '--display', 'Dave');
  const text = readFileSync(json, 'utf8');
  for (const secret of ['old-alice', 'old-bob', carol]) assert.ok(!text.includes(secret), `${secret} is not in the file`);
  assert.deepEqual(JSON.parse(text), {
    format: 'uos-chat-users/1',
    users: { alice: { tokens: [sha256('old-alice')] }, bob: { tokens: [sha256('old-bob')] }, carol: { tokens: [sha256(carol)] } },
  });
  assert.equal(statSync(json).mode & 0o777, 0o600);
  assert.deepEqual(JSON.parse(readFileSync(lines, 'utf8')).users, {
    dave: { display: 'Dave', tokens: [sha256('old-dave'), sha256(dave)] },
  });

  const url = await serve(t, json);
  assert.equal(await signIn(url, 'old-alice'), 'alice');
  assert.equal(await signIn(url, 'old-bob'), 'bob');
  assert.equal(await signIn(url, carol), 'carol');
  const daveUrl = await serve(t, lines);
  assert.equal(await signIn(daveUrl, 'old-dave'), 'dave');
  assert.equal(await signIn(daveUrl, dave), 'dave');
});

test('bad user names are refused with words and exit 2, the file untouched', async (t) => {
  const file = path.join(tempDir(t), 'users.json');
  writeFileSync(file, 'old-alice alice\n');
  for (const name of ['', 'a b', 'a@b', 'a/b', 'x'.repeat(65)]) {
    const r = await users('add', name, '--tokens', file);
    assert.equal(r.code, 2, `${JSON.stringify(name)} is refused with exit 2`);
    assert.match(r.stderr, /cannot use .* as a user name: it /);
    assert.equal(r.stdout, '', 'no token printed');
  }
  const display = await users('add', 'bob', '--tokens', file, '--display', 'a\u0007b');
  assert.equal(display.code, 2);
  assert.match(display.stderr, /as a display name: it contains control characters/);
  assert.equal(readFileSync(file, 'utf8'), 'old-alice alice\n', 'neither written nor converted');

  const bad = ['', ' ', 'a b', 'tab\there', 'nl\n', 'bell\u0007', 'zw\u200bsp', 'x'.repeat(65), 'a,b', 'a@b', 'a/b'];
  for (const name of bad) assert.ok(badUserName(name), `${JSON.stringify(name)} is a bad name`);
  for (const name of ['alice', '爱丽丝', 'o.brien-2_x', 'x'.repeat(64), '名'.repeat(64)]) assert.equal(badUserName(name), undefined, name);
  assert.ok(badDisplayName('  '));
  assert.equal(badDisplayName('爱丽丝 Li'), undefined);
});

test('users list prints one line per user (id, display name, token count) and no secrets', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'users.json');
  const secrets = [await addUser(file, 'alice', '--display', '爱丽丝'), await addUser(file, 'alice'), await addUser(file, 'bob')];
  const r = await users('list', '--tokens', file);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\n'), ['alice\t爱丽丝\t2 tokens', 'bob\t\t1 token', '']);
  for (const secret of [...secrets, ...secrets.map(sha256)]) assert.ok(!`${r.stdout}${r.stderr}`.includes(secret.slice(-16)));
  assert.doesNotMatch(r.stdout + r.stderr, /sha256|[0-9a-f]{16}/);

  const old = path.join(dir, 'tokens.txt');
  writeFileSync(old, 'old-secret carol\n');
  const listed = await users('list', '--tokens', old);
  assert.equal(listed.stdout, 'carol\t\t1 token\n');
  assert.ok(!`${listed.stdout}${listed.stderr}`.includes('old-secret'));
  assert.equal(readFileSync(old, 'utf8'), 'old-secret carol\n', 'list does not convert the file');
});

test('a users file with a plain token, a token under two users or an unknown format is refused with words', () => {
  const hash = sha256('t');
  const file = (users: unknown, format = 'uos-chat-users/1') => JSON.stringify({ format, users });
  assert.throws(() => parseUsersFile(file({ alice: { tokens: ['t'] } }), 'u.json'), /u.json: user "alice": tokens must be "sha256:/);
  assert.throws(
    () => parseUsersFile(file({ a: { tokens: [hash] }, b: { tokens: [hash] } }), 'u.json'),
    /user "b": a token is listed for "a" too/,
  );
  assert.throws(() => parseUsersFile(file({}, 'uos-chat-users/2'), 'u.json'), /format "uos-chat-users\/2" is not uos-chat-users\/1/);
  assert.throws(() => parseUsersFile(file({ a: { display: 7, tokens: [] } }), 'u.json'), /"display" must be a string/);
  assert.throws(() => parseUsersFile('{"format":"uos-chat-users/1"', 'u.json'), /u.json: not valid JSON/);
  assert.deepEqual([...parseUsersFile(file({ a: { tokens: [hash] } }), 'u.json').users], [['a', { tokens: [hash] }]]);
});
