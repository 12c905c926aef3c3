/**
 * Property-based fuzzing of the wire codec (protocol/codec.ts):
 * random and malformed text, JSON of the wrong shape, invalid UTF-8, oversized
 * and deeply nested frames, unknown types. The codec must never throw, and what
 * it returns must be either a frame of the documented shape or a coded error.
 * Case counts are printed ("# fuzz: …").
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeClientFrame,
  decodeServerFrame,
  encodeFrame,
  MAX_HISTORY_PAGE,
  MAX_ID_LENGTH,
  MAX_INBOUND_FRAME_BYTES,
  type DecodeResult,
  type ServerFrame,
  type ClientFrame,
} from '../../protocol/codec';
import { MAX_CREATE_MEMBERS, MAX_NAME_ID, MAX_SEARCH_RESULTS, MAX_SUBSCRIBE, type ConversationRequest } from '../../protocol/conversations';
import {
  check,
  deepJson,
  hostileText,
  installTraps,
  invalidUtf8Bytes,
  KNOWN_CLIENT_TYPES,
  KNOWN_SERVER_TYPES,
  printSummary,
  runs,
  weirdUnicode,
  wrongShape,
} from './fuzz-kit';

const traps = installTraps();
after(() => {
  traps.remove();
  printSummary('codec');
});

const ERROR_CODES = new Set(['FRAME_TOO_LARGE', 'NOT_JSON', 'NOT_OBJECT', 'BAD_SHAPE', 'UNKNOWN_TYPE']);
const isSeq = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isIso = (v: unknown) => typeof v === 'string';

function wellFormedError(r: DecodeResult<unknown>): void {
  if (r.ok) return;
  assert.ok(ERROR_CODES.has(r.error.code), `error code ${r.error.code}`);
  assert.equal(typeof r.error.detail, 'string');
  assert.ok(r.error.detail.length <= 300, `detail is bounded (${r.error.detail.length})`);
}

/** A decoded server frame has exactly the documented shape: the client may trust it without further checks. */
function wellFormedServer(r: DecodeResult<ServerFrame>): void {
  wellFormedError(r);
  if (!r.ok) return;
  const f = r.frame as unknown as Record<string, unknown>;
  assert.ok((KNOWN_SERVER_TYPES as readonly string[]).includes(f.type as string), `type ${String(f.type)}`);
  if ('timestamp' in f) assert.ok(isIso(f.timestamp));
  if ('seq' in f) assert.ok(isSeq(f.seq), `seq ${String(f.seq)}`);
  switch (f.type) {
    case 'connection_status':
      assert.equal(typeof f.status, 'string');
      assert.ok(
        Array.isArray(f.features) &&
          (f.features as unknown[]).length <= 32 &&
          (f.features as unknown[]).every((x) => typeof x === 'string'),
      );
      if ('user_id' in f) assert.equal(typeof f.user_id, 'string');
      if ('gap' in f) assert.equal(f.gap, true);
      if ('rate_limit' in f) {
        const rl = f.rate_limit as { messages: unknown; window_s: unknown };
        assert.ok(isSeq(rl.messages) && (rl.messages as number) > 0);
        assert.ok(typeof rl.window_s === 'number' && rl.window_s > 0);
      }
      if ('max_message_bytes' in f) assert.ok(isSeq(f.max_message_bytes) && (f.max_message_bytes as number) > 0);
      break;
    case 'chat_message':
      assert.equal(typeof f.message, 'string');
      for (const k of ['id', 'user'] as const) if (k in f) assert.equal(typeof f[k], 'string');
      if ('replay' in f) assert.equal(f.replay, true);
      break;
    case 'chat_response':
      assert.equal(typeof f.message, 'string');
      break;
    case 'ack':
      assert.equal(typeof f.id, 'string');
      break;
    case 'error':
      assert.equal(typeof f.message, 'string');
      for (const k of ['code', 'id'] as const) if (k in f) assert.equal(typeof f[k], 'string');
      break;
    case 'history_page':
      assert.equal(typeof f.has_older, 'boolean');
      for (const m of f.messages as Array<Record<string, unknown>>) {
        assert.ok(m.type === 'chat_message' && typeof m.message === 'string' && isSeq(m.seq));
        if ('timestamp' in m) assert.ok(isIso(m.timestamp));
      }
      break;
  }
}

/** A decoded conversations frame holds only ids of the allowed length, and bounded lists. */
function wellFormedConversationRequest(f: ConversationRequest): void {
  const id = (v: unknown) => assert.ok(typeof v === 'string' && v.length >= 1 && v.length <= MAX_NAME_ID, `id ${String(v)}`);
  if ('conv' in f && f.conv !== undefined) id(f.conv);
  if ('user' in f) id(f.user);
  if (f.type === 'subscribe') {
    assert.ok(f.conversations.length <= MAX_SUBSCRIBE);
    for (const e of f.conversations) id(e.conv);
  }
  if (f.type === 'create') assert.ok(f.members.length <= MAX_CREATE_MEMBERS && f.name.length >= 1);
  if (f.type === 'search') assert.ok(f.limit >= 1 && f.limit <= MAX_SEARCH_RESULTS);
}

