/**
 * Timeline on its own: frames handed in as ChatClient would, delivery outcomes,
 * and what comes out through `onEntries`. Memory only, or with a real SQLite history
 * in a temp dir. No sockets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { LogEntry, MessageEntry } from '../../electron/common/contract';
import { reason, type Reason } from '../../electron/common/errors';
import type { ServerChatMessage } from '../../protocol/codec';
import { Timeline } from '../../electron/core/connection/timeline';
import { SqliteHistory } from '../../electron/core/store/history-sqlite';
import { ManualClock } from '../helpers/clock';

/** A real store whose disk has filled up: reads work, every write fails as SQLite reports it. */
class FullDiskHistory extends SqliteHistory {
  override put(): void {
    throw new Error('database or disk is full');
  }
}

function setup(t: import('node:test').TestContext) {
  const published: LogEntry[][] = [];
  const problems: Reason[] = [];
  const timeline = new Timeline({
    clock: new ManualClock(),
    logLimit: 1_000,
    user: 'me',
    onEntries: (entries) => published.push(entries),
    onProblem: (why) => problems.push(why),
  });
  t.after(() => timeline.closeHistory());
  return { timeline, published, problems };
}

function tempFile(t: import('node:test').TestContext): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'timeline-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'history.sqlite');
}

const chat = (seq: number | undefined, text: string, id?: string): ServerChatMessage => ({
  type: 'chat_message',
  message: text,
  user: 'bob',
  timestamp: '2026-12-06T10:00:00.000Z',
  ...(seq !== undefined ? { seq } : {}),
  ...(id !== undefined ? { id } : {}),
});

const texts = (tl: Timeline) =>
  tl
    .page()
    .entries.filter((e): e is MessageEntry => e.kind === 'message')
    .map((e) => e.text);

test('incoming chat: shown once per id (a replay is not a second message), and the resume point follows seq', (t) => {
  const { timeline, published } = setup(t);
  timeline.onChat(chat(1, 'hello', 'a'));
  timeline.onChat(chat(2, '你好', 'b'));
  timeline.onChat(chat(1, 'hello', 'a'));
  assert.deepEqual(texts(timeline), ['hello', '你好']);
  assert.equal(published.length, 2);
  assert.equal(timeline.lastSeq, 2);
});

test('an own message: pending, confirmed by its echo, sent with its seq; a refusal shows failed and can be retried', (t) => {
  const { timeline, published } = setup(t);
  const [pending] = timeline.showPending([{ id: 'own-1', text: 'mine', createdAt: '2026-12-06T10:00:00.000Z' }]);
  assert.equal(pending!.delivery, 'pending');
  assert.equal(pending!.user, 'me');
  // The room echoes it back: the timeline leaves marking it to delivery (it returns the key).
  assert.equal(timeline.onChat({ ...chat(5, 'mine', 'own-1'), user: 'me' }), 'own-1');
  assert.equal(texts(timeline).length, 1, 'the echo is not a second message');
  timeline.delivered('own-1', 5);
  const sent = published.at(-1)![0] as MessageEntry;
  assert.equal(sent.delivery, 'sent');
  assert.equal(sent.seq, 5);
  assert.equal(timeline.failedOwn('own-1'), undefined, 'a sent message is not retried');

  timeline.showPending([{ id: 'own-2', text: 'too big', createdAt: '2026-12-06T10:01:00.000Z' }]);
  timeline.failed('own-2', reason('TOO_LARGE', '20000 bytes'));
  const failed = published.at(-1)![0] as MessageEntry;
  assert.equal(failed.delivery, 'failed');
  assert.equal(failed.failure?.code, 'TOO_LARGE');
  assert.deepEqual(timeline.failedOwn('own-2'), { id: 'own-2', text: 'too big', createdAt: '2026-12-06T10:01:00.000Z' });
});

test("an own message's ack does not move the resume point past others' messages still on their way", (t) => {
  // Across nodes (Redis) our ack comes from the node that stored it, while bob's 3 and 4 are
  // still being fanned out to ours: resuming after 5 would skip them for good.
  const { timeline } = setup(t);
  timeline.onChat(chat(2, 'before', 'b2'));
  timeline.showPending([{ id: 'own-5', text: 'mine', createdAt: '2026-12-06T10:00:00.000Z' }]);
  timeline.delivered('own-5', 5);
  assert.equal(timeline.lastSeq, 2, 'resumes after the last message that arrived, not after our ack');
  timeline.onChat(chat(3, 'on its way', 'b3'));
  timeline.onChat(chat(4, 'also', 'b4'));
  assert.equal(timeline.lastSeq, 4);
});

