/**
 * Files from the command line, as processes against `npm run server`: `send --file` (0 B, 1 B,
 * 10 MB and a hostile name in one message) prints each attachment and the ack; `download`
 * writes the exact bytes for a member; `listen` and `history` print the attachments; a
 * non-member, a missing file, a file over the limit and a server without files exit 2 in words.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { conversationPeer } from '../helpers/conversation-peer';
import { faultProxy } from '../helpers/fault-proxy';
import { sha256 } from '../helpers/file-http';
import { runTs, startServerProcess, type Proc } from '../helpers/proc';
import { withTimeout } from '../helpers/wait';

const TOKENS = { 'tok-alice': 'alice', 'tok-bob': 'bob', 'tok-carol': 'carol' };
type Who = 'alice' | 'bob' | 'carol';
type Line = Record<string, any>;

async function setUp(t: { after(fn: () => Promise<void> | void): void }, serverArgs: string[] = []) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-files-cli-'));
  const tokens = path.join(dir, 'tokens.json');
  writeFileSync(tokens, JSON.stringify(TOKENS));
  const { proc: server, url } = await startServerProcess(['--tokens', tokens, '--data-dir', path.join(dir, 'server'), ...serverArgs]);
  t.after(async () => {
    server.kill();
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  });
  const cli = (who: Who, args: string[], device: string = who, server = url): Proc =>
    runTs('electron/cli/main.ts', [...args, '--server', server, '--token', `tok-${who}`, '--data-dir', path.join(dir, device)], {
      XDG_DATA_HOME: path.join(dir, 'xdg'),
    });
  const done = async (p: Proc) => {
    const { code } = await withTimeout(p.exited, 60_000, 'the CLI to exit');
    return { code, out: p.stdout.map((l) => JSON.parse(l) as Line), err: p.stderr.join('\n') };
  };
  const ok = async (who: Who, args: string[], device: string = who) => {
    const r = await done(cli(who, args, device));
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
    return r.out;
  };
  return { dir, url, cli, done, ok };
}

test('send --file and download: byte-exact for 0 B, 1 B, 10 MB and a hostile name; listen and history print the attachments', async (t) => {
  const { dir, cli, done, ok } = await setUp(t);
  const [created] = await ok('alice', ['create-room', '文件', '--private', '--members', 'bob']);
  const room = created!.id as string;
  const inputs = [
    { name: 'empty.txt', bytes: Buffer.alloc(0) },
    { name: 'one.bin', bytes: Buffer.from([7]) },
    { name: 'big.bin', bytes: randomBytes(10 * 1024 * 1024) },
    { name: '报告 (最终) ..-..-etc-passwd.pdf', bytes: Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(3000)]) },
  ];
  const files = inputs.map((f) => {
    const p = path.join(dir, f.name);
    writeFileSync(p, f.bytes);
    return p;
  });
  const listening = cli('bob', ['listen', '--room', room, '--count', '1', '--timeout', '50'], 'bob-listen');
  await listening.line((l) => l.includes('"connected"'), 20_000, 'bob listening');
  const out = await ok('alice', ['send', '--room', room, ...files.flatMap((f) => ['--file', f]), '四个文件']);
  const uploaded = out.filter((l) => l.event === 'uploaded');
  assert.deepEqual(
    uploaded.map((l) => [l.name, l.size]),
    inputs.map((f) => [f.name, f.bytes.length]),
  );
  assert.ok(
    out.some((l) => l.type === 'ack'),
    'the message was acked',
  );

  const heard = (await done(listening)).out.find((l) => l.event === 'message');
  assert.deepEqual(
    heard!.attachments,
    uploaded.map(({ id, name, size, type }) => ({ id, name, size, type })),
    'listen prints the attachments',
  );
  for (const [i, a] of uploaded.entries()) {
    const target = path.join(dir, `got-${i}`);
    const [line] = await ok('bob', ['download', a.id, '--out', target]);
    assert.equal(line!.sha256, sha256(inputs[i]!.bytes), `${a.name}: the same bytes`);
    assert.equal(sha256(readFileSync(target)), sha256(inputs[i]!.bytes));
  }
  const history = await ok('bob', ['history', '--room', room], 'bob-listen');
  assert.equal(history.find((l) => l.event === 'message')?.attachments?.length, 4, 'history keeps them');

  const carol = await done(cli('carol', ['download', uploaded[2]!.id, '--out', path.join(dir, 'carol.bin')]));
  assert.equal(carol.code, 2);
  assert.match(carol.err, /forbidden: not a member .*not a member of the conversation this file was posted in/);
});

test('a missing file, one over the limit, or a room she is not in: exit 2 with words', async (t) => {
  const { dir, cli, done, ok } = await setUp(t, ['--max-file-mb', '1']);
  const [created] = await ok('alice', ['create-room', 'r', '--private', '--members', 'bob']);
  const room = created!.id as string;
  const missing = await done(cli('alice', ['send', '--room', room, '--file', path.join(dir, 'nope.pdf')]));
  assert.equal(missing.code, 2);
  assert.match(missing.err, /the file cannot be read.*nope\.pdf/);
  const big = path.join(dir, 'big.bin');
  writeFileSync(big, randomBytes(1024 * 1024 + 1));
  const over = await done(cli('alice', ['send', '--room', room, '--file', big, 'too big']));
  assert.equal(over.code, 2);
  assert.match(over.err, /big\.bin: The file is 1,048,577 bytes; this server takes files up to 1,048,576 bytes\./);
  const small = path.join(dir, 'small.txt');
  writeFileSync(small, 'hi');
  const notIn = await done(cli('carol', ['send', '--room', room, '--file', small]));
  assert.notEqual(notIn.code, 0);
  assert.match(notIn.err, /forbidden|not a member/);
  const history = await ok('bob', ['history', '--room', room]);
  assert.equal(history.filter((l) => l.event === 'message').length, 0, 'nothing was sent');
});

test('send --file SIGKILLed mid-upload, run again with the same data dir: it goes on, the file arrives once, the message is posted once', async (t) => {
  const { dir, url, cli, done, ok } = await setUp(t);
  const [created] = await ok('alice', ['create-room', 'k', '--private', '--members', 'bob']);
  const room = created!.id as string;
  const bytes = randomBytes(24 * 1024 * 1024);
  const file = path.join(dir, 'video.bin');
  writeFileSync(file, bytes);
  const staged = path.join(dir, 'server/files/uploads');
  const partSize = () => {
    const part = existsSync(staged) ? readdirSync(staged).find((n) => n.endsWith('.part')) : undefined;
    return part ? { part, size: statSync(path.join(staged, part)).size } : undefined;
  };
  // Placed by traffic: the link stalls after 10 MB of the client's bytes, mid-upload, and the CLI is killed there.
  const proxy = await faultProxy(Number(new URL(url).port));
  t.after(() => proxy.close());
  const stalled = proxy.stallAfter(10 * 1024 * 1024);
  const first = cli('alice', ['send', '--room', room, '--file', file, '视频'], 'alice', `ws://127.0.0.1:${proxy.port}/ws/chat/`);
  await withTimeout(stalled, 30_000, 'the upload to reach 10 MB');
  first.kill('SIGKILL');
  await first.exited;
  // The server keeps the bytes that came (its chunk ends with the cut connection): bounded wait for it to notice.
  for (let i = 0; i < 100 && (partSize()?.size ?? 0) < 4 * 1024 * 1024; i++) await new Promise((r) => setTimeout(r, 100));
  const atKill = partSize();
  assert.ok(atKill && atKill.size >= 4 * 1024 * 1024 && atKill.size < bytes.length, `mid-upload: ${JSON.stringify(atKill)}`);
  const journal = JSON.parse(readFileSync(path.join(dir, 'alice', 'uploads.json'), 'utf8')) as Record<string, { upload: string }>;
  assert.deepEqual(
    Object.values(journal).map((v) => `${v.upload}.part`),
    [atKill.part],
    'the journal names the upload the server holds',
  );

  const again = await done(cli('alice', ['send', '--room', room, '--file', file, '视频']));
  assert.equal(again.code, 0, again.err);
  const uploaded = again.out.filter((l) => l.event === 'uploaded');
  assert.equal(uploaded.length, 1);
  const out = path.join(dir, 'got.bin');
  await ok('bob', ['download', uploaded[0]!.id, '--out', out]);
  assert.equal(sha256(readFileSync(out)), sha256(bytes), 'byte-exact');
  const records = readFileSync(path.join(dir, 'server/files/records.jsonl'), 'utf8').trim().split('\n');
  assert.equal(records.length, 1, 'stored once');
  // What the server keeps for the room, asked over the wire.
  const bob = await conversationPeer(url, 'tok-bob');
  t.after(() => bob.close());
  await bob.subscribe([{ conv: room }]);
  const page = await bob.request({ type: 'history', conv: room, before: 1_000_000, limit: 50 });
  assert.deepEqual(
    page.messages.map((m: Line) => [m.message, m.attachments?.length]),
    [['视频', 1]],
    'posted once',
  );
});
