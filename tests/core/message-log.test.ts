import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageLog } from '../../electron/core/message-log';
import type { MessageEntry } from '../../electron/common/contract';

const msg = (i: number, own = false, delivery: MessageEntry['delivery'] = 'sent'): MessageEntry => ({
  kind: 'message',
  key: `k${i}`,
  user: own ? 'me' : 'bob',
  text: `m${i}`,
  timestamp: 't',
  own,
  delivery,
});

test('a large log trims in chunks without overflowing the stack, newest kept, index consistent', () => {
  const log = new MessageLog(200_000);
  for (let i = 0; i < 250_000; i++) log.upsert(msg(i));
  assert.ok(log.size <= 200_000 && log.size >= 180_000, `size ${log.size}`);
  assert.equal(log.get('k249999')?.kind, 'message');
  assert.equal(log.get('k0'), undefined);
  const all = log.all();
  assert.equal((all.at(-1) as MessageEntry).text, 'm249999');
  // Replacing by key still lands in the right place after trims.
  log.upsert({ ...msg(249_998), text: 'edited' });
  assert.equal((log.all().at(-2) as MessageEntry).text, 'edited');
});

test('pending own messages survive trimming', () => {
  const log = new MessageLog(10);
  log.upsert(msg(0, true, 'pending'));
  for (let i = 1; i < 40; i++) log.upsert(msg(i));
  assert.equal(log.get('k0')?.kind, 'message', 'the unsent message is still shown');
  assert.ok(log.size <= 10 + 1 + 1, `size ${log.size}: at most the limit, one 10% chunk and the kept pending entry`);
});

test('many pending own messages over the limit do not make every insert re-trim (no O(n²))', () => {
  const log = new MessageLog(1_000);
  const started = process.cpuUsage();
  for (let i = 0; i < 20_000; i++) log.upsert(msg(i, true, 'pending'));
  const cpuMs = (process.cpuUsage(started).user + process.cpuUsage(started).system) / 1000;
  assert.equal(log.size, 20_000, 'pending messages are all kept');
  // Quadratic re-trimming took ~10 s for this; linear work is well under one.
  assert.ok(cpuMs < 2_000, `${cpuMs.toFixed(0)} ms of CPU`);
});