function wellFormedClient(r: DecodeResult<ClientFrame>): void {
  wellFormedError(r);
  if (!r.ok) return;
  const f = r.frame;
  assert.ok((KNOWN_CLIENT_TYPES as readonly string[]).includes(f.type));
  if (f.type === 'history') {
    assert.ok(Number.isSafeInteger(f.before) && f.before >= 0 && f.limit >= 1 && f.limit <= MAX_HISTORY_PAGE);
    return;
  }
  if (f.type !== 'chat_message' && f.type !== 'ping') {
    wellFormedConversationRequest(f);
    return;
  }
  assert.equal(typeof f.timestamp, 'string');
  assert.ok(!Number.isNaN(Date.parse(f.timestamp)) || typeof f.timestamp === 'string');
  if (f.type === 'chat_message') {
    assert.equal(typeof f.message, 'string');
    assert.equal(typeof f.id, 'string');
    assert.ok(f.id.length <= MAX_ID_LENGTH);
  }
}

/** Calls the decoder; a throw is turned into an assertion failure that names the input. */
function noThrow<T>(what: string, fn: () => T, input: string): T {
  try {
    return fn();
  } catch (err) {
    assert.fail(
      `${what} threw ${String(err)} on input ${JSON.stringify(input.slice(0, 120))}${input.length > 120 ? `… (${input.length} chars)` : ''}`,
    );
  }
}

const serverMax = fc.constantFrom(MAX_INBOUND_FRAME_BYTES, 64 * 1024, 1024, 16);
const clientMax = fc.constantFrom(64 * 1024, 256 * 1024, 1024, 16);

test('decodeServerFrame never throws and returns a documented shape or a coded error', () => {
  check(
    'decodeServerFrame/hostile-text',
    fc.tuple(hostileText([...KNOWN_SERVER_TYPES], 120_000), serverMax),
    ([text, max]) => wellFormedServer(noThrow('decodeServerFrame', () => decodeServerFrame(text, max), text)),
    runs(1000),
  );
  traps.assertQuiet();
});

test('decodeClientFrame never throws and returns a documented shape or a coded error', () => {
  check(
    'decodeClientFrame/hostile-text',
    fc.tuple(hostileText([...KNOWN_CLIENT_TYPES], 120_000), clientMax),
    ([text, max]) => wellFormedClient(noThrow('decodeClientFrame', () => decodeClientFrame(text, max), text)),
    runs(1000),
  );
  traps.assertQuiet();
});

test('wrong-shaped frames of every known type: fields of the wrong type never slip through', () => {
  check(
    'decodeServerFrame/wrong-shape',
    wrongShape([...KNOWN_SERVER_TYPES]),
    (o) => {
      const text = JSON.stringify(o);
      wellFormedServer(noThrow('decodeServerFrame', () => decodeServerFrame(text), text));
    },
    runs(1000),
  );
  check(
    'decodeClientFrame/wrong-shape',
    wrongShape([...KNOWN_CLIENT_TYPES]),
    (o) => {
      const text = JSON.stringify(o);
      wellFormedClient(noThrow('decodeClientFrame', () => decodeClientFrame(text, 64 * 1024), text));
    },
    runs(1000),
  );
});

test('invalid UTF-8 (decoded as ws and Buffer do) is rejected or decoded, never a throw', () => {
  check(
    'both decoders/invalid-utf8',
    fc.tuple(invalidUtf8Bytes, fc.constantFrom('raw', 'in-message', 'in-type')),
    ([bytes, where]) => {
      const bad = Buffer.from(bytes).toString('utf8');
      const text =
        where === 'raw'
          ? bad
          : where === 'in-message'
            ? `{"type":"chat_message","message":"${bad.replace(/["\\]/g, '')}"}`
            : `{"type":"${bad.replace(/["\\]/g, '')}"}`;
      wellFormedServer(noThrow('decodeServerFrame', () => decodeServerFrame(text), text));
      wellFormedClient(noThrow('decodeClientFrame', () => decodeClientFrame(text, 64 * 1024), text));
    },
    runs(500),
  );
});

