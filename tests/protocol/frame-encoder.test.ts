/**
 * Under permessage-deflate, only batches of 1 KiB and more are zlib-compressed by us: a
 * small batch (an ack and a reply in one turn) goes as text, as a single frame does, so a
 * round trip does not pay for setting up two zlib streams (issue 18).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { batchTexts, frameEncoder, PER_MESSAGE_DEFLATE } from '../../protocol/framing';

const ack = JSON.stringify({ type: 'ack', id: 'a'.repeat(36), seq: 7 });
const reply = JSON.stringify({ type: 'chat_response', message: 'hello', timestamp: '2026-01-01T00:00:00.000Z' });

test('deflate mode: a small batch goes as text, a batch of 1 KiB or more as zlib binary that inflates to it', () => {
  const encode = frameEncoder('deflate', false);
  const [small] = batchTexts([ack, reply]);
  assert.ok(small!.startsWith('{"type":"batch"') && small!.length < PER_MESSAGE_DEFLATE.threshold);
  assert.deepEqual(encode(small!, true), { data: small, binary: false });

  const [big] = batchTexts(Array.from({ length: 20 }, () => reply));
  assert.ok(big!.length >= PER_MESSAGE_DEFLATE.threshold);
  const out = encode(big!, true);
  assert.equal(out.binary, true);
  assert.equal(inflateSync(out.data as Buffer).toString('utf8'), big);

  assert.deepEqual(encode(reply, false), { data: reply, binary: false }, 'a single frame is text (ws compresses it from 1 KiB)');
});

test('zlib mode still compresses everything, small batches too (a zlib peer expects binary frames); off never does', () => {
  const [small] = batchTexts([ack, reply]);
  const z = frameEncoder('zlib', false)(small!, true);
  assert.equal(z.binary, true);
  assert.equal(inflateSync(z.data as Buffer).toString('utf8'), small);
  assert.deepEqual(frameEncoder('off', false)(small!, true), { data: small, binary: false });
});
