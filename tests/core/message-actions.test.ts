/**
 * Replies, edits and recalls in the core (electron/core/connection/message-actions.ts), against
 * the reference server, with each client's own SQLite store:
 * - an edit and a recall reach a client that was not running when it catches up, and a second
 *   device that starts fresh;
 * - the recalled text is gone from that client's store: search finds nothing, and the bytes
 *   of its files do not hold it (freed pages, the search index, the write-ahead log);
 * - own actions wait in the outbox like messages, show as pending on the message, and apply on
 *   the ack; the client refuses to edit another's message, and a refusal by the server (too late)
 *   is shown on the message, which stays as it was;
 * - a server that does not announce the features never receives an action.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MessageEntry } from '../../electron/common/contract';
import { ChatClient } from '../../electron/core/connection';
import { AccountDirectory } from '../../electron/core/store';
import type { ServerOptions } from '../../server/server';
import { rawServer } from '../helpers/raw-server';
import { testServer, type TestServer } from '../helpers/server';
import { nextEvent, stateIs, until } from '../helpers/wait';

const SECRET = 'hunter2 秘密口令';

function tempDir(t: TestContext, prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A client of `token` on `srv` with its stores in `dir`; stopped when the test ends. */
async function client(t: TestContext, url: string, token: string, dir: string): Promise<ChatClient> {
  const c = new ChatClient({ config: { url, token, firstContactHistory: 200 }, accounts: new AccountDirectory({ base: dir }) });
  t.after(() => c.stop());
  await c.start();
  await stateIs(c, 'connected', 10_000);
  return c;
}

const messages = (c: ChatClient): MessageEntry[] => c.snapshot().entries.filter((e): e is MessageEntry => e.kind === 'message');
const bySeq = (c: ChatClient, seq: number) => messages(c).find((m) => m.seq === seq);

/** Every file under `dir`, as one string of bytes (latin1 keeps each byte). */
function bytesUnder(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(readFileSync(p).toString('latin1'));
    }
  };
  walk(dir);
  return out.join('\n');
}

/** Sends and resolves with the seq the server gave it. */
async function sent(c: ChatClient, text: string): Promise<number> {
  const r = await c.send(text);
  assert.ok(r.ok, JSON.stringify(r));
  const key = r.entry.key;
  await until(c, () => messages(c).some((m) => m.key === key && m.seq !== undefined), 10_000, `the ack of "${text}"`);
  return messages(c).find((m) => m.key === key)!.seq!;
}

async function scene(t: TestContext, extra: Partial<ServerOptions> = {}): Promise<{ srv: TestServer; alice: ChatClient }> {
  const srv = await testServer(extra);
  t.after(() => srv.stop());
  return { srv, alice: await client(t, srv.url, 'token-alice', tempDir(t, 'uos-chat-alice-')) };
}

test('an edit and a recall reach a client that was away, and a second device; the recalled text leaves the store', async (t) => {
  const { srv, alice } = await scene(t);
  const bobDir = tempDir(t, 'uos-chat-bob-');
  const bob = await client(t, srv.url, 'token-bob', bobDir);
  const doomed = await sent(alice, `the password is ${SECRET}`);
  const lunch = await sent(alice, 'lunch at noon');
  await until(bob, () => bySeq(bob, lunch) !== undefined, 10_000, 'bob to have both');
  assert.equal(bob.search('hunter2').length, 1, 'found before the recall');

  const edit = await alice.send('lunch at one', { edit_of: lunch });
  assert.ok(edit.ok);
  assert.equal(edit.entry.pendingAction, 'edit', 'the message shows that its edit waits');
  await until(bob, () => bySeq(bob, lunch)?.text === 'lunch at one', 10_000, 'the edit, live');
  assert.ok(bySeq(bob, lunch)!.edited! > lunch);
  await until(alice, () => bySeq(alice, lunch)?.text === 'lunch at one', 10_000, 'applied on the ack for its author');
  assert.equal(bySeq(alice, lunch)?.pendingAction, undefined);
  assert.deepEqual(
    bob.search('lunch').map((m) => m.text),
    ['lunch at one'],
    'search finds the new text, not the old',
  );

  await bob.stop();
  assert.ok((await alice.send('', { recall_of: doomed })).ok);
  assert.ok((await alice.send('lunch at two', { edit_of: lunch })).ok);
  await until(alice, () => bySeq(alice, lunch)?.text === 'lunch at two' && bySeq(alice, doomed)?.recalled === true, 10_000, 'acks');

  const back = await client(t, srv.url, 'token-bob', bobDir);
  await until(back, () => bySeq(back, doomed)?.recalled === true && bySeq(back, lunch)?.text === 'lunch at two', 10_000, 'catch-up');
  assert.equal(bySeq(back, doomed)?.text, '');
  assert.deepEqual(back.search('hunter2'), [], 'search finds nothing of it');
  assert.deepEqual(back.search('秘密口令'), []);
  // Read while the client runs: its database and write-ahead log as they are after the recall.
  const bytes = bytesUnder(bobDir);
  assert.ok(!bytes.includes('hunter2'), 'the recalled text is not in any byte of the store');
  assert.ok(!bytes.includes('lunch at one'), 'nor an edited-away text');
  assert.ok(bytes.includes('lunch at two'), '(the check reads the right files)');

  const second = await client(t, srv.url, 'token-alice', tempDir(t, 'uos-chat-alice2-'));
  await until(second, () => bySeq(second, lunch) !== undefined, 10_000, 'the second device to load the room');
  assert.deepEqual([bySeq(second, doomed)?.recalled, bySeq(second, doomed)?.text], [true, '']);
  assert.equal(bySeq(second, lunch)?.text, 'lunch at two');
  assert.ok(!messages(second).some((m) => m.text.includes('hunter2') || m.text === 'lunch at one'));
});

