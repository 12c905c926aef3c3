/**
 * Delivery on its own: a link that records what is written, a report that records
 * outcomes, an outbox store in memory (or one that fails), and a hand-moved clock.
 * No sockets: what goes out, when, and in what order is Delivery's decision alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Reason } from '../../electron/common/errors';
import { Delivery, SERVER_ERROR_PAUSE_MS, type OutboundLink } from '../../electron/core/connection/delivery';
import { MemoryOutboxStore, type OutboxItem, type OutboxLoad, type OutboxStore } from '../../electron/core/store/outbox';
import { ManualClock } from '../helpers/clock';

/** Records every frame written; `open` can be switched off to model a dying socket. */
class RecordingLink implements OutboundLink {
  readonly written: Array<{ id: string; message: string }> = [];
  readonly callbacks: Array<(err?: Error) => void> = [];
  open = true;
  constructor(
    readonly acked: boolean,
    readonly features: readonly string[] = [],
  ) {}
  isOpen(): boolean {
    return this.open;
  }
  write(text: string, done?: (err?: Error) => void): void {
    const frame = JSON.parse(text) as { type: string; id: string; message: string };
    assert.equal(frame.type, 'chat_message');
    this.written.push({ id: frame.id, message: frame.message });
    if (done) this.callbacks.push(done);
  }
  ids(): string[] {
    return this.written.map((w) => w.id);
  }
}

class FailingStore implements OutboxStore {
  async load(): Promise<OutboxLoad> {
    return { items: [] };
  }
  async commit(): Promise<void> {
    throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
  }
}

function setup(options: { store?: OutboxStore; maxOutbox?: number; sendWindow?: number } = {}) {
  const clock = new ManualClock();
  const store = options.store ?? new MemoryOutboxStore();
  const outcomes = {
    queued: [] as string[],
    delivered: [] as Array<{ id: string; seq: number | undefined }>,
    refused: [] as Array<{ id: string; why: Reason }>,
    sizes: [] as number[],
    logs: [] as string[],
  };
  let n = 0;
  const delivery = new Delivery({
    clock,
    store,
    maxOutbox: options.maxOutbox ?? 100,
    sendWindow: options.sendWindow ?? 50,
    newId: () => `m${++n}`,
    report: {
      actionRefusal: () => undefined,
      queued: (item: OutboxItem) => {
        outcomes.queued.push(item.id);
        return {
          ok: true,
          entry: {
            kind: 'message',
            key: item.id,
            id: item.id,
            text: item.text,
            from: 'me',
            own: true,
            at: item.createdAt,
            state: 'pending',
          } as never,
        };
      },
      delivered: (id, seq) => outcomes.delivered.push({ id, seq }),
      refused: (id, why) => outcomes.refused.push({ id, why }),
      outboxSize: (size) => outcomes.sizes.push(size),
      log: (level, message) => outcomes.logs.push(`${level}: ${message}`),
    },
  });
  return { clock, store, delivery, outcomes };
}

