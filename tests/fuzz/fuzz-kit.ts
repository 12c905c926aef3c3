/**
 * Shared pieces of the fuzz tests (not a test file): hostile-input arbitraries,
 * process-level traps, and a runner that counts and prints the cases of each property.
 *
 * Every property runs a bounded number of cases (FUZZ_RUNS overrides the default
 * for a longer local session); the seed is printed so any failure can be replayed
 * with FUZZ_SEED=<seed>.
 */
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';

// ---- counts and seeds --------------------------------------------------------------

export const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
const scale = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) / 300 : 1;
/** Bounded number of runs, scaled by FUZZ_RUNS (default scale: 300 = 1×). */
export const runs = (n: number) => Math.max(10, Math.round(n * scale));

export const counts = new Map<string, number>();

function report(name: string, n: number): void {
  counts.set(name, n);
  process.stdout.write(`# fuzz: ${name}: ${n} cases (seed ${SEED})\n`);
}

/** fc.assert with a counter; prints "fuzz: <name>: N cases". */
export function check<T>(name: string, arb: fc.Arbitrary<T>, predicate: (v: T) => boolean | void, numRuns: number): void {
  let n = 0;
  fc.assert(
    fc.property(arb, (v) => {
      n += 1;
      return predicate(v);
    }),
    { numRuns, seed: SEED, endOnFailure: true, includeErrorInReport: true },
  );
  report(name, n);
}

export async function checkAsync<T>(
  name: string,
  arb: fc.Arbitrary<T>,
  predicate: (v: T) => Promise<boolean | void>,
  numRuns: number,
): Promise<void> {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(arb, async (v) => {
      n += 1;
      return predicate(v);
    }),
    // Shrinking a networked case costs a round trip per step: a few are enough to get a readable case.
    { numRuns, seed: SEED, endOnFailure: true, includeErrorInReport: true },
  );
  report(name, n);
}

export function printSummary(title: string): void {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  process.stdout.write(`# fuzz summary (${title}): ${total} cases over ${counts.size} properties\n`);
  for (const [k, v] of counts) process.stdout.write(`#   ${k}: ${v}\n`);
}

// ---- process traps -----------------------------------------------------------------

export interface Traps {
  uncaught: unknown[];
  unhandled: unknown[];
  /** Throws when either trap fired. */
  assertQuiet(): void;
  remove(): void;
}

export function installTraps(): Traps {
  const uncaught: unknown[] = [];
  const unhandled: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);
  const onUnhandled = (err: unknown) => unhandled.push(err);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUnhandled);
  return {
    uncaught,
    unhandled,
    assertQuiet() {
      if (uncaught.length || unhandled.length) {
        const show = (e: unknown) => String((e as Error)?.stack ?? e).slice(0, 600);
        throw new Error(
          `process traps fired: uncaughtException ${uncaught.length} [${uncaught.map(show).join(' | ')}], unhandledRejection ${unhandled.length} [${unhandled.map(show).join(' | ')}]`,
        );
      }
    },
    remove() {
      process.off('uncaughtException', onUncaught);
      process.off('unhandledRejection', onUnhandled);
    },
  };
}

// ---- hostile text ----------------------------------------------------------------------

export const CONVERSATION_SERVER_TYPES = [
  'conversation_list',
  'conversation',
  'left',
  'subscribed',
  'read_marker',
  'user_list',
  'search_results',
] as const;
export const CONVERSATION_CLIENT_TYPES = [
  'subscribe',
  'list',
  'create',
  'open_dm',
  'join',
  'leave',
  'invite',
  'read',
  'users',
  'search',
] as const;
export const KNOWN_SERVER_TYPES = [
  'connection_status',
  'chat_message',
  'chat_response',
  'ack',
  'error',
  'pong',
  'history_page',
  ...CONVERSATION_SERVER_TYPES,
] as const;
export const KNOWN_CLIENT_TYPES = ['chat_message', 'ping', 'history', ...CONVERSATION_CLIENT_TYPES] as const;

/** Strings that are not UTF-8: random bytes decoded the way ws / Buffer do (U+FFFD for bad sequences). */
export const invalidUtf8Bytes = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 256 }),
  // Classic bad sequences: lone continuation bytes, overlongs, surrogates, truncated 4-byte forms.
  fc.constantFrom(
    Uint8Array.from([0x80]),
    Uint8Array.from([0xc0, 0xaf]),
    Uint8Array.from([0xed, 0xa0, 0x80]),
    Uint8Array.from([0xf0, 0x9f, 0x98]),
    Uint8Array.from([0xff, 0xfe, 0xfd]),
    Buffer.from('{"type":"chat_message","message":"\xff\xfe"}', 'latin1'),
  ),
);

/** Lone surrogates and other UTF-16 oddities inside JSON strings. */
export const weirdUnicode = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.constantFrom('\ud800', '\udfff', 'a\ud83d', '\u202e\u2066', '\u0000', '\ufeff', '\u{10ffff}', '𝕏'.repeat(20)),
);