test('oversized text is refused as FRAME_TOO_LARGE before parsing, counted in UTF-8 bytes', () => {
  check(
    'both decoders/oversized',
    fc.record({
      max: fc.integer({ min: 1, max: 4096 }),
      extra: fc.integer({ min: 1, max: 4096 }),
      unit: fc.constantFrom('a', 'é', '字', '😀'),
    }),
    ({ max, extra, unit }) => {
      const bytesPerUnit = Buffer.byteLength(unit);
      const body = unit.repeat(Math.ceil((max + extra) / bytesPerUnit));
      const text = JSON.stringify({ type: 'chat_message', message: body });
      assert.ok(Buffer.byteLength(text) > max);
      const s = decodeServerFrame(text, max);
      const c = decodeClientFrame(text, max);
      assert.equal(!s.ok && s.error.code, 'FRAME_TOO_LARGE');
      assert.equal(!c.ok && c.error.code, 'FRAME_TOO_LARGE');
      // Exactly at the limit in bytes is still accepted.
      const fits = decodeServerFrame(text, Buffer.byteLength(text));
      assert.ok(fits.ok);
    },
    runs(300),
  );
});

test('deeply nested JSON (top level and in every field) never throws', () => {
  check(
    'both decoders/deep-nesting',
    deepJson(120_000),
    (text) => {
      wellFormedServer(noThrow('decodeServerFrame', () => decodeServerFrame(text), text));
      wellFormedClient(noThrow('decodeClientFrame', () => decodeClientFrame(text, MAX_INBOUND_FRAME_BYTES), text));
    },
    runs(300),
  );
});

test('well-formed frames round-trip through encodeFrame and decode with their content intact', () => {
  const text = fc.oneof(fc.string({ maxLength: 200 }), weirdUnicode);
  const serverFrame = fc.oneof(
    fc.record({ type: fc.constant('chat_message' as const), message: text, id: fc.string({ maxLength: 64 }), user: text, seq: fc.nat() }),
    fc.record({ type: fc.constant('chat_response' as const), message: text }),
    fc.record({ type: fc.constant('ack' as const), id: text, seq: fc.nat() }),
    fc.record({ type: fc.constant('error' as const), message: text, code: fc.string({ maxLength: 20 }) }),
    fc.record({
      type: fc.constant('connection_status' as const),
      status: text,
      features: fc.array(fc.string({ maxLength: 8 }), { maxLength: 8 }),
    }),
  );
  check(
    'decodeServerFrame/round-trip',
    serverFrame,
    (frame) => {
      const r = decodeServerFrame(encodeFrame(frame));
      assert.ok(r.ok, `decodes ${JSON.stringify(frame)}`);
      assert.deepEqual(r.frame, { ...frame });
    },
    runs(500),
  );
  check(
    'decodeClientFrame/round-trip',
    fc.record({
      message: text,
      id: fc.string({ minLength: 1, maxLength: MAX_ID_LENGTH }),
      timestamp: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    }),
    ({ message, id, timestamp }) => {
      const r = decodeClientFrame(encodeFrame({ type: 'chat_message', id, message, timestamp }), 1 << 20);
      assert.ok(r.ok);
      assert.deepEqual(r.frame, { type: 'chat_message', id, message, timestamp });
    },
    runs(500),
  );
});

// ---- regressions: cases the fuzzing above found -------------------------------------------

test('regression: a numeric timestamp outside the Date range is ignored, not a RangeError', () => {
  for (const ts of [1e20, -1e20, 8.64e15 + 1, Number.MAX_VALUE, 9e15]) {
    for (const type of ['pong', 'chat_message', 'chat_response', 'ack']) {
      const text = JSON.stringify({ type, message: 'm', id: 'i', timestamp: ts });
      const r = noThrow('decodeServerFrame', () => decodeServerFrame(text), text);
      assert.ok(r.ok);
      assert.equal((r.frame as { timestamp?: string }).timestamp, undefined);
    }
    const ping = JSON.stringify({ type: 'ping', timestamp: ts });
    const c = noThrow('decodeClientFrame', () => decodeClientFrame(ping, 1024), ping);
    assert.ok(c.ok);
    assert.equal((c.frame as { timestamp?: string }).timestamp, new Date(0).toISOString());
  }
  // In range still converts.
  const ok = decodeServerFrame(JSON.stringify({ type: 'pong', timestamp: 0 }));
  assert.ok(ok.ok && ok.frame.type === 'pong' && ok.frame.timestamp === '1970-01-01T00:00:00.000Z');
});

test('regression: a deeply nested unknown "type" is reported, not a stack overflow in the error detail', () => {
  for (const depth of [10_000, 100_000]) {
    const text = `{"type":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const s = noThrow('decodeServerFrame', () => decodeServerFrame(text), text);
    assert.equal(!s.ok && s.error.code, 'UNKNOWN_TYPE');
    const c = noThrow('decodeClientFrame', () => decodeClientFrame(text, MAX_INBOUND_FRAME_BYTES), text);
    assert.equal(!c.ok && c.error.code, 'UNKNOWN_TYPE');
    assert.ok(!c.ok && c.error.detail.startsWith('Unsupported message type'));
  }
  // A plain unknown string type keeps its readable detail.
  const w = decodeClientFrame('{"type":"weather"}', 1024);
  assert.ok(!w.ok && w.error.detail === 'Unsupported message type: "weather"');
});
