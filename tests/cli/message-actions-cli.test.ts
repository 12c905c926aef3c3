/**
 * Replies, edits and recalls from the command line, as processes against `npm run server` (memory
 * and Redis): `send --reply-to`, `edit`, `recall`, what `listen` prints of them (`edited`,
 * `recalled`, `reply_to`), what `history` keeps, and refusals that exit 2 with words (not the
 * author; too late).
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
type Line = Record<string, any>;

async function setUp(t: { after(fn: () => Promise<void> | void): void }, store: 'memory' | 'redis', serverArgs: string[] = []) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-actions-cli-'));
  const tokens = path.join(dir, 'tokens.json');
  writeFileSync(tokens, JSON.stringify(TOKENS));
  const redis = store === 'redis' ? await startRedis({ persistent: false }) : undefined;
  const { proc: server, url } = await startServerProcess(['--tokens', tokens, ...serverArgs, ...(redis ? ['--redis', redis.url] : [])]);
  t.after(async () => {
    server.kill();
    await server.exited;
    await redis?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  // `device`: a data dir of its own (two processes never share one's history file).
  const cli = (who: Who, args: string[], device: string = who): Proc =>
    runTs('electron/cli/main.ts', [...args, '--server', url, '--token', `tok-${who}`, '--data-dir', path.join(dir, device)], {
      XDG_DATA_HOME: path.join(dir, 'xdg'),
    });
  const done = async (p: Proc) => {
    const { code } = await withTimeout(p.exited, 30_000, 'the CLI to exit');
    return { code, out: p.stdout.map((l) => JSON.parse(l) as Line), err: p.stderr.join('\n') };
  };
  const ok = async (who: Who, args: string[], device: string = who) => {
    const r = await done(cli(who, args, device));
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
    return r.out;
  };
  /** Sends and answers the id and seq its ack line printed. */
  const send = async (who: Who, args: string[]) => {
    const ack = (await ok(who, ['send', ...args])).find((l) => l.type === 'ack');
    assert.ok(ack, 'send prints its ack line');
    return { id: ack.id as string, seq: ack.seq as number };
  };
  return { cli, done, ok, send };
}

for (const store of ['memory', 'redis'] as const) {
  test(`${store}: send --reply-to, edit and recall from the command line; listen prints them, history keeps the result`, async (t) => {
    const { cli, done, ok, send } = await setUp(t, store);
    const [created] = await ok('alice', ['create-room', '周报', '--private', '--members', 'bob']);
    const room = created!.id as string;
    const listening = cli('bob', ['listen', '--room', room, '--count', '4', '--timeout', '40'], 'bob-listening');
    await listening.line((l) => l.includes('"connected"'), 20_000, 'bob listening');

    const draft = await send('alice', ['--room', room, '周报草稿']);
    const oops = await send('alice', ['--room', room, 'wrong room, sorry']);
    await ok('alice', ['edit', draft.id, '周报定稿', '--room', room]);
    await ok('alice', ['recall', String(oops.seq), '--room', room]);

    const hijack = await done(cli('bob', ['edit', String(draft.seq), '我改的', '--room', room]));
    assert.equal(hijack.code, 2, hijack.err);
    assert.match(hijack.err, /only its sender can edit or recall/);
    const reply = await send('bob', ['--room', room, '--reply-to', String(draft.seq), '收到']);
    const last = await send('alice', ['--room', room, 'done']);

    const heard = await done(listening);
    assert.equal(heard.code, 0, heard.err);
    const events = heard.out.filter((l) => ['message', 'edited', 'recalled', 'problem'].includes(l.event));
    assert.equal(events.find((l) => l.seq === reply.seq)?.reply_to, draft.seq, 'listen prints what a reply answers');
    assert.deepEqual(
      events.map((l) => [l.event, l.seq, l.text ?? null]),
      [
        ['message', draft.seq, '周报草稿'],
        ['message', oops.seq, 'wrong room, sorry'],
        ['edited', draft.seq, '周报定稿'],
        ['recalled', oops.seq, null],
        ['message', reply.seq, '收到'],
        ['message', last.seq, 'done'],
      ],
      JSON.stringify(events),
    );

    const history = await ok('bob', ['history', '--room', room], 'bob-listening');
    const bySeq = new Map(history.filter((l) => l.event === 'message').map((l) => [l.seq as number, l]));
    assert.equal(bySeq.get(draft.seq)?.text, '周报定稿');
    assert.equal(bySeq.get(draft.seq)?.edited, true);
    assert.deepEqual([bySeq.get(oops.seq)?.text, bySeq.get(oops.seq)?.recalled], ['', true]);
    assert.equal(bySeq.get(reply.seq)?.reply_to, draft.seq, 'the reply names the message it answers');
  });
}

test('a recall after the window exits 2 with words', async (t) => {
  const { done, send, cli } = await setUp(t, 'memory', ['--recall-window', '0']);
  const m = await send('alice', ['too late to take back']);
  const late = await done(cli('alice', ['recall', m.id]));
  assert.equal(late.code, 2, late.err);
  assert.match(late.err, /too late to recall/);
});

for (const store of ['memory', 'redis'] as const) {
  test(`${store}: receipts SEQ says who has read a message and who has not`, async (t) => {
    const { ok, send } = await setUp(t, store);
    const [created] = await ok('alice', ['create-room', '已读', '--private', '--members', 'bob,carol']);
    const room = created!.id as string;
    const m = await send('alice', ['--room', room, '请看']);
    await ok('bob', ['read', '--room', room]);
    const [line] = await ok('alice', ['receipts', String(m.seq), '--room', room]);
    assert.deepEqual([line!.event, line!.seq, line!.read, line!.unread], ['receipts', m.seq, ['bob'], ['carol']]);
  });
}
