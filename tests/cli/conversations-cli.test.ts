/**
 * The CLI's conversation verbs as processes against `npm run server` (memory and Redis):
 * create-room, send --room/--to, rooms, listen --all, read, history --room, join, invite,
 * leave, and a refusal that exits 2 with "forbidden" in its words.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTs, startServerProcess, type Proc } from '../helpers/proc';
import { startRedis } from '../scale/scale-kit';
import { withTimeout } from '../helpers/wait';

const TOKENS = { 'tok-alice': 'alice', 'tok-bob': 'bob', 'tok-carol': 'carol' };
type Who = 'alice' | 'bob' | 'carol';

async function setUp(t: { after(fn: () => Promise<void> | void): void }, store: 'memory' | 'redis') {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-conv-cli-'));
  const tokens = path.join(dir, 'tokens.json');
  writeFileSync(tokens, JSON.stringify(TOKENS));
  const redis = store === 'redis' ? await startRedis({ persistent: false }) : undefined;
  const { proc: server, url } = await startServerProcess(['--tokens', tokens, ...(redis ? ['--redis', redis.url] : [])]);
  t.after(async () => {
    server.kill();
    await server.exited;
    await redis?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  const cli = (who: Who, args: string[]): Proc =>
    runTs('electron/cli/main.ts', [...args, '--server', url, '--token', `tok-${who}`, '--data-dir', path.join(dir, who)], {
      XDG_DATA_HOME: path.join(dir, 'xdg'),
    });
  const done = async (p: Proc) => {
    const { code } = await withTimeout(p.exited, 30_000, 'the CLI to exit');
    return { code, out: p.stdout, err: p.stderr.join('\n') };
  };
  const ok = async (who: Who, args: string[]) => {
    const r = await done(cli(who, args));
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
    return r.out.map((l) => JSON.parse(l) as Record<string, any>);
  };
  return { cli, done, ok };
}

for (const store of ['memory', 'redis'] as const) {
  test(`${store}: rooms, DMs, unread and mentions, listen --all and read, from the command line`, async (t) => {
    const { cli, done, ok } = await setUp(t, store);
    const [created] = await ok('alice', ['create-room', '周报', '--private', '--members', 'bob']);
    assert.equal(created!.kind, 'private');
    assert.deepEqual(created!.members, ['alice', 'bob']);
    const room = created!.id as string;

    await ok('alice', ['send', '--room', room, '@bob 请看一下']);
    const rooms = await ok('bob', ['rooms', '--json']);
    const mine = rooms.find((r) => r.id === room)!;
    assert.deepEqual([mine.name, mine.kind, mine.unread, mine.mentions, mine.last.text], ['周报', 'private', 1, 1, '@bob 请看一下']);

    // Carol is not a member: refused, in words, with exit 2; nothing of the room reaches her list.
    const refused = await done(cli('carol', ['send', '--room', room, 'let me in']));
    assert.equal(refused.code, 2);
    assert.match(refused.err, /forbidden/);
    assert.ok(!(await ok('carol', ['rooms', '--json'])).some((r) => r.id === room));

    // Bob listens to everything on one connection; each line names its room.
    const listen = cli('bob', ['listen', '--all', '--count', '2', '--timeout', '25']);
    await listen.line(
      (l) => JSON.parse(l).event === 'status' && JSON.parse(l).state === 'connected' && JSON.parse(l).room === room,
      20_000,
      'listening',
    );
    await ok('alice', ['send', '--to', 'bob', 'a direct word']);
    await ok('alice', ['send', '--room', room, 'second']);
    const heard = await done(listen);
    assert.equal(heard.code, 0, heard.err);
    const lines = heard.out.map((l) => JSON.parse(l)).filter((l) => l.event === 'message');
    const dm = lines.find((l) => l.text === 'a direct word');
    assert.ok(dm && dm.room !== room && dm.user === 'alice', 'the DM line names the DM');
    assert.equal(lines.find((l) => l.text === 'second')?.room, room);

    await ok('bob', ['read', '--room', room]);
    const after = (await ok('bob', ['rooms', '--json'])).find((r) => r.id === room)!;
    assert.deepEqual([after.unread, after.mentions], [0, 0], 'read clears both counts');
    const dmRoom = (await ok('bob', ['rooms', '--json'])).find((r) => r.kind === 'dm')!;
    assert.equal(dmRoom.id, dm.room);
    assert.equal(dmRoom.unread, 1);

    const stored = await ok('bob', ['history', '--room', room]);
    assert.deepEqual(
      stored.map((m) => [m.room, m.text]),
      [[room, 'second']],
      'what listen --all kept for the room, in the room only',
    );
    const dmHistory = await ok('bob', ['history', '--to', 'alice']);
    assert.deepEqual(
      dmHistory.map((m) => m.text),
      ['a direct word'],
    );
  });

  test(`${store}: join, invite and leave; a refusal exits 2 with "forbidden"`, async (t) => {
    const { cli, done, ok } = await setUp(t, store);
    const [open] = await ok('alice', ['create-room', 'open']);
    assert.equal(open!.kind, 'room');
    const [joined] = await ok('carol', ['join', open!.id]);
    assert.deepEqual(joined!.members, ['alice', 'carol']);
    const [secret] = await ok('alice', ['create-room', 'secret', '--private']);
    const notIn = await done(cli('carol', ['invite', secret!.id, 'carol']));
    assert.equal(notIn.code, 2);
    assert.match(notIn.err, /forbidden/);
    const joinPrivate = await done(cli('carol', ['join', secret!.id]));
    assert.equal(joinPrivate.code, 2);
    assert.match(joinPrivate.err, /forbidden/);
    const [invited] = await ok('alice', ['invite', secret!.id, 'carol']);
    assert.deepEqual(invited!.members, ['alice', 'carol']);
    const [left] = await ok('carol', ['leave', secret!.id]);
    assert.deepEqual(left, { event: 'left', id: secret!.id });
    const readNot = await done(cli('carol', ['read', '--room', secret!.id]));
    assert.equal(readNot.code, 2);
    assert.match(readNot.err, /forbidden/);
  });
}