/** Lets the outbox's saves (promises) settle. Bounded: a few turns are all a memory store needs. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}

test('empty and oversized messages are refused at once and queue nothing', async () => {
  const { delivery, outcomes } = setup();
  delivery.attach(new RecordingLink(true), { max_message_bytes: 16 });
  const empty = await delivery.send('   ');
  assert.equal(empty.ok === false && empty.reason.code, 'EMPTY_MESSAGE');
  const big = await delivery.send('汉'.repeat(6)); // 18 bytes of UTF-8, though 6 characters
  assert.equal(big.ok === false && big.reason.code, 'TOO_LARGE');
  assert.deepEqual(outcomes.queued, []);
  assert.equal(delivery.size, 0);
  assert.equal((await delivery.send('汉'.repeat(5))).ok, true, '15 bytes fit');
});

test('without a connection messages wait, saved; once attached they go out once each, in order', async () => {
  const { delivery, outcomes, store } = setup();
  for (const text of ['one', 'two', 'three']) assert.equal((await delivery.send(text)).ok, true);
  assert.deepEqual(outcomes.queued, ['m1', 'm2', 'm3']);
  assert.deepEqual(
    (store as MemoryOutboxStore).saved.map((i) => i.text),
    ['one', 'two', 'three'],
  );
  const link = new RecordingLink(true);
  delivery.attach(link, undefined);
  delivery.flush();
  delivery.flush();
  assert.deepEqual(link.ids(), ['m1', 'm2', 'm3']);
  delivery.acked('m2', 2);
  delivery.acked('m1', 1);
  delivery.acked('m3', 3);
  assert.deepEqual(
    outcomes.delivered.map((d) => d.seq),
    [2, 1, 3],
  );
  await delivery.persist();
  await settle();
  assert.equal(delivery.size, 0);
  assert.deepEqual((store as MemoryOutboxStore).saved, []);
  assert.equal(outcomes.sizes.at(-1), 0);
});

test('the send window: only that many unacked at once, acks pull the rest; after a reconnect the window is resent', async () => {
  const { delivery } = setup({ sendWindow: 2 });
  for (let i = 0; i < 5; i++) await delivery.send(`msg ${i}`);
  const first = new RecordingLink(true);
  delivery.attach(first, undefined);
  delivery.flush();
  assert.deepEqual(first.ids(), ['m1', 'm2']);
  delivery.acked('m1', 1);
  assert.deepEqual(first.ids(), ['m1', 'm2', 'm3']);

  // The connection dies with m2 and m3 unacked: the next one sends them again (the server dedups by id), then m4.
  first.open = false;
  delivery.detach();
  const second = new RecordingLink(true);
  delivery.attach(second, undefined);
  delivery.flush();
  assert.deepEqual(second.ids(), ['m2', 'm3']);
  delivery.acked('m2', 2);
  delivery.acked('m3', 3);
  assert.deepEqual(second.ids(), ['m2', 'm3', 'm4', 'm5']);
});

test('under an announced rate limit: 90% of it per window, the rest when the clock allows', async () => {
  const { clock, delivery } = setup();
  for (let i = 0; i < 12; i++) await delivery.send(`msg ${i}`);
  const link = new RecordingLink(true);
  delivery.attach(link, { rate_limit: { messages: 10, window_s: 1 } });
  delivery.flush();
  assert.equal(link.written.length, 9);
  for (const id of link.ids()) delivery.acked(id, undefined);
  assert.equal(link.written.length, 9, 'acks do not beat the pacer');
  // The window is 10% + 250 ms longer than the server's (1 s → 1350 ms).
  clock.advance(1_349);
  assert.equal(link.written.length, 9);
  clock.advance(2);
  assert.equal(link.written.length, 12);
});

test('server_error keeps the message queued and resends it after the pause; another refusal fails it for good', async () => {
  const { clock, delivery, outcomes } = setup();
  await delivery.send('kept');
  await delivery.send('refused');
  const link = new RecordingLink(true);
  delivery.attach(link, undefined);
  delivery.flush();
  assert.deepEqual(link.ids(), ['m1', 'm2']);

  assert.equal(delivery.refused('m1', 'server_error', 'store unavailable'), true);
  assert.equal(delivery.has('m1'), true);
  assert.equal(outcomes.refused.length, 0);
  assert.equal(delivery.refused('m2', 'too_large', 'message too large'), true);
  assert.deepEqual(
    outcomes.refused.map((r) => [r.id, r.why.code]),
    [['m2', 'TOO_LARGE']],
  );
  assert.equal(delivery.has('m2'), false);
  assert.equal(delivery.refused('not-ours', 'bad_frame', 'x'), false);

  clock.advance(SERVER_ERROR_PAUSE_MS - 1);
  assert.deepEqual(link.ids(), ['m1', 'm2']);
  clock.advance(1);
  assert.deepEqual(link.ids(), ['m1', 'm2', 'm1']);
});

test('a server without acks (the design notes): delivered once the write succeeds, not on a failed write', async () => {
  const { delivery, outcomes } = setup();
  await delivery.send('a');
  await delivery.send('b');
  const link = new RecordingLink(false);
  delivery.attach(link, undefined);
  delivery.flush();
  assert.equal(link.callbacks.length, 2);
  link.callbacks[0]!();
  link.callbacks[1]!(new Error('socket closed'));
  assert.deepEqual(
    outcomes.delivered.map((d) => d.id),
    ['m1'],
  );
  assert.equal(delivery.has('m2'), true, 'a failed write stays queued');
});

test('a full outbox refuses the new message and keeps the old ones', async () => {
  const { delivery, outcomes } = setup({ maxOutbox: 2 });
  await delivery.send('a');
  await delivery.send('b');
  const third = await delivery.send('c');
  assert.equal(third.ok === false && third.reason.code, 'OUTBOX_FULL');
  assert.deepEqual(
    delivery.waiting().map((i) => i.text),
    ['a', 'b'],
  );
  assert.deepEqual(outcomes.queued, ['m1', 'm2']);
});

test('a disk that cannot save: the message is not queued, not sent, and the reason says so', async () => {
  const { delivery, outcomes } = setup({ store: new FailingStore() });
  const link = new RecordingLink(true);
  delivery.attach(link, undefined);
  const result = await delivery.send('lost?');
  assert.equal(result.ok, false);
  assert.equal(result.ok === false && result.reason.code, 'OUTBOX_WRITE_FAILED');
  assert.match(result.ok === false ? (result.reason.detail ?? '') : '', /ENOSPC/);
  assert.deepEqual(link.written, []);
  assert.deepEqual(outcomes.queued, []);
  assert.equal(outcomes.logs.length, 1);
});
