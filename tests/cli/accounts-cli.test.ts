/**
 * The CLI keeps state per account too, as processes against real servers: an outbox
 * message for a dead server A never goes to server B under another token, and reaches A
 * when A is used again; `listen --data-dir` resumes from its stored seq against the
 * reference server run with --data-dir and prints exactly what it missed; `history`
 * prints and searches what is stored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatClient } from '../../electron/core/connection/client';
import { MemoryOutboxStore } from '../../electron/core/store/outbox';
import { runTs, startServerProcess } from '../helpers/proc';
import { testServer } from '../helpers/server';
import { stateIs, until, withTimeout } from '../helpers/wait';

const NO_BUS = { DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/nonexistent', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };
const cli = (args: string[]) => runTs('electron/cli/main.ts', args, NO_BUS);
const messages = (lines: string[]) =>
  lines.filter((l) => l.includes('"event":"message"')).map((l) => JSON.parse(l) as { text: string; seq: number; user: string });

async function bob(url: string): Promise<ChatClient> {
  const c = new ChatClient({ config: { url, token: 'token-bob' }, outboxStore: new MemoryOutboxStore() });
  await c.start();
  await stateIs(c, 'connected');
  return c;
}

test(
  'CLI: a message queued for dead server A is not delivered to server B by a run with another token; it reaches A later',
  { timeout: 60_000 },
  async (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-cli-accounts-'));
    const a = await testServer();
    const aPort = a.port;
    await a.stop();
    const b = await testServer();
    const atB = await bob(b.url);
    t.after(async () => {
      await atB.stop();
      await b.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    const seenAtB: string[] = [];
    atB.on('frame', (f) => f.type === 'chat_message' && seenAtB.push(`${f.user}: ${f.message}`));
    const aUrl = `ws://127.0.0.1:${aPort}/ws/chat/`;

    const toA = cli(['send', '--server', aUrl, '--token', 'token-alice', '--data-dir', dir, '--timeout', '1', 'secret for server A only']);
    assert.equal((await withTimeout(toA.exited, 20_000, 'send to A')).code, 5);
    const toB = cli(['send', '--server', b.url, '--token', 'token-bob', '--data-dir', dir, '--timeout', '10', 'hello B']);
    assert.equal((await withTimeout(toB.exited, 20_000, 'send to B')).code, 0, toB.stderr.join('\n'));
    const sentToB = toB.stdout.filter((l) => l.includes('"type":"ack"')).length;
    assert.equal(sentToB, 1, 'one message went to B: its own');

    const aAgain = await testServer({ port: aPort });
    const atA = await bob(aAgain.url);
    t.after(async () => {
      await atA.stop();
      await aAgain.stop();
    });
    const seenAtA: string[] = [];
    atA.on('frame', (f) => f.type === 'chat_message' && seenAtA.push(`${f.user}: ${f.message}`));
    const againA = cli(['send', '--server', aUrl, '--token', 'token-alice', '--data-dir', dir, '--timeout', '10', 'second for A']);
    assert.equal((await withTimeout(againA.exited, 20_000, 'send to A again')).code, 0, againA.stderr.join('\n'));
    await until(atA, () => seenAtA.length === 2, 5_000, 'both at A');
    assert.deepEqual(seenAtA, ['alice: secret for server A only', 'alice: second for A']);
    assert.deepEqual(seenAtB, ['bob: hello B'], "B got only its own account's message, never the secret");
  },
);

test(
  'CLI: listen --data-dir away and back: exactly the 500 messages sent meanwhile, in order, once; history prints and searches them',
  { timeout: 120_000 },
  async (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-cli-away-'));
    const tokens = path.join(dir, 'tokens.json');
    writeFileSync(tokens, JSON.stringify({ 'token-alice': 'alice', 'token-bob': 'bob' }));
    const { proc: server, url } = await startServerProcess([
      '--tokens',
      tokens,
      '--data-dir',
      path.join(dir, 'server'),
      '--rate-limit',
      '100000/60',
    ]);
    const sender = await bob(url);
    t.after(async () => {
      await sender.stop();
      server.kill();
      await server.exited;
      rmSync(dir, { recursive: true, force: true });
    });
    const listenArgs = (count: number) => [
      'listen',
      '--server',
      url,
      '--token',
      'token-alice',
      '--data-dir',
      path.join(dir, 'alice'),
      '--count',
      String(count),
      '--timeout',
      '60',
    ];

    const first = cli(listenArgs(1));
    await first.line((l) => l.includes('"state":"connected"'), 20_000, 'the first listen connected');
    await sender.send('while listening');
    assert.equal((await withTimeout(first.exited, 20_000, 'the first listen')).code, 0);
    assert.deepEqual(
      messages(first.stdout).map((m) => m.text),
      ['while listening'],
    );

    const away = Array.from({ length: 500 }, (_, i) => `away ${i} 会议${i % 7 === 0 ? '改到三点' : ''}`);
    for (const text of away) void sender.send(text);
    await until(sender, () => sender.pendingCount() === 0, 30_000, 'the 500 acked');
    await sender.send('END');
    await until(sender, () => sender.pendingCount() === 0, 5_000, 'END acked');

    const second = cli(listenArgs(501));
    assert.equal((await withTimeout(second.exited, 60_000, 'the second listen')).code, 0, second.stderr.join('\n'));
    const got = messages(second.stdout);
    assert.deepEqual(
      got.map((m) => m.text),
      [...away, 'END'],
      'exactly what was missed, in order, once',
    );
    assert.ok(got.every((m, i) => i === 0 || m.seq === got[i - 1]!.seq + 1));

    const history = cli(['history', '--server', url, '--token', 'token-alice', '--data-dir', path.join(dir, 'alice'), '--limit', '1000']);
    assert.equal((await withTimeout(history.exited, 20_000, 'history')).code, 0, history.stderr.join('\n'));
    assert.deepEqual(
      messages(history.stdout).map((m) => m.text),
      ['while listening', ...away, 'END'],
    );
    const search = cli([
      'history',
      '--server',
      url,
      '--token',
      'token-alice',
      '--data-dir',
      path.join(dir, 'alice'),
      '--search',
      '会议改',
      '--limit',
      '3',
    ]);
    assert.equal((await withTimeout(search.exited, 20_000, 'search')).code, 0);
    assert.deepEqual(
      messages(search.stdout).map((m) => m.text),
      ['away 497 会议改到三点', 'away 490 会议改到三点', 'away 483 会议改到三点'],
    );
  },
);
