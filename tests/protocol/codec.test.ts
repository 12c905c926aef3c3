import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeServerFrame, decodeClientFrame, MAX_MESSAGE_BYTES, utf8Length } from '../../protocol/codec';

test('decodes the design notes frames', () => {
  const status = decodeServerFrame('{"type":"connection_status","status":"connected","user_id":42,"timestamp":"2025-01-01T00:00:00"}');
  assert.deepEqual(status, { ok: true, frame: { type: 'connection_status', status: 'connected', user_id: '42', features: [] } });
  const resp = decodeServerFrame('{"type":"chat_response","message":"你好","timestamp":"t"}');
  assert.deepEqual(resp, { ok: true, frame: { type: 'chat_response', message: '你好', timestamp: 't' } });
  const err = decodeServerFrame('{"type":"error","message":"Message too large"}');
  assert.deepEqual(err, { ok: true, frame: { type: 'error', message: 'Message too large' } });
  assert.deepEqual(decodeServerFrame('{"type":"pong"}'), { ok: true, frame: { type: 'pong' } });
});

test('decodes our extensions and keeps only known fields', () => {
  const r = decodeServerFrame(
    JSON.stringify({ type: 'chat_message', id: 'a1', user: 'bob', message: 'hi', seq: 7, timestamp: 't', replay: true, evil: '<script>' }),
  );
  assert.deepEqual(r, {
    ok: true,
    frame: { type: 'chat_message', id: 'a1', user: 'bob', message: 'hi', seq: 7, timestamp: 't', replay: true },
  });
  const ack = decodeServerFrame('{"type":"ack","id":"a1","seq":8}');
  assert.deepEqual(ack, { ok: true, frame: { type: 'ack', id: 'a1', seq: 8 } });
});

test('rejects malformed input with a stable code, never throws', () => {
  const cases: Array<[string, string]> = [
    ['not json', 'NOT_JSON'],
    ['[1,2]', 'NOT_OBJECT'],
    ['null', 'NOT_OBJECT'],
    ['{"type":"chat_message"}', 'BAD_SHAPE'],
    ['{"type":"chat_message","message":1}', 'BAD_SHAPE'],
    ['{"type":"ack"}', 'BAD_SHAPE'],
    ['{"type":"chat_message","message":"x","seq":-1}', 'BAD_SHAPE'],
    ['{"type":"weather"}', 'UNKNOWN_TYPE'],
    ['['.repeat(200_000) + ']'.repeat(200_000), 'FRAME_TOO_LARGE'],
  ];
  for (const [text, code] of cases) {
    const r = decodeServerFrame(text);
    assert.equal(r.ok, false, text.slice(0, 40));
    if (!r.ok) assert.equal(r.error.code, code, text.slice(0, 40));
  }
  const deep = '['.repeat(5000) + ']'.repeat(5000);
  const r = decodeServerFrame(deep);
  assert.equal(r.ok, false);
});

test('client frames: id limits and unknown types', () => {
  const ok = decodeClientFrame('{"type":"chat_message","id":"x","message":"hi"}', 1000);
  assert.equal(ok.ok, true);
  const longId = decodeClientFrame(JSON.stringify({ type: 'chat_message', id: 'x'.repeat(65), message: 'hi' }), 1000);
  assert.equal(longId.ok, false);
  const unknown = decodeClientFrame('{"type":"sing"}', 1000);
  assert.ok(!unknown.ok && unknown.error.detail.includes('Unsupported message type'));
});

test('the size limit counts UTF-8 bytes, so Chinese text is measured fairly', () => {
  assert.equal(utf8Length('你好'), 6);
  assert.equal(MAX_MESSAGE_BYTES, 10240);
});
