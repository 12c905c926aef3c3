/**
 * `server_error` naming a message (a server whose room store is down) is not a verdict:
 * the message stays pending in the outbox and is sent again, after a pause and in order,
 * until the server acks it. Other refusals still fail the message (tests/core/client-delivery.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient } from '../../electron/core/connection/client';
import type { MessageEntry } from '../../electron/common/contract';
import { SERVER_ERROR_PAUSE_MS } from '../../electron/core/connection/delivery';
import { rawServer } from '../helpers/raw-server';
import { stateIs, until } from '../helpers/wait';

test('a message refused with server_error stays pending, is resent after the pause in order, and is acked', async (t) => {
  let refusals = 2;
  let seq = 0;
  const srv = await rawServer((ws) => {
    ws.send(JSON.stringify({ type: 'connection_status', status: 'connected', features: ['ack', 'seq'] }));
    ws.on('message', (d) => {
      const f = JSON.parse(d.toString());
      if (f.type !== 'chat_message') return;
      if (refusals > 0) {
        refusals--;
        ws.send(JSON.stringify({ type: 'error', message: 'Message not stored', code: 'server_error', id: f.id }));
      } else ws.send(JSON.stringify({ type: 'ack', id: f.id, seq: ++seq }));
    });
  });
  const c = new ChatClient({ config: { url: srv.url } });
  t.after(async () => {
    await c.stop();
    await srv.close();
  });
  await c.start();
  await stateIs(c, 'connected');
  const started = Date.now();
  await c.send('first');
  await c.send('second');
  const mine = () => c.snapshot().entries.filter((e): e is MessageEntry => e.kind === 'message' && e.own);
  await until(c, () => mine().every((m) => m.delivery === 'sent'), 5_000, 'both acked');
  assert.ok(Date.now() - started >= SERVER_ERROR_PAUSE_MS, 'resent only after the pause');
  assert.equal(c.pendingCount(), 0);
  assert.deepEqual(
    mine().map((m) => [m.text, m.seq, m.failure]),
    [
      ['first', 1, undefined],
      ['second', 2, undefined],
    ],
    'in order, none failed',
  );
  const sent = srv.received
    .map((x) => JSON.parse(x))
    .filter((f) => f.type === 'chat_message')
    .map((f) => f.message);
  assert.deepEqual(sent.slice(-2), ['first', 'second'], 'the resend starts with the refused one');
  assert.equal(sent.length, 4, 'each refused copy resent once');
});