/** Values of every JSON type, including the awkward ones. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: 'small' },
  fc.jsonValue({ maxDepth: 3 }),
  weirdUnicode,
  fc.constantFrom(
    null,
    true,
    false,
    -1,
    0,
    1.5,
    -0,
    1e20,
    -1e20,
    8.64e15 + 1,
    Number.MAX_SAFE_INTEGER + 2,
    Number.MAX_VALUE,
    '__proto__',
    'constructor',
    'toString',
    '',
    '9'.repeat(400),
  ),
  fc.double(),
  fc.integer(),
);

/** Objects shaped like frames, with fields of the wrong type (and extra, prototype-ish keys). */
export function wrongShape(types: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  const keys = [
    'type',
    'message',
    'id',
    'user',
    'seq',
    'timestamp',
    'status',
    'features',
    'user_id',
    'gap',
    'rate_limit',
    'max_message_bytes',
    'code',
    'replay',
    '__proto__',
    'constructor',
  ];
  return fc
    .record({
      type: fc.oneof(fc.constantFrom(...types), hostileValue, fc.string({ maxLength: 20 })),
      fields: fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })), hostileValue, { maxKeys: 8 }),
      rateLimit: fc.option(fc.record({ messages: hostileValue, window_s: hostileValue }), { nil: undefined }),
      features: fc.option(fc.array(hostileValue, { maxLength: 40 }), { nil: undefined }),
    })
    .map(({ type, fields, rateLimit, features }) => {
      const o: Record<string, unknown> = { ...fields, type };
      if (rateLimit) o.rate_limit = rateLimit;
      if (features) o.features = features;
      return o;
    });
}

/** Deeply nested JSON, at the top level or in one field (type, message, timestamp…). */
export function deepJson(maxDepth: number): fc.Arbitrary<string> {
  return fc
    .record({
      depth: fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1000, max: maxDepth })),
      open: fc.constantFrom('[', '{"a":', '[{"b":'),
      where: fc.constantFrom('top', 'type', 'message', 'timestamp', 'seq', 'features', 'rate_limit', 'id'),
      type: fc.constantFrom(...KNOWN_SERVER_TYPES, ...KNOWN_CLIENT_TYPES, 'nope'),
    })
    .map(({ depth, open, where, type }) => {
      const close = open === '[' ? ']' : open === '{"a":' ? '}' : '}]';
      const nested = `${open.repeat(depth)}0${close.repeat(depth)}`;
      if (where === 'top') return nested;
      return `{"type":${where === 'type' ? nested : JSON.stringify(type)},"message":"m","id":"i","${where}":${nested}}`;
    });
}

/** Text that is almost JSON: truncations and bit flips of real frames, stray tokens. */
export const malformedText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.record({ frame: fc.jsonValue({ maxDepth: 2 }), cut: fc.nat() }).map(({ frame, cut }) => {
    const s = JSON.stringify({ type: 'chat_message', message: frame });
    return s.slice(0, cut % (s.length + 1));
  }),
  fc.constantFrom(
    '',
    ' ',
    'null',
    '[]',
    '"str"',
    '42',
    'true',
    '{',
    '}',
    '{"type":}',
    '{"type":"chat_message",}',
    '\u0000',
    'NaN',
    '{"type":"pong"}garbage',
    '{"__proto__":{"type":"ack"}}',
  ),
);

/** Any hostile text frame. */
export const hostileText = (types: readonly string[], maxDepth: number) =>
  fc.oneof(
    malformedText,
    wrongShape(types).map((o) => JSON.stringify(o)),
    deepJson(maxDepth),
    invalidUtf8Bytes.map((b) => Buffer.from(b).toString('utf8')),
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  );

// ---- binary frames ---------------------------------------------------------------------

export type BinaryKind = 'random' | 'zlib-json' | 'zlib-garbage' | 'zlib-invalid-utf8' | 'gzip' | 'raw-deflate' | 'truncated-zlib' | 'bomb';

export interface BinaryCase {
  kind: BinaryKind;
  bytes: Buffer;
}

const bombCache = new Map<number, Buffer>();
/** A zip bomb: `size` bytes of one repeated byte, zlib-compressed (about 1000:1). */
export function zipBomb(size: number): Buffer {
  let b = bombCache.get(size);
  if (!b) bombCache.set(size, (b = deflateSync(Buffer.alloc(size, 0x61), { level: 9 })));
  return b;
}

export const binaryFrame = (types: readonly string[], bombSizes: number[]): fc.Arbitrary<BinaryCase> =>
  fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((b) => ({ kind: 'random' as const, bytes: Buffer.from(b) })),
    wrongShape(types).map((o) => ({ kind: 'zlib-json' as const, bytes: deflateSync(Buffer.from(JSON.stringify(o))) })),
    malformedText.map((t) => ({ kind: 'zlib-garbage' as const, bytes: deflateSync(Buffer.from(t)) })),
    invalidUtf8Bytes.map((b) => ({ kind: 'zlib-invalid-utf8' as const, bytes: deflateSync(Buffer.from(b)) })),
    fc.string({ maxLength: 100 }).map((t) => ({ kind: 'gzip' as const, bytes: gzipSync(Buffer.from(t)) })),
    fc.string({ maxLength: 100 }).map((t) => ({ kind: 'raw-deflate' as const, bytes: deflateRawSync(Buffer.from(t)) })),
    fc.record({ t: fc.string({ minLength: 4, maxLength: 100 }), cut: fc.nat() }).map(({ t, cut }) => {
      const full = deflateSync(Buffer.from(JSON.stringify({ type: 'chat_message', message: t })));
      return { kind: 'truncated-zlib' as const, bytes: full.subarray(0, 1 + (cut % (full.length - 1))) };
    }),
    fc.constantFrom(...bombSizes).map((n) => ({ kind: 'bomb' as const, bytes: zipBomb(n) })),
  );