test('a reply names its message; the client refuses to edit another’s; a late recall is refused and shown', async (t) => {
  const { srv, alice } = await scene(t, { recallWindowMs: 1 });
  const bob = await client(t, srv.url, 'token-bob', tempDir(t, 'uos-chat-bob-'));
  const question = await sent(alice, 'tuesday?');
  await until(bob, () => bySeq(bob, question) !== undefined, 10_000, 'bob to have it');
  const answer = await bob.send('tuesday works', { reply_to: question });
  assert.ok(answer.ok);
  assert.equal(answer.entry.replyTo, question);
  await until(alice, () => messages(alice).some((m) => m.replyTo === question && m.text === 'tuesday works'), 10_000, 'the reply');

  const notHers = await bob.send('mine now', { edit_of: question });
  assert.deepEqual(notHers.ok ? 'queued' : notHers.reason.code, 'NOT_AUTHOR');
  const nothing = await alice.send('', { recall_of: question + 1000 });
  assert.ok(nothing.ok && nothing.actionId, 'one this device never saw is queued: the server decides');
  const refusal = await nextEvent(alice, 'frame', (f) => f.type === 'error' && f.id === nothing.actionId, 10_000);
  assert.equal(refusal.type === 'error' && refusal.code, 'no_such_message');

  await new Promise((r) => setTimeout(r, 20));
  assert.ok((await alice.send('', { recall_of: question })).ok);
  await until(alice, () => bySeq(alice, question)?.actionFailure !== undefined, 10_000, 'the refusal');
  const kept = bySeq(alice, question)!;
  assert.equal(kept.actionFailure?.code, 'TOO_LATE');
  assert.deepEqual([kept.text, kept.recalled, kept.pendingAction], ['tuesday?', undefined, undefined], 'the message stays as it was');
  assert.equal(alice.pendingCount(), 0);
});

test('a server that does not announce edit or recall never receives one', async (t) => {
  const received: string[] = [];
  const legacy = await rawServer((ws) => {
    ws.send(JSON.stringify({ type: 'connection_status', status: 'connected', user_id: 'alice', features: ['ack', 'seq'], seq: 0 }));
    ws.on('message', (d) => {
      const f = JSON.parse(d.toString()) as { type: string; id?: string };
      received.push(d.toString());
      if (f.type === 'chat_message' && f.id) {
        ws.send(JSON.stringify({ type: 'ack', id: f.id, seq: received.length }));
        ws.send(JSON.stringify({ type: 'chat_message', id: f.id, user: 'alice', message: 'x', seq: received.length }));
      }
    });
  });
  t.after(() => legacy.close());
  const alice = await client(t, legacy.url, 'token-alice', tempDir(t, 'uos-chat-legacy-'));
  const seq = await sent(alice, 'hello');
  const edit = await alice.send('hello!', { edit_of: seq });
  assert.ok(edit.ok, 'queued: the outbox decides once it knows the server');
  await until(alice, () => bySeq(alice, seq)?.actionFailure !== undefined, 10_000, 'the local refusal');
  assert.equal(bySeq(alice, seq)?.actionFailure?.code, 'ACTION_UNSUPPORTED');
  assert.ok(!received.some((r) => r.includes('edit_of')), 'nothing with an action reached the server');
  assert.equal(bySeq(alice, seq)?.text, 'hello');
});