test('a server behind a seq it acked us (restarted empty) is a gap, even for a client that only sent', (t) => {
  const { timeline, published } = setup(t);
  timeline.onHello({ type: 'connection_status', status: 'connected', features: [], seq: 0 });
  timeline.showPending([{ id: 'own-1', text: 'mine', createdAt: '2026-12-06T10:00:00.000Z' }]);
  timeline.delivered('own-1', 1);
  timeline.onHello({ type: 'connection_status', status: 'connected', features: [], seq: 1 });
  assert.equal(published.flat().filter((e) => e.kind === 'marker').length, 0, 'a live server at our seq: no gap');
  timeline.onHello({ type: 'connection_status', status: 'connected', features: [], seq: 0 });
  assert.equal(published.flat().filter((e) => e.kind === 'marker').length, 1, 'restarted empty: the gap is marked');
  assert.equal(timeline.lastSeq, 0, 'resumes from where the server is now');
});

test('frames of one socket read are published as one list, in order, at the end of the task', async (t) => {
  const { timeline, published } = setup(t);
  timeline.batchFrames();
  timeline.onChat(chat(1, 'one', 'a'));
  timeline.batchFrames();
  timeline.onChat(chat(2, 'two', 'b'));
  timeline.onChat(chat(3, 'three', 'c'));
  assert.equal(published.length, 0, 'nothing before the task ends');
  await Promise.resolve();
  assert.equal(published.length, 1);
  assert.deepEqual(
    published[0]!.map((e) => (e as MessageEntry).text),
    ['one', 'two', 'three'],
  );
});

test('a server whose numbering starts over: id-less messages with old seqs are new, and a gap is marked', (t) => {
  const { timeline, published } = setup(t);
  timeline.onHello({ type: 'connection_status', status: 'connected', features: [], seq: 0 });
  timeline.onChat(chat(1, 'before restart'));
  timeline.onChat(chat(2, 'also before'));
  timeline.onChat(chat(1, 'before restart')); // the same seq in the same numbering: a replay
  assert.deepEqual(texts(timeline), ['before restart', 'also before']);

  timeline.onHello({ type: 'connection_status', status: 'connected', features: [], seq: 0, gap: true });
  assert.equal(timeline.lastSeq, 0, 'resumes from where the server is now');
  const marker = published.at(-1)![0]!;
  assert.equal(marker.kind === 'marker' && marker.marker, 'gap');
  timeline.onChat(chat(1, 'after restart'));
  assert.deepEqual(texts(timeline), ['before restart', 'also before', 'after restart']);
});

test('with a history store: a restart restores the log and the resume point, and a replay after it is not shown twice', (t) => {
  const file = tempFile(t);
  const first = setup(t);
  first.timeline.useHistory(new SqliteHistory(file));
  first.timeline.onChat(chat(1, 'one', 'a'));
  first.timeline.onChat(chat(2, 'two', 'b'));
  first.timeline.closeHistory();

  const second = setup(t);
  second.timeline.useHistory(new SqliteHistory(file));
  assert.equal(second.timeline.lastSeq, 2);
  assert.deepEqual(texts(second.timeline), ['one', 'two']);
  second.timeline.onChat(chat(2, 'two', 'b'));
  second.timeline.onChat(chat(3, 'three', 'c'));
  assert.deepEqual(texts(second.timeline), ['one', 'two', 'three']);
  second.timeline.onChat(chat(4, '会议改到三点', 'd'));
  assert.deepEqual(
    second.timeline.search('TWO', 10).map((e) => e.text),
    ['two'],
  );
  assert.deepEqual(
    second.timeline.search('三点', 10).map((e) => e.text),
    ['会议改到三点'],
  );
});

test('a history that cannot be written: reported once, and the chat goes on in memory', (t) => {
  const { timeline, published, problems } = setup(t);
  timeline.useHistory(new FullDiskHistory(tempFile(t)));
  timeline.onChat(chat(1, 'one', 'a'));
  timeline.onChat(chat(2, 'two', 'b'));
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, 'HISTORY_WRITE_FAILED');
  assert.equal(published.length, 2, 'both messages still shown');
});
